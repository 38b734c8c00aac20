#include "indicators/ichimoku.hpp"

#include <stdexcept>
#include <string>

namespace organism::indicators {

namespace {
std::size_t checked_displacement(int d) {
  if (d < 0 || d > kMaxPeriod) {
    throw std::invalid_argument("ichimoku: displacement must be in 0.." +
                                std::to_string(kMaxPeriod));
  }
  return static_cast<std::size_t>(d);
}
}  // namespace

Ichimoku::Ichimoku(const IchimokuParams& p)
    : tenkan_hh_(checked_period(p.tenkan, "ichimoku tenkan")),
      kijun_hh_(checked_period(p.kijun, "ichimoku kijun")),
      senkou_hh_(checked_period(p.senkou, "ichimoku senkou")),
      tenkan_ll_(static_cast<std::size_t>(p.tenkan)),
      kijun_ll_(static_cast<std::size_t>(p.kijun)),
      senkou_ll_(static_cast<std::size_t>(p.senkou)),
      a_delay_(checked_displacement(p.displacement)),
      b_delay_(static_cast<std::size_t>(p.displacement)) {}

IchimokuValue Ichimoku::update(double high, double low) {
  tenkan_hh_.push(high);
  tenkan_ll_.push(low);
  kijun_hh_.push(high);
  kijun_ll_.push(low);
  senkou_hh_.push(high);
  senkou_ll_.push(low);
  IchimokuValue v;
  if (tenkan_hh_.full()) v.tenkan = (tenkan_hh_.value() + tenkan_ll_.value()) / 2.0;
  if (kijun_hh_.full()) v.kijun = (kijun_hh_.value() + kijun_ll_.value()) / 2.0;
  // NaN until both lines exist; the delay lines then shift the raw cloud forward in time.
  const double a_now = (v.tenkan + v.kijun) / 2.0;
  const double b_now = senkou_hh_.full() ? (senkou_hh_.value() + senkou_ll_.value()) / 2.0 : kNaN;
  v.senkou_a = a_delay_.push(a_now);
  v.senkou_b = b_delay_.push(b_now);
  return v;
}

[[gnu::flatten]] void ichimoku(const data::CandleView& bars, const IchimokuParams& p,
                               std::span<double> tenkan, std::span<double> kijun,
                               std::span<double> senkou_a, std::span<double> senkou_b) {
  check_same_size(bars.size(), tenkan.size(), "ichimoku tenkan");
  check_same_size(bars.size(), kijun.size(), "ichimoku kijun");
  check_same_size(bars.size(), senkou_a.size(), "ichimoku senkou a");
  check_same_size(bars.size(), senkou_b.size(), "ichimoku senkou b");
  Ichimoku f(p);
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const IchimokuValue v = f.update(bars.high[i], bars.low[i]);
    tenkan[i] = v.tenkan;
    kijun[i] = v.kijun;
    senkou_a[i] = v.senkou_a;
    senkou_b[i] = v.senkou_b;
  }
}

IchimokuSeries ichimoku(const data::CandleView& bars, const IchimokuParams& p) {
  const std::size_t n = bars.size();
  IchimokuSeries s{std::vector<double>(n), std::vector<double>(n), std::vector<double>(n),
                   std::vector<double>(n)};
  ichimoku(bars, p, s.tenkan, s.kijun, s.senkou_a, s.senkou_b);
  return s;
}

}  // namespace organism::indicators

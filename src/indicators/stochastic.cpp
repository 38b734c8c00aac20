#include "indicators/stochastic.hpp"

namespace organism::indicators {

Stochastic::Stochastic(int k_period, int k_slow, int d_slow)
    : hh_(checked_period(k_period, "stoch k")),
      ll_(static_cast<std::size_t>(k_period)),
      k_sum_(checked_period(k_slow, "stoch slow k")),
      d_sum_(checked_period(d_slow, "stoch slow d")),
      k_n_(static_cast<double>(k_slow)),
      d_n_(static_cast<double>(d_slow)) {}

StochValue Stochastic::update(double high, double low, double close) {
  hh_.push(high);
  ll_.push(low);
  StochValue v;
  if (!hh_.full()) return v;
  const double range = hh_.value() - ll_.value();
  // Dividing before scaling keeps the bounds exact: close == highest gives 100, not 100 + 1 ulp.
  const double fast_k = range > 0.0 ? (close - ll_.value()) / range * 100.0 : 50.0;
  // Same arithmetic as Sma (RollingSum / n), inlined here to keep one call per bar.
  k_sum_.push(fast_k);
  if (!k_sum_.full()) return v;
  v.k = k_sum_.sum() / k_n_;
  d_sum_.push(v.k);
  if (d_sum_.full()) v.d = d_sum_.sum() / d_n_;
  return v;
}

WilliamsR::WilliamsR(int period)
    : hh_(checked_period(period, "willr")), ll_(static_cast<std::size_t>(period)) {}

double WilliamsR::update(double high, double low, double close) {
  hh_.push(high);
  ll_.push(low);
  if (!hh_.full()) return kNaN;
  const double range = hh_.value() - ll_.value();
  // close == highest gives +0 (not -0) and close == lowest exactly -100.
  return range > 0.0 ? (close - hh_.value()) / range * 100.0 : -50.0;
}

[[gnu::flatten]] void stochastic(const data::CandleView& bars, int k_period, int k_slow, int d_slow,
                                 std::span<double> k, std::span<double> d) {
  check_same_size(bars.size(), k.size(), "stoch k");
  check_same_size(bars.size(), d.size(), "stoch d");
  Stochastic f(k_period, k_slow, d_slow);
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const StochValue v = f.update(bars.high[i], bars.low[i], bars.close[i]);
    k[i] = v.k;
    d[i] = v.d;
  }
}

StochSeries stochastic(const data::CandleView& bars, int k_period, int k_slow, int d_slow) {
  StochSeries s{std::vector<double>(bars.size()), std::vector<double>(bars.size())};
  stochastic(bars, k_period, k_slow, d_slow, s.k, s.d);
  return s;
}

[[gnu::flatten]] void williams_r(const data::CandleView& bars, int period, std::span<double> out) {
  check_same_size(bars.size(), out.size(), "willr");
  WilliamsR f(period);
  for (std::size_t i = 0; i < bars.size(); ++i) {
    out[i] = f.update(bars.high[i], bars.low[i], bars.close[i]);
  }
}

std::vector<double> williams_r(const data::CandleView& bars, int period) {
  std::vector<double> out(bars.size());
  williams_r(bars, period, out);
  return out;
}

}  // namespace organism::indicators

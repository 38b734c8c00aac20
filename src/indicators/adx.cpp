#include "indicators/adx.hpp"

#include "indicators/atr.hpp"

namespace organism::indicators {

Adx::Adx(int period)
    : plus_dm_(checked_period(period, "adx")),
      minus_dm_(static_cast<std::size_t>(period)),
      tr_(static_cast<std::size_t>(period)),
      adx_(static_cast<std::size_t>(period)) {}

AdxValue Adx::update(double high, double low, double close) {
  AdxValue v;
  if (!started_) {
    started_ = true;
    prev_high_ = high;
    prev_low_ = low;
    prev_close_ = close;
    return v;
  }
  const double up = high - prev_high_;
  const double down = prev_low_ - low;
  const double tr_now = true_range(high, low, prev_close_);
  prev_high_ = high;
  prev_low_ = low;
  prev_close_ = close;

  const double pdm = plus_dm_.update(up > down && up > 0.0 ? up : 0.0);
  const double mdm = minus_dm_.update(down > up && down > 0.0 ? down : 0.0);
  const double tr = tr_.update(tr_now);
  if (!tr_.ready()) return v;
  if (tr > 0.0) {
    v.plus_di = 100.0 * (pdm / tr);
    v.minus_di = 100.0 * (mdm / tr);
  } else {
    v.plus_di = 0.0;
    v.minus_di = 0.0;
  }
  const double di_sum = v.plus_di + v.minus_di;
  const double dx = di_sum > 0.0 ? 100.0 * (std::fabs(v.plus_di - v.minus_di) / di_sum) : 0.0;
  v.adx = adx_.update(dx);
  return v;
}

[[gnu::flatten]] void adx(const data::CandleView& bars, int period, std::span<double> adx_out,
                          std::span<double> plus_di, std::span<double> minus_di) {
  check_same_size(bars.size(), adx_out.size(), "adx");
  check_same_size(bars.size(), plus_di.size(), "adx +di");
  check_same_size(bars.size(), minus_di.size(), "adx -di");
  Adx f(period);
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const AdxValue v = f.update(bars.high[i], bars.low[i], bars.close[i]);
    adx_out[i] = v.adx;
    plus_di[i] = v.plus_di;
    minus_di[i] = v.minus_di;
  }
}

AdxSeries adx(const data::CandleView& bars, int period) {
  AdxSeries s{std::vector<double>(bars.size()), std::vector<double>(bars.size()),
              std::vector<double>(bars.size())};
  adx(bars, period, s.adx, s.plus_di, s.minus_di);
  return s;
}

}  // namespace organism::indicators

#include "indicators/adx.hpp"

#include "indicators/atr.hpp"

namespace organism::indicators {

Adx::Adx(int period)
    : n_(checked_period(period, "adx")),
      nd_(static_cast<double>(period)),
      nm1_(static_cast<double>(period) - 1.0) {}

AdxValue Adx::update(double high, double low, double close) {
  AdxValue v;
  const std::size_t t = bars_++;
  if (t == 0) {
    prev_high_ = high;
    prev_low_ = low;
    prev_close_ = close;
    return v;
  }
  const double up = high - prev_high_;
  const double down = prev_low_ - low;
  const double pdm = up > down && up > 0.0 ? up : 0.0;
  const double mdm = down > up && down > 0.0 ? down : 0.0;
  const double tr_now = true_range(high, low, prev_close_);
  prev_high_ = high;
  prev_low_ = low;
  prev_close_ = close;

  if (t < n_) {  // TA-Lib's seed: the plain sum of bars 1..n-1, no smoothing yet
    plus_dm_ += pdm;
    minus_dm_ += mdm;
    tr_ += tr_now;
    return v;
  }
  // Written as TA-Lib writes it, (s - s/n) + x, so the rounding is the same as well.
  plus_dm_ = plus_dm_ - plus_dm_ / nd_ + pdm;
  minus_dm_ = minus_dm_ - minus_dm_ / nd_ + mdm;
  tr_ = tr_ - tr_ / nd_ + tr_now;

  bool dx_defined = false;
  double dx = 0.0;
  if (tr_ != 0.0) {
    v.plus_di = 100.0 * (plus_dm_ / tr_);
    v.minus_di = 100.0 * (minus_dm_ / tr_);
    const double di_sum = v.plus_di + v.minus_di;
    if (di_sum != 0.0) {
      dx = 100.0 * (std::fabs(v.minus_di - v.plus_di) / di_sum);
      dx_defined = true;
    }
  } else {
    v.plus_di = 0.0;
    v.minus_di = 0.0;
  }

  const std::size_t first_adx = 2 * n_ - 1;
  if (t < first_adx) {
    if (dx_defined) dx_sum_ += dx;
    return v;
  }
  if (t == first_adx) {
    if (dx_defined) dx_sum_ += dx;
    adx_ = dx_sum_ / nd_;
  } else if (dx_defined) {
    adx_ = (adx_ * nm1_ + dx) / nd_;
  }
  v.adx = adx_;
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

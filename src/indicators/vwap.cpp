#include "indicators/vwap.hpp"

namespace organism::indicators {

namespace {
// UTC day number of a time, rounding toward minus infinity so pre-1970 times bucket correctly.
std::int64_t utc_day(core::TimeMs t) {
  const std::int64_t d = t / core::kDayMs;
  return (t % core::kDayMs < 0) ? d - 1 : d;
}
double typical(double high, double low, double close) { return (high + low + close) / 3.0; }
}  // namespace

double SessionVwap::update(core::TimeMs open_time, double high, double low, double close,
                           double volume) {
  const std::int64_t day = utc_day(open_time);
  if (!started_ || day != day_) {
    started_ = true;
    day_ = day;
    pv_ = 0.0;
    vol_ = 0.0;
  }
  const double tp = typical(high, low, close);
  pv_ += tp * volume;
  vol_ += volume;
  // A sum of non-negative volumes is exactly 0 only when every one was 0.
  return vol_ > 0.0 ? pv_ / vol_ : tp;
}

RollingVwap::RollingVwap(int period)
    : pv_(checked_period(period, "vwap")), vol_(static_cast<std::size_t>(period)) {}

double RollingVwap::update(double high, double low, double close, double volume) {
  const double tp = typical(high, low, close);
  const std::size_t n = vol_.size();
  zero_run_ = volume == 0.0 ? (zero_run_ < n ? zero_run_ + 1 : n) : 0;
  pv_.push(tp * volume);
  vol_.push(volume);
  if (!vol_.full()) return kNaN;
  // A sliding sum can keep a rounding residue after the volume left the window; the run count
  // knows the window is empty of volume exactly.
  if (zero_run_ >= n || !(vol_.sum() > 0.0)) return tp;
  return pv_.sum() / vol_.sum();
}

[[gnu::flatten]] void session_vwap(const data::CandleView& bars, std::span<double> out) {
  check_same_size(bars.size(), out.size(), "vwap_session");
  SessionVwap f;
  for (std::size_t i = 0; i < bars.size(); ++i) {
    out[i] = f.update(bars.time[i], bars.high[i], bars.low[i], bars.close[i], bars.volume[i]);
  }
}

std::vector<double> session_vwap(const data::CandleView& bars) {
  std::vector<double> out(bars.size());
  session_vwap(bars, out);
  return out;
}

[[gnu::flatten]] void rolling_vwap(const data::CandleView& bars, int period,
                                   std::span<double> out) {
  check_same_size(bars.size(), out.size(), "vwap");
  RollingVwap f(period);
  for (std::size_t i = 0; i < bars.size(); ++i) {
    out[i] = f.update(bars.high[i], bars.low[i], bars.close[i], bars.volume[i]);
  }
}

std::vector<double> rolling_vwap(const data::CandleView& bars, int period) {
  std::vector<double> out(bars.size());
  rolling_vwap(bars, period, out);
  return out;
}

}  // namespace organism::indicators

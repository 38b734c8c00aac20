// Volume-weighted average price of the typical price (high + low + close) / 3: anchored to each
// UTC day (session VWAP) or over the last n bars (rolling VWAP). Streaming and batch with identical
// numbers. Used by intraday strategies and indicator_set.
#pragma once

#include <span>
#include <vector>

#include "core/time.hpp"
#include "data/series.hpp"
#include "indicators/rolling.hpp"

namespace organism::indicators {

// Sum(tp * volume) / Sum(volume) over the bars of the current UTC day (by bar open time) up to and
// including this one; resets at the first bar of each day, even across a gap of missing days.
// While the day has had no volume yet the VWAP is the bar's own typical price: no trade has
// weighted any price, and a zero-volume bar's price is the last traded one.
class SessionVwap {
 public:
  double update(core::TimeMs open_time, double high, double low, double close, double volume);
  double update(const data::Bar& b) { return update(b.time, b.high, b.low, b.close, b.volume); }

 private:
  std::int64_t day_ = 0;
  bool started_ = false;
  double pv_ = 0.0;
  double vol_ = 0.0;
};

// The same over the last n bars (NaN for the first n-1). When the n bars all have zero volume
// (detected exactly, not through the running sum) it is the current typical price, as above.
class RollingVwap {
 public:
  explicit RollingVwap(int period);
  double update(double high, double low, double close, double volume);
  double update(const data::Bar& b) { return update(b.high, b.low, b.close, b.volume); }

 private:
  RollingSum pv_;
  RollingSum vol_;
  std::size_t zero_run_ = 0;
};

void session_vwap(const data::CandleView& bars, std::span<double> out);
std::vector<double> session_vwap(const data::CandleView& bars);
void rolling_vwap(const data::CandleView& bars, int period, std::span<double> out);
std::vector<double> rolling_vwap(const data::CandleView& bars, int period);

}  // namespace organism::indicators

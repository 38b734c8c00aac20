// Commodity Channel Index (Lambert, TA-Lib conventions); streaming and batch with identical
// numbers. Used by strategies and indicator_set.
#pragma once

#include <span>
#include <vector>

#include "data/series.hpp"
#include "indicators/rolling.hpp"

namespace organism::indicators {

// tp = (high + low + close) / 3; CCI = (tp - SMA(tp)) / (0.015 * mean |tp_i - SMA(tp)|) over the
// last n bars; NaN for the first n-1. The mean absolute deviation is about the current mean, so
// it is re-read from the window each bar (O(n) per bar, as in TA-Lib; no O(1) update exists).
// Flat window (all n typical prices equal): 0, as TA-Lib, since tp sits at its mean; the flat
// case is detected exactly, so rounding in the mean cannot turn 0/0 into a spurious +-66.7.
class Cci {
 public:
  explicit Cci(int period);
  double update(double high, double low, double close);
  double update(const data::Bar& b) { return update(b.high, b.low, b.close); }

 private:
  RollingSum sum_;             // the running sum behind the mean
  std::vector<double> slots_;  // the window again, written four slots at a time (see .cpp)
  std::size_t pos_ = 0;
  double inv_n_;
  double scale_;  // 0.015 / n
  double last_ = kNaN;
  std::size_t run_ = 0;
};

void cci(const data::CandleView& bars, int period, std::span<double> out);
std::vector<double> cci(const data::CandleView& bars, int period);

}  // namespace organism::indicators

// On-Balance Volume (TA-Lib conventions) with a compensated running total, streaming and batch
// with identical numbers. Used by volume-confirmation strategies and indicator_set.
#pragma once

#include <span>
#include <vector>

#include "data/series.hpp"
#include "indicators/rolling.hpp"

namespace organism::indicators {

// OBV at bar 0 is bar 0's volume (as TA-Lib); then + volume on an up close, - volume on a down
// close, unchanged on an equal close (so flat prices keep it constant). The total is kept as a
// Neumaier-compensated sum: an unbounded cumulative sum cannot be re-summed from a window, and the
// compensation keeps it accurate to the last bits over millions of bars.
class Obv {
 public:
  double update(double close, double volume);
  double update(const data::Bar& b) { return update(b.close, b.volume); }

 private:
  void add(double x);

  double sum_ = 0.0;
  double comp_ = 0.0;
  double prev_close_ = kNaN;
  bool started_ = false;
};

void obv(const data::CandleView& bars, std::span<double> out);
std::vector<double> obv(const data::CandleView& bars);

}  // namespace organism::indicators

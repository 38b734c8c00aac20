// Relative Strength Index (Wilder, TA-Lib conventions), streaming and batch with identical numbers.
// Used by strategies and indicator_set.
#pragma once

#include <span>
#include <vector>

#include "indicators/rolling.hpp"

namespace organism::indicators {

// RSI = 100 * avg_gain / (avg_gain + avg_loss), averages by Wilder smoothing of the close-to-close
// changes, seeded by the simple mean of the first n changes. NaN for bars 0..n-1 (bar 0 has no
// change). When both averages are exactly 0 (no movement at all) the RSI is 50: neither side
// dominates. TA-Lib returns 0 there, which reads as deeply oversold.
class Rsi {
 public:
  explicit Rsi(int period);
  double update(double close);

 private:
  WilderCore gain_;
  WilderCore loss_;
  double prev_ = kNaN;
  bool started_ = false;
};

void rsi(std::span<const double> close, int period, std::span<double> out);
std::vector<double> rsi(std::span<const double> close, int period);

}  // namespace organism::indicators

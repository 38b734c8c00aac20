// Where the close sits in the recent high-low range: the stochastic oscillator (TA-Lib's STOCH,
// slow %K and %D) and Williams %R; streaming and batch with identical numbers. Used by strategies
// and indicator_set.
#pragma once

#include <span>
#include <vector>

#include "data/series.hpp"
#include "indicators/rolling.hpp"

namespace organism::indicators {

struct StochValue {
  double k = kNaN;  // slow %K
  double d = kNaN;  // slow %D
};

// fast %K = 100 * (close - lowest low) / (highest high - lowest low) over k_period bars (current
// included), slow %K = SMA(k_slow) of fast %K, %D = SMA(d_slow) of slow %K. Slow %K is defined
// from bar k_period + k_slow - 2, %D from k_period + k_slow + d_slow - 3 (TA-Lib starts both at
// the latter). When the range is flat (highest == lowest) fast %K is 50: the close is both at the
// top and at the bottom of a zero range, and the midpoint is the neutral reading (TA-Lib: 0).
class Stochastic {
 public:
  Stochastic(int k_period, int k_slow, int d_slow);
  StochValue update(double high, double low, double close);
  StochValue update(const data::Bar& b) { return update(b.high, b.low, b.close); }

 private:
  RollingMax hh_;
  RollingMin ll_;
  RollingSum k_sum_;
  RollingSum d_sum_;
  double k_n_;
  double d_n_;
};

// Williams %R = 100 * (close - highest high) / (highest high - lowest low) over n bars (current
// included), in [-100, 0]; NaN for the first n-1 bars. Flat range: -50, the midpoint, for the same
// reason as the stochastic (TA-Lib: 0). Equals fast %K - 100 up to rounding.
class WilliamsR {
 public:
  explicit WilliamsR(int period);
  double update(double high, double low, double close);
  double update(const data::Bar& b) { return update(b.high, b.low, b.close); }

 private:
  RollingMax hh_;
  RollingMin ll_;
};

struct StochSeries {
  std::vector<double> k, d;
};

void stochastic(const data::CandleView& bars, int k_period, int k_slow, int d_slow,
                std::span<double> k, std::span<double> d);
StochSeries stochastic(const data::CandleView& bars, int k_period, int k_slow, int d_slow);
void williams_r(const data::CandleView& bars, int period, std::span<double> out);
std::vector<double> williams_r(const data::CandleView& bars, int period);

}  // namespace organism::indicators

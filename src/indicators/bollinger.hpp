// Bollinger bands: SMA(n) middle band, +/- k population standard deviations; streaming and batch
// with identical numbers. Used by strategies and indicator_set.
#pragma once

#include <span>
#include <vector>

#include "indicators/rolling.hpp"

namespace organism::indicators {

struct BollingerValue {
  double mid = kNaN;
  double upper = kNaN;
  double lower = kNaN;
};

// mid equals Sma(n) bit for bit; NaN for the first n-1 bars. On a flat window the deviation is
// exactly 0 and the three bands coincide (at the SMA: the price, up to the rounding of sum / n).
class Bollinger {
 public:
  Bollinger(int period, double k);
  BollingerValue update(double close);

 private:
  RollingMoments m_;
  double k_;
};

struct BollingerSeries {
  std::vector<double> mid, upper, lower;
};

void bollinger(std::span<const double> close, int period, double k, std::span<double> mid,
               std::span<double> upper, std::span<double> lower);
BollingerSeries bollinger(std::span<const double> close, int period, double k);

}  // namespace organism::indicators

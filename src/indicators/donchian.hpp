// Donchian channel: highest high and lowest low of the n bars *before* the current one, so a
// close beyond it is a breakout. Streaming and batch with identical numbers. Used by breakout
// strategies and indicator_set.
#pragma once

#include <span>
#include <vector>

#include "data/series.hpp"
#include "indicators/rolling.hpp"

namespace organism::indicators {

struct DonchianValue {
  double high = kNaN;
  double low = kNaN;
};

// Value at bar t covers bars t-n .. t-1: NaN for bars 0..n-1. A flat window gives high == low.
class Donchian {
 public:
  explicit Donchian(int period);
  DonchianValue update(double high, double low);
  DonchianValue update(const data::Bar& b) { return update(b.high, b.low); }

 private:
  RollingMax hh_;
  RollingMin ll_;
};

struct DonchianSeries {
  std::vector<double> high, low;
};

void donchian(const data::CandleView& bars, int period, std::span<double> high,
              std::span<double> low);
DonchianSeries donchian(const data::CandleView& bars, int period);

}  // namespace organism::indicators

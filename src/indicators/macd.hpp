// MACD: line = EMA(fast) - EMA(slow) of this layer's Ema, signal = EMA(signal) of the line,
// histogram = line - signal; streaming and batch with identical numbers. Used by strategies and
// indicator_set.
#pragma once

#include <span>
#include <vector>

#include "indicators/rolling.hpp"

namespace organism::indicators {

struct MacdValue {
  double line = kNaN;
  double signal = kNaN;
  double hist = kNaN;
};

// Each EMA is seeded by its own SMA, so the fast EMA starts at bar fast-1 (TA-Lib's MACD instead
// starts the fast EMA at the slow one's warm-up, seeding it with the SMA of bars slow-fast ..
// slow-1, so its early values differ). The line is defined from bar max(fast, slow)-1, the signal
// and histogram `signal`-1 bars later: the signal EMA is fed only defined line values.
class Macd {
 public:
  Macd(int fast, int slow, int signal);
  MacdValue update(double close);

 private:
  EmaCore fast_;
  EmaCore slow_;
  EmaCore signal_;
};

struct MacdSeries {
  std::vector<double> line, signal, hist;
};

void macd(std::span<const double> close, int fast, int slow, int signal, std::span<double> line,
          std::span<double> signal_out, std::span<double> hist);
MacdSeries macd(std::span<const double> close, int fast, int slow, int signal);

}  // namespace organism::indicators

// True range and Average True Range (Wilder, TA-Lib conventions); streaming and batch with
// identical numbers. Used by strategies (stops, volatility filters), ADX and indicator_set.
#pragma once

#include <span>
#include <vector>

#include "data/series.hpp"
#include "indicators/rolling.hpp"

namespace organism::indicators {

// max(high - low, |high - prev close|, |low - prev close|), written as TA-Lib's TRUE_RANGE.
inline double true_range(double high, double low, double prev_close) {
  double tr = high - low;
  const double up = std::fabs(high - prev_close);
  if (up > tr) tr = up;
  const double down = std::fabs(low - prev_close);
  if (down > tr) tr = down;
  return tr;
}

// True range per bar; NaN at bar 0, which has no previous close (as TA-Lib's TRANGE).
class TrueRange {
 public:
  double update(double high, double low, double close);
  double update(const data::Bar& b) { return update(b.high, b.low, b.close); }

 private:
  double prev_close_ = kNaN;
  bool started_ = false;
};

// Wilder average of the true range, seeded by the mean of TR over bars 1..n: first value at bar n.
// Flat bars have TR 0, so ATR decays toward 0 (and is exactly 0 once every TR so far was 0).
class Atr {
 public:
  explicit Atr(int period);
  double update(double high, double low, double close);
  double update(const data::Bar& b) { return update(b.high, b.low, b.close); }

 private:
  TrueRange tr_;
  WilderCore avg_;
};

void true_range(const data::CandleView& bars, std::span<double> out);
std::vector<double> true_range(const data::CandleView& bars);
void atr(const data::CandleView& bars, int period, std::span<double> out);
std::vector<double> atr(const data::CandleView& bars, int period);

}  // namespace organism::indicators

// Average Directional Index with +DI and -DI (Wilder, TA-Lib's directional movement rules);
// streaming and batch with identical numbers. Used by strategies (trend filters) and indicator_set.
#pragma once

#include <span>
#include <vector>

#include "data/series.hpp"
#include "indicators/rolling.hpp"

namespace organism::indicators {

struct AdxValue {
  double adx = kNaN;
  double plus_di = kNaN;
  double minus_di = kNaN;
};

// From bar 1: up = high - prev high, down = prev low - low; +DM = up if up > down and up > 0,
// -DM = down if down > up and down > 0, else 0; TR as in atr.hpp. +DM, -DM and TR are Wilder
// averages seeded by their simple mean over bars 1..n, so +DI = 100 * +DM / TR and -DI are
// defined from bar n; DX = 100 * |+DI - -DI| / (+DI + -DI); ADX is the Wilder average of DX
// seeded by the mean of DX over bars n..2n-1: first value at bar 2n-1 (TA-Lib's lookback).
// TA-Lib seeds the DM and TR sums with n-1 values and one smoothing step instead, so its early
// values differ slightly; both converge. Flat bars (TR average 0): +DI = -DI = 0 and DX = 0, so
// ADX decays toward 0 (no trend); TA-Lib holds the previous ADX instead.
class Adx {
 public:
  explicit Adx(int period);
  AdxValue update(double high, double low, double close);
  AdxValue update(const data::Bar& b) { return update(b.high, b.low, b.close); }

 private:
  WilderCore plus_dm_;
  WilderCore minus_dm_;
  WilderCore tr_;
  WilderCore adx_;
  double prev_high_ = kNaN;
  double prev_low_ = kNaN;
  double prev_close_ = kNaN;
  bool started_ = false;
};

struct AdxSeries {
  std::vector<double> adx, plus_di, minus_di;
};

void adx(const data::CandleView& bars, int period, std::span<double> adx_out,
         std::span<double> plus_di, std::span<double> minus_di);
AdxSeries adx(const data::CandleView& bars, int period);

}  // namespace organism::indicators

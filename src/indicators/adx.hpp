// Average Directional Index with +DI and -DI, exactly as TA-Lib's ADX, PLUS_DI and MINUS_DI;
// streaming and batch with identical numbers. Used by strategies (trend filters) and indicator_set.
#pragma once

#include <cstddef>
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
// -DM = down if down > up and down > 0, else 0; TR as in atr.hpp. As in TA-Lib, +DM, -DM and TR
// are Wilder *sums*: the plain sum of bars 1..n-1, then s = s - s/n + x from bar n on, so
// +DI = 100 * +DM / TR and -DI are defined from bar n (TA-Lib's PLUS_DI lookback);
// DX = 100 * |+DI - -DI| / (+DI + -DI); ADX is the mean of DX over bars n..2n-1, then
// (adx * (n-1) + dx) / n: first value at bar 2n-1 (TA-Lib's ADX lookback). Where TR is 0
// (every bar so far flat) ±DI are 0 and DX is undefined, and where +DI + -DI is 0 DX is
// undefined too; an undefined DX adds 0 to the seed sum and leaves ADX unchanged, as in TA-Lib
// (ADX is then 0 anyway: no bar has moved or none has had directional movement).
// TA-Lib tests those zeros within 1e-8 in absolute terms; here they are exact, so the numbers do
// not depend on the price level (they differ from TA-Lib only when the TR sum is below 1e-8).
class Adx {
 public:
  explicit Adx(int period);
  AdxValue update(double high, double low, double close);
  AdxValue update(const data::Bar& b) { return update(b.high, b.low, b.close); }

 private:
  std::size_t n_;
  double nd_;
  double nm1_;
  std::size_t bars_ = 0;  // bars seen before this one
  double plus_dm_ = 0.0;  // Wilder sums, as TA-Lib keeps them (not averages)
  double minus_dm_ = 0.0;
  double tr_ = 0.0;
  double dx_sum_ = 0.0;  // the ADX seed: the sum of the first n DX
  double adx_ = kNaN;
  double prev_high_ = kNaN;
  double prev_low_ = kNaN;
  double prev_close_ = kNaN;
};

struct AdxSeries {
  std::vector<double> adx, plus_di, minus_di;
};

void adx(const data::CandleView& bars, int period, std::span<double> adx_out,
         std::span<double> plus_di, std::span<double> minus_di);
AdxSeries adx(const data::CandleView& bars, int period);

}  // namespace organism::indicators

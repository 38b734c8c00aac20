// The per-bar arithmetic a genome applies to its rule's exposure: the regime filter's gate and
// volatility targeting. Written once for strategy::exposures (a whole series) and
// strategy::Runtime (one bar at a time), so both give the same bits.
#pragma once

#include <algorithm>
#include <cmath>

#include "strategy/genome.hpp"

namespace organism::strategy {

// 1 where the regime filter lets the rule trade at this bar, else 0. vol is the bar's annualized
// realized volatility over regime.vol_window bars and vol_median its rolling median over
// regime.median_window bars (NaN while undefined: closed); fg the Fear & Greed value in effect
// (NaN when unknown: closed).
inline double regime_gate(const RegimeFilter& r, double vol, double vol_median, double fg) {
  double open = 1.0;
  if (r.vol_filter_on && !(std::isfinite(vol_median) && vol < r.vol_k * vol_median)) open = 0;
  if (r.fg_on && !(fg >= r.fg_low && fg <= r.fg_high)) open = 0;
  return open;
}

// The exposure the genome trades at a bar: the rule's signal times the regime gate (filters on),
// scaled by vol_target / target_vol (targeting on; undefined volatility: 0), clamped to [-1, 1],
// and 0 where not finite. target_vol is the annualized realized volatility over risk.vol_window.
inline double filtered_exposure(const Genome& g, double signal, double gate, double target_vol) {
  double e = signal;
  if (g.regime.vol_filter_on || g.regime.fg_on) e *= gate;
  if (g.risk.vol_target_on && e != 0) {
    if (!std::isfinite(target_vol)) {
      e = 0;
    } else if (target_vol > 0) {
      e *= g.risk.vol_target / target_vol;
    }
  }
  return std::isfinite(e) ? std::clamp(e, -1.0, 1.0) : 0.0;
}

}  // namespace organism::strategy

// The risk block and regime filter as value vectors in the order of risk_specs() / regime_specs(),
// so clamping, random draws and JSON treat them like family parameters. Used by genome*.cpp
// and by evolve/variation, which crosses and mutates them gene by gene.
#pragma once

#include "strategy/genome.hpp"

namespace organism::strategy {

enum RiskField {
  kStopLoss,
  kTakeProfit,
  kTrailing,
  kLeverage,
  kVolTargetOn,
  kVolTarget,
  kRiskVolWindow
};
enum RegimeField { kVolFilterOn, kVolK, kRegimeVolWindow, kMedianWindow, kFgOn, kFgLow, kFgHigh };

inline ParamValues risk_values(const RiskBlock& r) {
  return {r.stop_loss,
          r.take_profit,
          r.trailing,
          r.leverage,
          r.vol_target_on ? 1.0 : 0.0,
          r.vol_target,
          static_cast<double>(r.vol_window)};
}

// The breaker genes (dd_stop, dd_cooldown) are not among the values (breaker_specs(), kept apart
// so that the draws and mutation rates of the other genes stay as they were): they come from
// `breakers`, usually the block the values were taken from.
inline RiskBlock risk_from_values(const ParamValues& v, const RiskBlock& breakers = {}) {
  return {v[kStopLoss],
          v[kTakeProfit],
          v[kTrailing],
          v[kLeverage],
          v[kVolTargetOn] != 0,
          v[kVolTarget],
          static_cast<int>(v[kRiskVolWindow]),
          breakers.dd_stop,
          breakers.dd_cooldown};
}

enum BreakerField { kDdStop, kDdCooldown };

inline ParamValues breaker_values(const RiskBlock& r) { return {r.dd_stop, static_cast<double>(r.dd_cooldown)}; }

inline void set_breakers(RiskBlock& r, const ParamValues& v) {
  r.dd_stop = v[kDdStop];
  r.dd_cooldown = static_cast<int>(v[kDdCooldown]);
}

inline ParamValues regime_values(const RegimeFilter& r) {
  return {r.vol_filter_on ? 1.0 : 0.0,
          r.vol_k,
          static_cast<double>(r.vol_window),
          static_cast<double>(r.median_window),
          r.fg_on ? 1.0 : 0.0,
          r.fg_low,
          r.fg_high};
}

inline RegimeFilter regime_from_values(const ParamValues& v) {
  return {v[kVolFilterOn] != 0,
          v[kVolK],
          static_cast<int>(v[kRegimeVolWindow]),
          static_cast<int>(v[kMedianWindow]),
          v[kFgOn] != 0,
          v[kFgLow],
          v[kFgHigh]};
}

}  // namespace organism::strategy

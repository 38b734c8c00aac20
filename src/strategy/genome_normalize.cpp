// Normalized genomes and active genes (genome.hpp): which genes a genome's other genes leave
// without effect. One table of the risk block and regime filter here, the families' own in
// Family::inactive, so the id, the engine's dedupe and the "simplest alias" agree on it.
#include <algorithm>

#include "strategy/genome.hpp"
#include "strategy/genome_fields.hpp"

namespace organism::strategy {
namespace {

// Inactive risk genes: stops at 0 are off; volatility targeting off leaves its target and window
// without effect. The leverage cap always acts.
std::vector<bool> inactive_risk(const RiskBlock& r) {
  std::vector<bool> off(risk_specs().size(), false);
  off[kStopLoss] = r.stop_loss == 0;
  off[kTakeProfit] = r.take_profit == 0;
  off[kTrailing] = r.trailing == 0;
  off[kVolTargetOn] = off[kVolTarget] = off[kRiskVolWindow] = !r.vol_target_on;
  return off;
}

// Inactive regime genes: each filter off leaves its own parameters without effect.
std::vector<bool> inactive_regime(const RegimeFilter& f) {
  std::vector<bool> off(regime_specs().size(), false);
  off[kVolFilterOn] = off[kVolK] = off[kRegimeVolWindow] = off[kMedianWindow] = !f.vol_filter_on;
  off[kFgOn] = off[kFgLow] = off[kFgHigh] = !f.fg_on;
  return off;
}

// Inactive values at their spec's default. An off switch's default is off (tested for every
// spec), so a switch stays off.
ParamValues reset(std::span<const ParamSpec> specs, ParamValues values,
                  const std::vector<bool>& off) {
  for (std::size_t i = 0; i < specs.size() && i < values.size(); ++i) {
    if (off[i]) values[i] = specs[i].def;
  }
  return values;
}

int active(const std::vector<bool>& off) {
  return static_cast<int>(std::count(off.begin(), off.end(), false));
}

}  // namespace

Genome normalized(Genome g) {
  clamp(g);
  if (g.family != kTreeFamily) {
    const Family& family = find_family(g.family);
    family.canonicalize(g.params);
    g.params = reset(family.params(), g.params, family.inactive(g.params));
  }
  g.risk = risk_from_values(reset(risk_specs(), risk_values(g.risk), inactive_risk(g.risk)), g.risk);
  g.regime =
      regime_from_values(reset(regime_specs(), regime_values(g.regime), inactive_regime(g.regime)));
  return g;
}

int active_genes(const Genome& genome) {
  const Genome g = normalized(genome);
  int n = active(inactive_risk(g.risk)) + active(inactive_regime(g.regime));
  if (g.risk.dd_stop > 0) n += 2;  // dd_stop and dd_cooldown (clamp() resets the cooldown when off)
  if (g.family != kTreeFamily) n += active(find_family(g.family).inactive(g.params));
  return n;
}

}  // namespace organism::strategy

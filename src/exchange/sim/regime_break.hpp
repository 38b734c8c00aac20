// A regime break on the replayed market (docs/exchange-sim.md, issue 22): from a bar on, every
// price x of one coin's stored path becomes P x (x / P)^EXP, P the coin's price at the break.
// EXP = -1 mirrors the path around P (every log move changes sign: a trend reverses), |EXP| > 1
// scales every log move (a volatility burst), 0 < |EXP| < 1 calms it. The map is monotone, so a
// bar maps to a bar: open and close map, high and low map and swap when EXP < 0. Pure functions,
// used by the market replay (market_replay.hpp), `organism exchange-sim --regime-break` and tests.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"
#include "data/series.hpp"

namespace organism::exchange::sim {

// One break as the replay keeps it: it applies to the bars of `asset` opening at or after `time`
// (the open of a bar of the replay's interval: a break asked for inside a bar starts at the next
// bar, so no price already shown changes).
struct RegimeBreak {
  int asset = -1;
  core::TimeMs time = 0;
  double exponent = 1;
  bool operator==(const RegimeBreak&) const = default;
};

// P (x / P)^exponent. x, pivot > 0.
double regime_price(double x, double pivot, double exponent);
// The bar with each price mapped by regime_price, high and low swapped when exponent < 0; volume
// and trades unchanged. Not snapped to valid prices (the replay snaps).
data::Bar regime_bar(const data::Bar& bar, double pivot, double exponent);

// An exponent the simulator accepts: finite, non-zero, |EXP| <= kMaxRegimeExponent (beyond that a
// 1% move becomes a 20x one and prices leave any useful range). Throws std::invalid_argument.
inline constexpr double kMaxRegimeExponent = 10;
void check_regime_exponent(double exponent);

// One item of --regime-break COIN@TIME:EXP[,...]; TIME is a UTC date/time or epoch ms (it may
// contain ':', so EXP is after the last ':').
struct RegimeBreakSpec {
  std::string coin;
  core::TimeMs time = 0;
  double exponent = 1;
};
// Throws core::UsageError naming the bad item.
std::vector<RegimeBreakSpec> parse_regime_breaks(std::string_view spec);

}  // namespace organism::exchange::sim

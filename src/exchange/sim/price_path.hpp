// The price path inside one bar: where the replayed market's price stands at each of the bar's
// ticks. Pure functions, used by the market replay (market_replay.hpp) and its tests.
//
// The rule (docs/exchange-sim.md quotes it):
//  * A bar has `steps` ticks, at bar open + floor(k x bar length / steps) for k = 0 .. steps-1.
//  * Tick 0 is the open. The price then walks open -> first extreme -> second extreme -> close,
//    where the first extreme is the low when close >= open (a rising bar dips first) and the high
//    otherwise. The last tick (k = steps-1) is the close.
//  * The steps-1 moves after the open are shared among the three legs in proportion to each leg's
//    price distance (largest remainders, ties to the earlier leg), each leg of non-zero distance
//    getting at least one; a flat bar stays at the open. steps must be >= 4.
//  * Inside a leg the price moves linearly; points strictly inside a leg are snapped to the
//    nearest valid tick (price_ticks.hpp) and kept within [low, high]. Leg ends are the stored
//    open, high, low and close exactly, so a candle rebuilt from the ticks equals the stored bar.
#pragma once

#include <cstdint>
#include <vector>

#include "core/time.hpp"
#include "data/series.hpp"

namespace organism::exchange::sim {

inline constexpr int kMinStepsPerBar = 4;

// The time of tick k of a bar that opens at `open` and lasts `length` ms.
inline core::TimeMs tick_time(core::TimeMs open, core::TimeMs length, int steps, int k) {
  return open + length * k / steps;
}

// The index of the last tick of the bar at or before t (t >= open): 0 .. steps-1.
int tick_index_at(core::TimeMs open, core::TimeMs length, int steps, core::TimeMs t);

// The price at every tick of the bar (`steps` values), by the rule above.
std::vector<double> bar_path(const data::Bar& bar, int steps, int sz_decimals);

// A flash move applied to a path in place: ticks after `from_tick` move linearly from the price at
// from_tick to that price x (1 + fraction), reached at the last tick (snapped like the path).
void apply_flash(std::vector<double>& path, int from_tick, double fraction, int sz_decimals);

}  // namespace organism::exchange::sim

// The perp price grid (price_ticks.hpp).
#include "exchange/sim/price_ticks.hpp"

#include <algorithm>
#include <cmath>

namespace organism::exchange::sim {
namespace {

PriceUnits pow10(int e) {
  PriceUnits p = 1;
  for (int i = 0; i < e; ++i) p *= 10;
  return p;
}

int digits(PriceUnits v) {
  int d = 1;
  while (v >= 10) {
    v /= 10;
    ++d;
  }
  return d;
}

}  // namespace

PriceUnits tick_at(PriceUnits px, int sz_decimals) {
  const PriceUnits sig = pow10(std::max(0, digits(px) - 5));
  const PriceUnits min_tick = pow10(2 + std::clamp(sz_decimals, 0, 6));
  return std::min<PriceUnits>(std::max(sig, min_tick), 100'000'000);
}

PriceUnits floor_to_tick(PriceUnits px, int sz_decimals) {
  const PriceUnits t = tick_at(px, sz_decimals);
  const PriceUnits down = px / t * t;
  // Below the smallest tick the grid's first point is the tick itself.
  return down > 0 ? down : t;
}

PriceUnits ceil_to_tick(PriceUnits px, int sz_decimals) {
  const PriceUnits t = tick_at(px, sz_decimals);
  // Rounding up may carry into one more digit (99999 -> 100000): still 5 significant figures.
  return (px + t - 1) / t * t;
}

PriceUnits nearest_tick(PriceUnits px, int sz_decimals) {
  const PriceUnits down = floor_to_tick(px, sz_decimals);
  const PriceUnits up = ceil_to_tick(px, sz_decimals);
  return (px - down < up - px) ? down : up;
}

PriceUnits tick_below(PriceUnits px, int sz_decimals) {
  // The grid just below px is at least as fine as at px, so one step of the finer tick below is
  // enough to leave px's own grid point.
  const PriceUnits below = floor_to_tick(px - 1, sz_decimals);
  return below < px ? below : px;
}

PriceUnits tick_above(PriceUnits px, int sz_decimals) { return ceil_to_tick(px + 1, sz_decimals); }

PriceUnits lot_units(int sz_decimals) { return pow10(8 - std::clamp(sz_decimals, 0, 8)); }

PriceUnits to_units(double dollars) { return static_cast<PriceUnits>(std::llround(dollars * 1e8)); }

}  // namespace organism::exchange::sim

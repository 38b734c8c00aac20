// Hyperliquid's perp price grid in exact 1e-8 units: the tick at a price (5 significant figures,
// at most 6 - szDecimals decimals, integers always valid) and snapping to it, down, up or nearest.
// Used by the market replay's price path and synthetic book, which need floor and ceil as well.
#pragma once

#include <cstdint>

namespace organism::exchange::sim {

using PriceUnits = std::int64_t;  // 1e-8 of a dollar (hl::kUnitsPerOne per dollar)

// The grid step of valid perp prices near px (> 0): 10^(digits(px) - 5) units for 5 significant
// figures, at least 10^(2 + sz_decimals) units (6 - szDecimals decimals) and at most one dollar
// (integer prices are always valid, so prices of 5+ integer digits step by 1).
PriceUnits tick_at(PriceUnits px, int sz_decimals);
// The largest valid price <= px, the smallest >= px, the nearest (ties up). px > 0; results > 0.
PriceUnits floor_to_tick(PriceUnits px, int sz_decimals);
PriceUnits ceil_to_tick(PriceUnits px, int sz_decimals);
PriceUnits nearest_tick(PriceUnits px, int sz_decimals);
// The largest valid price strictly below px (px > the smallest tick) and the smallest strictly
// above.
PriceUnits tick_below(PriceUnits px, int sz_decimals);
PriceUnits tick_above(PriceUnits px, int sz_decimals);

// One lot (the smallest size step) in 1e-8 coin units: 10^(8 - sz_decimals).
PriceUnits lot_units(int sz_decimals);
// A price in dollars to units, rounded to the nearest unit.
PriceUnits to_units(double dollars);

}  // namespace organism::exchange::sim

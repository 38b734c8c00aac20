// The seeded order book the replayed market shows around its price: the liquidity a client trades
// against. A pure function of (seed, asset, tick time, price, bar), so nothing about it is stored.
// Used by the market replay (market_replay.hpp), which hands it to the engine with each tick.
//
// The formulas (docs/exchange-sim.md quotes them), with range = (high - low) / open of the bar
// (0 when open <= 0), lot = 10^-szDecimals and u ~ U[0, 1) drawn in this order from
// core::Rng(seed, {kBookStream, asset, tick time}):
//  * half-spread h = price x (0.00002 + 0.02 x range) x (0.75 + 0.5 u);
//    best bid = the largest valid price <= price - h and < price, best ask = the smallest valid
//    price >= price + h and > price, so best bid < price < best ask always.
//  * level gap g = price x range / (2 x levels) (0 for a flat bar); level i (i >= 1) of a side
//    sits at least max(g, one tick) beyond level i-1, snapped outward to the grid: prices valid
//    and strictly monotone.
//  * size at level i = max(volume / steps x 0.2, $1000 / price) x (1 + i / 4) x (0.5 + u),
//    rounded down to whole lots and at least one lot; n (orders at the level) = 1 + below(4).
//    Bids are drawn first (level 0 outward), then asks.
#pragma once

#include <cstdint>
#include <vector>

#include "core/time.hpp"
#include "data/series.hpp"
#include "exchange/sim/engine_types.hpp"

namespace organism::exchange::sim {

struct BookInputs {
  std::uint64_t seed = 1;
  int asset = 0;
  core::TimeMs time = 0;  // the tick's time
  double price = 0;       // the path price at the tick (> 0)
  data::Bar bar;          // the bar the tick belongs to (range and volume)
  int steps_per_bar = 12;
  int levels = 20;  // per side
  int sz_decimals = 0;
};

struct SyntheticBook {
  std::vector<Level> bids;  // best (highest) first
  std::vector<Level> asks;  // best (lowest) first
};

SyntheticBook synthetic_book(const BookInputs& in);

}  // namespace organism::exchange::sim

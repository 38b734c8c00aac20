// The market's own trades at one tick of the replay (the tape between user trades): a seeded,
// pure function like the synthetic book, so nothing is stored. Used by the market replay, which
// hands them to the engine with the tick (MarketTick::prints) to print on the trades feed.
//
// The rule (docs/exchange-sim.md quotes it): a tick of a bar with volume > 0 prints 1 + below(3)
// trades at the tick's price, drawn from core::Rng(seed, {kPrintStream, asset, tick time}); their
// sizes share the bar's volume / steps by uniform weights, rounded down to whole lots (a print
// smaller than one lot is left out). The aggressor buys when the price rose from the previous
// tick, sells when it fell, and is a coin flip when it did not move.
#pragma once

#include <cstdint>
#include <vector>

#include "core/time.hpp"
#include "exchange/sim/sim_engine.hpp"

namespace organism::exchange::sim {

struct PrintInputs {
  std::uint64_t seed = 1;
  int asset = 0;
  core::TimeMs time = 0;
  double price = 0;           // the path price at the tick
  double previous_price = 0;  // at the tick before (0: unknown)
  double bar_volume = 0;      // coins
  int steps_per_bar = 12;
  int sz_decimals = 0;
};

std::vector<MarketTick::Print> market_prints(const PrintInputs& in);

}  // namespace organism::exchange::sim

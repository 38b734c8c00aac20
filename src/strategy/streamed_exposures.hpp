// A genome's exposures computed one bar at a time by strategy::Runtime, as paper and live trading
// feed it: bit for bit strategy::exposures. Used by `organism backtest --stream` to show that.
#pragma once

#include <vector>

#include "strategy/genome.hpp"
#include "strategy/market.hpp"

namespace organism::strategy {

// The market's bars fed to a Runtime in order, with its funding and sentiment per bar when the
// view has them (an empty span is a feed the Runtime does not have, as exposures() sees no column).
std::vector<double> streamed_exposures(const Genome& genome, const MarketView& market);

}  // namespace organism::strategy

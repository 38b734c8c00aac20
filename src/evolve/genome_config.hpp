// Where a genome meets the backtest: the genome's stops, leverage cap and drawdown stop as a
// backtest config.
// strategy and backtest are sibling layers (neither includes the other), so the composition lives
// here, above both. Used by evolution's fitness, the backtest command and the trading engine.
#pragma once

#include "backtest/models.hpp"
#include "strategy/genome.hpp"

namespace organism::evolve {

// base with the genome's stop-loss, take-profit, trailing stop, leverage cap and drawdown stop.
backtest::BacktestConfig backtest_config(const strategy::Genome& genome, backtest::BacktestConfig base);

}  // namespace organism::evolve

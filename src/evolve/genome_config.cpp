#include "evolve/genome_config.hpp"

namespace organism::evolve {

backtest::BacktestConfig backtest_config(const strategy::Genome& genome, backtest::BacktestConfig base) {
  base.stops.stop_loss = genome.risk.stop_loss;
  base.stops.take_profit = genome.risk.take_profit;
  base.stops.trailing = genome.risk.trailing;
  base.leverage = genome.risk.leverage;
  base.drawdown_stop = {genome.risk.dd_stop, genome.risk.dd_cooldown};
  return base;
}

}  // namespace organism::evolve

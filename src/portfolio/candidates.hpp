// The strategies a portfolio is built from: stored strategies (by state or by id) with the
// genome, coins, interval and costs of the run that found them, and their target streams on a
// market. Used by `organism portfolio backtest`, `portfolio evolve`, and (stored_strategy) the
// commands that run one stored strategy (replay, paper, trade).
#pragma once

#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "backtest/models.hpp"
#include "core/time.hpp"
#include "data/market.hpp"
#include "data/store.hpp"
#include "portfolio/portfolio_backtest.hpp"
#include "strategy/genome.hpp"

namespace organism::portfolio {

// A stored strategy with what its run evolved it on.
struct StoredStrategy {
  std::string id;
  std::string state;  // lifecycle state name
  strategy::Genome genome{};
  core::TimeMs created = 0;
  // From its run; empty (nullopt) when the run record is gone.
  std::vector<std::string> coins{}, venues{};
  std::string interval{};
  std::optional<backtest::BacktestConfig> costs{};
  // The largest finite max drawdown of its stored validation (every stage and coin); NaN when it
  // was never validated.
  double validated_max_drawdown = std::numeric_limits<double>::quiet_NaN();
};

// The stored strategy `id`, or nullopt when the store has none.
std::optional<StoredStrategy> stored_strategy(data::Store& store, const std::string& id);

// The states a portfolio takes by default.
inline const std::vector<std::string> kPortfolioStates = {"validated", "paper", "production"};

// `ids` empty: every stored strategy in a state of kPortfolioStates, by id; else those ids in the
// given order. core::UsageError naming an unknown id; core::Error (no ids) when no strategy is in
// those states: "no strategy is validated, paper or production; give --strategies ID,...".
std::vector<StoredStrategy> candidates(data::Store& store, const std::vector<std::string>& ids);

// The market the candidates trade together: the union of their runs' coins (first seen order,
// the first run's venue for a coin) at their common interval. core::UsageError when their
// intervals differ; core::Error when a candidate has no run.
data::MarketSpec candidates_market_spec(const std::vector<StoredStrategy>& candidates);

// Each candidate's stream on `market`: per coin of its run, strategy::exposures of its genome,
// and evolve::backtest_config(genome, its run's costs or `default_costs`). Its age at bar 0 is
// its age at `now` (a backtest over the past cannot know when it would have been born: each is
// taken as old as it is today).
std::vector<StrategyStream> candidate_streams(const std::vector<StoredStrategy>& candidates,
                                              const data::Market& market,
                                              const backtest::BacktestConfig& default_costs,
                                              core::TimeMs now);

}  // namespace organism::portfolio

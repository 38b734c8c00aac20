// A strategy named on the command line: a genome file, or the id of a strategy a run stored, with
// the coins, interval and costs its run evolved it on (the defaults of replay, paper and trade).
// Used by `organism replay`, `organism paper` and `organism trade`.
#pragma once

#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "backtest/models.hpp"
#include "cli/context.hpp"
#include "core/time.hpp"
#include "strategy/genome.hpp"

namespace organism::cli {

struct StrategySource {
  std::string id{};  // the stored id, or the genome's id for a file
  strategy::Genome genome{};
  // From the run that stored it; empty (and nullopt) for a genome file.
  std::vector<std::string> coins{};
  std::string interval{};
  std::optional<backtest::BacktestConfig> costs{};
  // The largest max drawdown of its stored validation (every stage, every coin): what the
  // per-strategy breaker multiplies. NaN for a genome file or a strategy never validated.
  double validated_max_drawdown = std::numeric_limits<double>::quiet_NaN();
  // When it was stored (ms); nullopt for a genome file. The allocator's age counts from it.
  std::optional<core::TimeMs> created{};
};

// core::UsageError naming `flag` when `id_or_file` is neither a readable genome file nor a
// strategy of the store.
StrategySource strategy_source(const std::string& id_or_file, Context& ctx, const char* flag);

}  // namespace organism::cli

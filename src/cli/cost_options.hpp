// The cost model (fees, slippage, fill model, funding switch) from the backtest.* keys and the
// flags that set them, and the check that a resumed run keeps its own (stored: runs::RunOptions).
// Used by `organism backtest` and `organism evolve`.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "backtest/models.hpp"
#include "backtest/run_settings.hpp"  // backtest::costs_from_config, for the commands that bind these flags
#include "cli/context.hpp"
#include "evolve/engine.hpp"

namespace organism::cli {

// --fees (taker), --maker-fee, --slippage, --fill and --no-funding, bound to backtest.*.
// Without `fill_model` no --fill (`organism replay`'s --fill is its broker, bar or book).
void add_cost_options(CLI::App* cmd, Registry& registry, bool fill_model = true);

// On --resume the run keeps its costs. A cost flag whose value differs from the run's is a
// core::UsageError naming both; a differing value from the file or environment is only a warning.
void check_resume_costs(const core::Config& cfg, const backtest::BacktestConfig& stored,
                        const std::string& run_id);

}  // namespace organism::cli

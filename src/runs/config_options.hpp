// The options of an evolution run read from the config: evolve.*, validate.* and how a session
// evaluates. `organism evolve`, `organism validate` and the Python module's evolve() read them
// here, so a run set up by either is the same run.
#pragma once

#include <cstddef>
#include <vector>

#include "core/config.hpp"
#include "evolve/engine.hpp"
#include "runs/run_service.hpp"
#include "validate/validation.hpp"

namespace organism::runs {

// The keys of the research layers (core, data, backtest and risk, evolve, validate): what a
// program that backtests and evolves, but does not trade, is configured with.
std::vector<core::ConfigKey> research_config_keys();

// evolve.*; core::UsageError names a bad key.
evolve::EvolveOptions evolve_options(const core::Config& cfg);
std::size_t embargo(const core::Config& cfg);  // evolve.embargo: "auto" or bars
// evolve.cache_mb, evolve.threads and data.venue. Threads above the machine's cores are capped
// to them, with one warning saying so.
EvaluationSettings evaluation_settings(const core::Config& cfg);
// validate.*, before they are fitted to a run (options_for_run); a bad value is a
// core::UsageError naming the key.
validate::ValidationOptions validation_options(const core::Config& cfg);

// A new run's options (evolve.*, backtest.*) fitted to `validation` (options_for_run), and its
// universe: evolve.coins at evolve.interval with the embargo, venues left to data.venue. What
// `organism evolve` without --resume and the Python module's evolve() create.
RunOptions new_run_options(const core::Config& cfg, const validate::ValidationOptions& validation);
UniverseSpec new_run_universe(const core::Config& cfg);

}  // namespace organism::runs

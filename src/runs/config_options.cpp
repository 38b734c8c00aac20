// The options of a run from the config (config_options.hpp). Each key's range is checked where
// the key is declared (<layer>/config_keys.cpp) when it is read; what is left here are the checks
// that join several keys (evolve::check_options).
#include "runs/config_options.hpp"

#include <algorithm>
#include <thread>

#include <spdlog/spdlog.h>

#include "backtest/config_keys.hpp"
#include "backtest/risk_limits.hpp"
#include "backtest/run_settings.hpp"
#include "core/config.hpp"
#include "core/error.hpp"
#include "data/config_keys.hpp"
#include "evolve/config_keys.hpp"
#include "validate/config_keys.hpp"

namespace organism::runs {

std::vector<core::ConfigKey> research_config_keys() {
  std::vector<core::ConfigKey> keys;
  for (auto layer : {core::core_config_keys, data::config_keys, backtest::config_keys, backtest::risk_config_keys,
                     evolve::config_keys, validate::config_keys}) {
    for (auto& key : layer()) keys.push_back(std::move(key));
  }
  return keys;
}

evolve::EvolveOptions evolve_options(const core::Config& cfg) {
  evolve::EvolveOptions o;
  o.seed = static_cast<std::uint64_t>(cfg.get_int("evolve.seed"));
  o.population = static_cast<int>(cfg.get_int("evolve.population"));
  o.generations = static_cast<int>(cfg.get_int("evolve.generations"));
  o.islands = static_cast<int>(cfg.get_int("evolve.islands"));
  o.migration_interval = static_cast<int>(cfg.get_int("evolve.migration_interval"));
  o.migrants = static_cast<int>(cfg.get_int("evolve.migrants"));
  o.families = cfg.get_list("evolve.families");
  o.objectives = evolve::parse_objectives(cfg.get("evolve.objectives"));
  o.aggregate = evolve::parse_aggregate(cfg.get("evolve.aggregate"));
  o.constraints.min_trades = cfg.get_double("evolve.min_trades");
  o.constraints.max_drawdown = cfg.get_double("evolve.max_drawdown");
  o.target_volatility = cfg.get_double("evolve.target_volatility");
  o.breaker_genes = cfg.get_bool("evolve.breaker_genes");
  o.graveyard_weight = cfg.get_double("evolve.graveyard_weight");  // the graveyard itself: RunService::read_history
  o.variation.crossover_probability = cfg.get_double("evolve.crossover_probability");
  o.variation.sbx_eta = cfg.get_double("evolve.sbx_eta");
  o.variation.mutation_eta = cfg.get_double("evolve.mutation_eta");
  o.variation.mutation_rate = cfg.get_double("evolve.mutation_rate");
  o.variation.family_switch_probability = cfg.get_double("evolve.family_switch");
  evolve::check_options(o);
  return o;
}

std::size_t embargo(const core::Config& cfg) {
  const auto& text = cfg.get("evolve.embargo");  // "auto" or a whole number >= 0
  if (text == "auto") return evolve::default_embargo();
  return static_cast<std::size_t>(cfg.get_int("evolve.embargo"));
}

namespace {

int capped_threads(const core::Config& cfg) {
  const auto threads = static_cast<int>(cfg.get_int("evolve.threads"));
  // More threads than cores only adds switching (and TBB ignores the extra workers with a
  // warning of its own), so the request is capped once, here, and said so in one line.
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (threads <= cores) return threads;
  spdlog::warn("evolve.threads = {} (from {}) is more than the {} cores of this machine: using {}", threads,
               cfg.source("evolve.threads"), cores, cores);
  return cores;
}

}  // namespace

EvaluationSettings evaluation_settings(const core::Config& cfg) {
  const auto cache_mb = cfg.get_int("evolve.cache_mb");  // in [1, evolve::kMaxCacheMb]
  return {static_cast<std::size_t>(cache_mb) << 20, capped_threads(cfg), cfg.get("data.venue")};
}

validate::ValidationOptions validation_options(const core::Config& cfg) {
  validate::ValidationOptions o;
  o.gates.sharpe = cfg.get_double("validate.gate_sharpe");
  o.gates.max_drawdown = cfg.get_double("validate.gate_max_drawdown");
  o.gates.dsr = cfg.get_double("validate.gate_dsr");
  o.gates.pbo = cfg.get_double("validate.gate_pbo");
  o.pbo_blocks = static_cast<int>(cfg.get_int("validate.pbo_blocks"));
  o.walk_forward.folds = static_cast<int>(cfg.get_int("validate.wf_folds"));
  o.walk_forward.population = static_cast<int>(cfg.get_int("validate.wf_population"));
  o.walk_forward.generations = static_cast<int>(cfg.get_int("validate.wf_generations"));
  o.perturbation_step = cfg.get_double("validate.perturbation_step");
  o.cost_multiplier = cfg.get_double("validate.cost_multiplier");
  o.risk = backtest::risk_limits_from(cfg);  // the held-out segments' halts (reported, not gated)
  return o;
}

RunOptions new_run_options(const core::Config& cfg, const validate::ValidationOptions& validation) {
  RunOptions options{evolve_options(cfg), backtest::costs_from_config(cfg)};
  options_for_run(validation, options.evolve);
  return options;
}

UniverseSpec new_run_universe(const core::Config& cfg) {
  UniverseSpec universe{{cfg.get("evolve.interval"), cfg.get_list("evolve.coins"), {}}, embargo(cfg)};
  if (universe.market.coins.empty()) throw core::UsageError("--coins needs at least one coin");
  if (!cfg.get("data.venue").empty()) universe.market.venues.assign(universe.market.coins.size(), "");
  return universe;
}

}  // namespace organism::runs

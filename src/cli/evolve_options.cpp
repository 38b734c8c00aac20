// The options of `organism evolve` and `organism validate` from the config (evolve_support.hpp).
#include <algorithm>

#include "cli/evolve_support.hpp"
#include "core/error.hpp"

namespace organism::cli {

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
  o.variation.crossover_probability = cfg.get_double("evolve.crossover_probability");
  o.variation.sbx_eta = cfg.get_double("evolve.sbx_eta");
  o.variation.mutation_eta = cfg.get_double("evolve.mutation_eta");
  o.variation.mutation_rate = cfg.get_double("evolve.mutation_rate");
  o.variation.family_switch_probability = cfg.get_double("evolve.family_switch");
  evolve::check_options(o);
  return o;
}

std::size_t embargo(const core::Config& cfg) {
  const auto& text = cfg.get("evolve.embargo");
  if (text == "auto") return evolve::default_embargo();
  const auto v = cfg.get_int("evolve.embargo");
  if (v < 0) throw core::UsageError("evolve.embargo must be 'auto' or a number of bars >= 0");
  return static_cast<std::size_t>(v);
}

runs::EvaluationSettings evaluation_settings(const core::Config& cfg) {
  const auto cache_mb = cfg.get_int("evolve.cache_mb");
  if (cache_mb < 1) throw core::UsageError("evolve.cache_mb must be at least 1");
  const auto threads = cfg.get_int("evolve.threads");
  if (threads < 0) throw core::UsageError("--threads must be 0 (all cores) or more");
  return {static_cast<std::size_t>(cache_mb) << 20, static_cast<int>(threads), cfg.get("data.venue")};
}

validate::ValidationOptions validation_options(const core::Config& cfg) {
  validate::ValidationOptions o;
  o.gates.sharpe = cfg.get_double("validate.gate_sharpe");
  o.gates.max_drawdown = cfg.get_double("validate.gate_max_drawdown");
  o.gates.dsr = cfg.get_double("validate.gate_dsr");
  o.gates.pbo = cfg.get_double("validate.gate_pbo");
  o.pbo_blocks = static_cast<int>(cfg.get_int("validate.pbo_blocks"));
  o.walk_forward.folds = static_cast<int>(cfg.get_int("validate.wf_folds"));
  // Clamped into int's range so a huge value still reaches the check of runs::options_for_run.
  const auto clamp = [](std::int64_t v) { return static_cast<int>(std::clamp<std::int64_t>(v, -1, 1 << 30)); };
  o.walk_forward.population = clamp(cfg.get_int("validate.wf_population"));
  o.walk_forward.generations = clamp(cfg.get_int("validate.wf_generations"));
  o.perturbation_step = cfg.get_double("validate.perturbation_step");
  o.cost_multiplier = cfg.get_double("validate.cost_multiplier");
  return o;
}

}  // namespace organism::cli

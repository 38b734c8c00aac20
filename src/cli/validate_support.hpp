// The CLI side of validation, shared by `organism evolve` (validation of the new front at its end)
// and `organism validate` (again, on a stored run): options from the config, the run's JSON
// gaining its validation keys, the strategies' states in the store, and the gate summary.
#pragma once

#include <optional>
#include <span>

#include <nlohmann/json.hpp>

#include "cli/context.hpp"
#include "data/store.hpp"
#include "evolve/engine.hpp"
#include "validate/validation.hpp"

namespace organism::cli {

// Gates and statistics from validate.*; the walk-forward's short evolutions at most as large as
// the run's own (population, generations). Throws core::UsageError for a bad value.
validate::ValidationOptions validation_options(const core::Config& cfg, const evolve::EvolveOptions& run);

// Validates `front` (the engine's distinct front members) against the engine's final population
// and trial statistics, adds the validation keys to `run_json` (its "front" members gain
// "validation" by id; the run gains "pbo", "pbo_detail", "trials", "trial_sharpe_variance",
// "trial_clustering", "walk_forward", "gates", "survivors") and prints the gate summary (progress
// lines on stderr).
validate::RunValidation validate_run(const evolve::Engine& engine, std::span<const evolve::Individual> front,
                                     const evolve::Evaluator& evaluator, nlohmann::ordered_json& run_json,
                                     const Context& ctx, std::size_t top = 25);

// At the end of `organism evolve`: validate_run unless validate.on_evolve is false.
void validate_evolved(const evolve::Engine& engine, std::span<const evolve::Individual> front,
                      const evolve::Evaluator& evaluator, nlohmann::ordered_json& run_json, const Context& ctx);

// Each front member of run_json with a "validation": state `validated` when it passed, else
// `testing`, with the validation as its evidence. Call inside the transaction that saves the run.
void save_validation(data::Store& store, const nlohmann::ordered_json& run_json);

// The run's JSON parts, exposed for tests.
nlohmann::ordered_json member_validation_json(const validate::MemberValidation& m, const evolve::Universe& universe);
nlohmann::ordered_json walk_forward_json(const validate::WalkForwardResult& wf);

}  // namespace organism::cli

// A run's final front as records: its distinct members (validate::distinct_front), each backtested
// on every stage of every coin, and their validation. Used by the run service at the end of a run
// and when a stored run is validated again.
#pragma once

#include <atomic>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "evolve/engine.hpp"
#include "evolve/backtest_problem.hpp"
#include "runs/records.hpp"
#include "validate/validation.hpp"

namespace organism::runs {

// The rule and its risk and regime lines in one line, without strategy::describe()'s header (the
// id and family have their own columns and fields): a front member's "rule", the API's "rule".
std::string rule_in_words(const strategy::Genome& genome);

struct MeasuredFront {
  std::vector<evolve::Individual> individuals;  // the representatives: what validation validates
  std::vector<FrontMember> members;             // in the same order
};

// The distinct members of the engine's front with their metrics per stage (means over coins, plus
// "trades_per_year": closed trades per year of the stage).
MeasuredFront measure_front(const evolve::Engine& engine, const evolve::BacktestProblem& evaluator);

// The validation options a run is validated with: the walk-forward's short evolutions at most as
// large as the run's own (population, generations). Throws core::UsageError for a bad value.
validate::ValidationOptions options_for_run(validate::ValidationOptions options, const evolve::EvolveOptions& run);

// What validating a front gives: the validation layer's result (for summaries) and its records.
struct ValidationOutcome {
  validate::RunValidation result;
  validate::ValidationOptions options;
  RunValidation run;
};

// Validates `front` against the engine's final populations and trial statistics; `progress`
// receives the pipeline's progress lines. `cancel` (optional) raised: core::Interrupted at the next
// progress line or backtest batch of the walk-forward.
ValidationOutcome validate_front(const evolve::Engine& engine, std::span<const evolve::Individual> front,
                                 const evolve::BacktestProblem& evaluator, const validate::ValidationOptions& options,
                                 const std::function<void(const std::string&)>& progress = {},
                                 const std::atomic<bool>* cancel = nullptr);

// The outcome written into a run's result: each member of `result.front` validated gets its record
// (with the member's aliases: the evidence holds for them too), the run its statistics.
void apply_validation(RunResult& result, const ValidationOutcome& outcome, const evolve::Universe& universe);

}  // namespace organism::runs

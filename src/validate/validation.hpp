// The validation pipeline of a finished run: every front member measured on the three stages
// per coin, deflated for the run's trials, stressed on costs, perturbed on its parameters, and
// passed or failed on the gates; the run's PBO over the final population and its walk-forward
// re-optimization. Used by `organism evolve` (at the end) and `organism validate`. No I/O.
#pragma once

#include <array>
#include <atomic>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "evolve/engine.hpp"
#include "validate/gates.hpp"
#include "validate/pbo.hpp"
#include "validate/sharpe_stats.hpp"
#include "validate/walk_forward.hpp"

namespace organism::validate {

// The V of the DSR's expected maximum. Trials (the and the paper's choice): the variance
// of the run's trial Sharpes; it also counts genuine differences between rules (an anti-edge
// rule scores as far below 0 as the edge above), so with a real edge it overstates the null's
// spread and the DSR gate becomes nearly unpassable. Null: the sampling variance of a zero-skill
// Sharpe, 1 / (n - 1) per bar for n in-sample bars, which ignores that spread (less conservative).
enum class DsrVariance { Trials, Null };
DsrVariance parse_dsr_variance(std::string_view text);  // "trials" | "null"

struct ValidationOptions {
  GateThresholds gates;
  DsrVariance dsr_variance = DsrVariance::Trials;
  int pbo_blocks = 16;
  WalkForwardOptions walk_forward;
  double perturbation_step = 0.10;
  double cost_multiplier = 2;  // fees and slippage
};

// The run's search as the engine counted it: distinct genomes and the variance of their
// in-sample Sharpe ratios, annualized and averaged over coins (evolve::TrialStats).
struct TrialSummary {
  std::int64_t count = 1;
  double sharpe_variance = 0;
};

// One stage of one member: per coin (universe order) and the mean over coins.
struct StageResult {
  std::vector<backtest::Metrics> per_coin;
  evolve::MetricValues mean;
};

struct CostStress {
  double multiplier = 2;
  std::array<StageResult, 3> stages;  // in-sample, out-of-sample, walk-forward
  double sharpe = 0;                  // min over stages of the mean-over-coins Sharpe
  double total_return = 0;            // min over stages of the mean-over-coins total return
};

struct Robustness {
  std::size_t neighbours = 0;           // perturbed genomes backtested
  double own_sharpe = 0;                // in-sample, mean over coins
  double neighbour_sharpe_median = 0;   // in-sample, mean over coins, median over neighbours
  double perturbation_ratio = 0;        // ratio_or_zero(median, own); 0 without neighbours
  std::vector<double> coin_sharpes;     // out-of-sample Sharpe per coin
  double coin_dispersion = 0;           // their population standard deviation
};

struct MemberValidation {
  std::string id;
  std::array<StageResult, 3> stages;
  SharpeSample sample;  // in-sample, per bar
  DeflatedSharpe deflated;
  double in_sample_annualized = 0;     // annualized log return, mean over coins
  double walk_forward_annualized = 0;
  double wf_efficiency = 0;            // ratio_or_zero(walk-forward, in-sample)
  CostStress cost_stress;
  Robustness robustness;
  std::vector<GateResult> gates;
  bool passed = false;
};

struct RunValidation {
  std::optional<PboResult> pbo;  // nullopt: fewer than 2 distinct strategies or too few bars
  std::string pbo_note;          // why pbo is missing
  std::size_t pbo_strategies = 0, pbo_bars = 0;
  TrialSummary trials;
  TrialSet trial_set;  // per bar, what the DSR used
  WalkForwardResult walk_forward;
  std::vector<MemberValidation> members;  // in front order
  std::size_t survivors = 0;
};

// Throws core::UsageError naming the bad validate.* key (odd or out-of-range PBO blocks, folds
// < 1, a cost multiplier below 1, a perturbation step outside (0, 1)).
void check_options(const ValidationOptions& options);

using Progress = std::function<void(const std::string&)>;

// `front`: the members to validate; `population`: the final population of every island (for
// PBO); `run_options`: the run's evolution options (the walk-forward's short evolutions reuse
// them). Throws core::UsageError for bad options (pbo blocks, folds, multipliers).
RunValidation validate_front(const evolve::Evaluator& evaluator, std::span<const evolve::Individual> front,
                             std::span<const evolve::Individual> population, const evolve::EvolveOptions& run_options,
                             const TrialSummary& trials, const ValidationOptions& options,
                             const Progress& progress = {}, const std::atomic<bool>* cancel = nullptr);

// Per distinct genome (first occurrence by id) its in-sample per-bar returns, mean over coins,
// truncated to the shortest coin: the PBO matrix.
std::vector<std::vector<double>> in_sample_returns(const evolve::Evaluator& evaluator,
                                                   std::span<const evolve::Individual> population);

}  // namespace organism::validate

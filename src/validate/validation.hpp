// The validation pipeline of a finished run: every front member measured on the three stages
// per coin, deflated in-sample for the run's clustered trials and held-out for the clustered
// front, stressed on costs, perturbed on its parameters, and passed or failed on the gates; the
// run's PBO over its trials and its walk-forward re-optimization. Used by `organism evolve` (at the end) and `organism validate`. No I/O.
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
#include "indicators/regime.hpp"
#include "validate/clustering.hpp"
#include "validate/gates.hpp"
#include "validate/pbo.hpp"
#include "validate/risk_halts.hpp"
#include "validate/sharpe_stats.hpp"
#include "validate/walk_forward.hpp"

namespace organism::validate {

struct ValidationOptions {
  GateThresholds gates;
  ClusteringOptions clustering;  // of the trials (in-sample) and of the front (held-out)
  int pbo_blocks = 16;
  WalkForwardOptions walk_forward;
  double perturbation_step = 0.10;
  double cost_multiplier = 2;  // fees and slippage
  // The risk manager's limits the held-out segments are replayed under (risk_halts.hpp): the
  // risk.* keys. Reported, never gated.
  backtest::RiskLimits risk{};
};

// The run's search as the engine counted it: distinct genomes and the variance of their
// in-sample Sharpe ratios, annualized and averaged over coins (evolve::TrialStats), and its
// sample of distinct trial genomes (evolve::TrialSample); nullopt when the checkpoint kept none,
// and the final populations are clustered instead.
struct TrialSummary {
  std::int64_t count = 1;
  double sharpe_variance = 0;
  std::optional<std::vector<strategy::Genome>> sample;
};

// The run's trials clustered by the correlation of their in-sample returns: K and V of the
// in-sample DSR.
struct TrialClustering {
  std::int64_t trials = 0;       // distinct genomes the run evaluated
  std::size_t clustered = 0;     // genomes clustered: the sample, or the final populations
  bool from_sample = true;       // false: no sample in the checkpoint, final populations instead
  std::size_t clusters = 0;      // K
  double sharpe_variance_per_bar = 0;  // V, of the clusters' representatives
  double silhouette = 0;
  bool structure = false;
  std::size_t block_bars = 1;
  std::string note;              // why the final populations were clustered
};

// One deflation of a member's Sharpe: its sample, the trials it was deflated by, the result.
struct Deflation {
  SharpeSample sample;  // per bar
  TrialSet trials;      // K and V (per bar)
  DeflatedSharpe deflated;
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
  // In-sample returns (mean over coins per bar) deflated by the run's clustered trials.
  Deflation in_sample;
  // Out-of-sample then walk-forward returns (mean over coins per bar, never seen by selection)
  // deflated by the clustered front under the null V = 1 / (T - 1): the `dsr` gate's value.
  Deflation held_out;
  // Its cluster among the front members by held-out returns (0..effective_front_members - 1):
  // members of one cluster behave alike, so tables show the best of each.
  std::size_t held_out_cluster = 0;
  double in_sample_annualized = 0;     // annualized log return, mean over coins
  double walk_forward_annualized = 0;
  double wf_efficiency = 0;            // ratio_or_zero(walk-forward, in-sample)
  CostStress cost_stress;
  Robustness robustness;
  // Its out-of-sample and walk-forward segments under the risk limits: reported, not a gate.
  RiskHalts risk_halts;
  // Its held-out returns (out-of-sample then walk-forward) per regime part value, each coin's bars
  // classified by its own regimes (default RegimeOptions) and all coins' bars pooled.
  std::vector<indicators::RegimeStats> regimes;
  std::vector<GateResult> gates;
  bool passed = false;
};

struct RunValidation {
  std::optional<PboResult> pbo;  // nullopt: fewer than 2 distinct strategies or too few bars
  std::string pbo_note;          // why pbo is missing
  std::size_t pbo_strategies = 0, pbo_bars = 0;
  TrialSummary trials;
  TrialClustering trial_clustering;
  std::size_t effective_front_members = 0;  // K of the front on held-out returns
  WalkForwardResult walk_forward;
  std::vector<MemberValidation> members;  // in front order
  std::size_t survivors = 0;
};

// Throws core::UsageError naming the bad validate.* key (odd or out-of-range PBO blocks, folds
// < 1, a cost multiplier below 1, a perturbation step outside (0, 1)).
void check_options(const ValidationOptions& options);

using Progress = std::function<void(const std::string&)>;

// `front`: the members to validate; `population`: the final population of every island (the
// stand-in for the trials, PBO and clusters, when `trials` has no sample); `run_options`: the run's evolution options (the walk-forward's short evolutions reuse
// them). Throws core::UsageError for bad options (pbo blocks, folds, multipliers).
RunValidation validate_front(const evolve::BacktestProblem& evaluator, std::span<const evolve::Individual> front,
                             std::span<const evolve::Individual> population, const evolve::EvolveOptions& run_options,
                             const TrialSummary& trials, const ValidationOptions& options,
                             const Progress& progress = {}, const std::atomic<bool>* cancel = nullptr);

// Per genome its per-bar returns on `stage`, the mean over coins bar by bar, truncated to the
// shortest coin's segment.
std::vector<std::vector<double>> stage_returns(const evolve::BacktestProblem& evaluator,
                                               std::span<const strategy::Genome> genomes, evolve::Stage stage);

// Per genome its held-out returns: out-of-sample then walk-forward, each as stage_returns.
std::vector<std::vector<double>> held_out_returns(const evolve::BacktestProblem& evaluator,
                                                  std::span<const strategy::Genome> genomes);

}  // namespace organism::validate

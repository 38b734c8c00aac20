// The validation of a run as stored: each front member's evidence (runs::MemberValidation) and the
// run's statistics (runs::RunValidation), with their one JSON form. Written by the run service
// after validate::validate_front; read by the store's strategies, the report and --json-out.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "evolve/objectives.hpp"
#include "evolve/universe.hpp"
#include "validate/validation.hpp"

namespace organism::runs {

// Mean over coins of one stage (cost stress): NaN for what was not measurable.
struct StageSummary {
  double sharpe = 0, total_return = 0, max_drawdown = 0, trades = 0;
};
struct CoinSummary {
  double sharpe = 0, total_return = 0, max_drawdown = 0;
  std::int64_t trades = 0;
};
template <class T>
using ByLabel = std::vector<std::pair<std::string, T>>;  // in the universe's coin order

struct GateRecord {
  std::string name;
  bool passed = false;
  std::optional<double> value;  // nullopt: not measurable
  double threshold = 0;
};

// One coin's held-out segment replayed under the risk limits (validate/risk_halts.hpp).
struct SegmentHaltRecord {
  std::string stage;  // out_of_sample | walk_forward
  std::string coin;   // its label
  std::int64_t bars = 0;
  bool halted = false;
  std::optional<std::int64_t> halt_bar;  // index in the segment of the bar whose close halted it
  std::int64_t halt_time = 0;            // ms of that close (the JSON adds UTC text); 0: none
  std::string reason;                    // the breaker, "" when not halted
  std::int64_t bars_reducing = 0, bars_halted = 0;
};
// How often a member would have been halted: reported, not a gate.
struct RiskHaltsRecord {
  std::int64_t halted = 0, segments = 0;  // "halted in K of N segments"
  std::vector<SegmentHaltRecord> per_segment;
};

// A front member's validation (docs/validation.md). Sharpes are annualized unless "per_bar".
struct MemberValidation {
  double dsr = 0, psr = 0, expected_max_sharpe = 0, sharpe_per_bar = 0, held_out_sharpe = 0;
  std::int64_t held_out_bars = 0;
  double held_out_skew = 0, held_out_excess_kurtosis = 0;
  std::int64_t effective_front_members = 0;
  std::size_t held_out_cluster = 0;
  double dsr_in_sample = 0;
  std::int64_t effective_trials = 0;
  struct InSampleDeflation {
    double psr = 0, expected_max_sharpe = 0, sharpe = 0, sharpe_per_bar = 0;
    std::int64_t bars = 0;
    double sharpe_variance = 0;
  } in_sample_deflation;
  double wf_efficiency = 0;
  double annualized_log_return_in_sample = 0, annualized_log_return_walk_forward = 0;
  struct CostStress {
    double multiplier = 0, sharpe = 0, total_return = 0;
    std::array<StageSummary, 3> stages{};  // in-sample, out-of-sample, walk-forward
  } cost_stress;
  struct Robustness {
    double perturbation_ratio = 0;
    std::size_t neighbours = 0;
    double own_sharpe = 0, neighbour_sharpe_median = 0, coin_dispersion = 0;
    ByLabel<double> coin_sharpes_out_of_sample;
  } robustness;
  std::array<ByLabel<CoinSummary>, 3> per_coin;
  // nullopt: validated before halts were measured (a record stored without "risk_halts").
  std::optional<RiskHaltsRecord> risk_halts;
  // Held-out performance per regime part value (validate::MemberValidation::regimes); empty for a
  // record stored before regimes were measured (no "regimes" key).
  std::vector<indicators::RegimeStats> regimes;
  std::vector<GateRecord> gates;
  std::vector<std::string> failed;  // the failed gates' reasons
  bool passed = false;
  std::vector<std::string> aliases;  // the member's aliases: the evidence holds for them too
};

struct WalkForwardFold {
  std::int64_t begin = 0, end = 0, train_begin = 0, train_end = 0;  // ms (the JSON adds UTC text)
  std::string chosen;
  std::string genome;  // canonical JSON
  std::size_t bars = 0;
  double train_sharpe = 0, train_total_return = 0, train_annualized = 0;
  double sharpe = 0, total_return = 0, max_drawdown = 0, trades = 0, annualized = 0;
};

struct RunValidation {
  std::optional<double> pbo;
  struct PboDetail {
    int blocks = 0;
    std::size_t strategies = 0, bars = 0;
    struct Statistics {
      std::int64_t combinations = 0;
      double logit_mean = 0, logit_median = 0, degradation_slope = 0, degradation_intercept = 0,
             probability_of_loss = 0;
    };
    std::optional<Statistics> statistics;  // with a PBO
    std::string note;                      // without one: why
  } pbo_detail;
  std::int64_t trials = 0;
  double trial_sharpe_variance = 0;
  struct TrialClustering {
    std::int64_t trials = 0;
    std::size_t clustered = 0;
    std::string source;  // trial_sample | final_populations
    bool sampled = false;
    std::size_t clusters = 0;
    double sharpe_variance = 0, sharpe_variance_per_bar = 0, silhouette = 0;
    bool structure = false;
    std::size_t block_bars = 0, effective_front_members = 0;
    std::string note;
  } trial_clustering;
  struct WalkForward {
    std::vector<WalkForwardFold> folds;
    std::vector<double> stitched_equity;
    double stitched_annualized = 0, in_sample_annualized = 0, efficiency = 0;
    std::int64_t evaluations = 0;
  } walk_forward;
  struct Gates {
    double sharpe = 0, max_drawdown = 0, dsr = 0, pbo = 0, cost_stress = 0, cost_multiplier = 0,
           perturbation_step = 0;
    int wf_folds = 0, wf_population = 0, wf_generations = 0;
  } gates;
  std::size_t survivors = 0;
};

// From the validation layer's results, with the universe's coin labels and interval.
MemberValidation member_validation_of(const validate::MemberValidation& m, const evolve::Universe& universe);
RunValidation run_validation_of(const validate::RunValidation& v, const validate::ValidationOptions& options,
                                const evolve::Universe& universe);

nlohmann::ordered_json to_json(const MemberValidation& v);
MemberValidation member_validation_from_json(const nlohmann::ordered_json& j);
// The run-level keys (pbo, pbo_detail, trials, ..., survivors) added to `run` in their order.
void put_json(nlohmann::ordered_json& run, const RunValidation& v);
// nullopt when `run` has no validation keys (a run not validated).
std::optional<RunValidation> run_validation_from_json(const nlohmann::ordered_json& run);

}  // namespace organism::runs

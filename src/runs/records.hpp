// The typed records of evolution runs and the one JSON form of each: a run (RunRecord), its
// result (RunResult) and front members (FrontMember), the strategies it saved (StrategyRecord).
// Used by the run service and the store, the report, `--json-out`, and later the HTTP API.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "backtest/models.hpp"
#include "core/time.hpp"
#include "data/market.hpp"
#include "data/store.hpp"
#include "evolve/engine.hpp"
#include "evolve/backtest_problem.hpp"
#include "runs/validation_record.hpp"

namespace organism::runs {

enum class RunStatus { Running, Interrupted, Finished };
std::string_view status_name(RunStatus status);
RunStatus parse_status(std::string_view name);  // core::Error for an unknown name

// The stages every front member is measured on, in their JSON order.
inline constexpr std::array<evolve::Stage, 3> kStages = {evolve::Stage::InSample, evolve::Stage::OutOfSample,
                                                         evolve::Stage::WalkForward};

// What a run evolves on: the market's coins (venues resolved when first built) and the embargo.
struct UniverseSpec {
  data::MarketSpec market;
  std::size_t embargo = 0;
};
nlohmann::json to_json(const UniverseSpec& spec);  // {"coins", "embargo", "interval", "venues"}
UniverseSpec universe_spec_from_json(const nlohmann::json& j);

// The evolution options and the costs a run owns (a resumed or revalidated run keeps them).
struct RunOptions {
  evolve::EvolveOptions evolve;
  backtest::BacktestConfig costs;
};
nlohmann::json to_json(const RunOptions& options);  // evolve::to_json with the costs under "costs"
// A run stored before runs kept their costs gets the default costs.
RunOptions run_options_from_json(const nlohmann::json& j);

// A distinct member of a run's final front, measured on every stage (metrics are means over coins).
struct FrontMember {
  std::string id, family;
  int generation = 0;
  std::vector<std::string> parents, aliases;  // aliases: members with the same exposures
  std::string genome;                         // canonical JSON of the normalized genome
  std::string rule;                           // the rule in words, on one line
  evolve::Fitness fitness;
  std::array<evolve::MetricValues, 3> metrics;  // per kStages
  std::optional<MemberValidation> validation;
};
nlohmann::ordered_json to_json(const FrontMember& member);
FrontMember front_member_from_json(const nlohmann::ordered_json& j);

// What a finished run produced: the `result` of its record and the JSON of --json-out.
struct RunResult {
  std::string run;
  std::uint64_t seed = 0;
  std::int64_t evaluations = 0;
  double seconds = 0;
  int generations = 0, population = 0, islands = 0;
  std::vector<std::string> objectives;  // metric names
  UniverseSpec universe;
  backtest::BacktestConfig costs;
  std::vector<FrontMember> front;
  std::optional<RunValidation> validation;
};
nlohmann::ordered_json to_json(const RunResult& result);
RunResult run_result_from_json(const nlohmann::ordered_json& j);

// Where a run stands: generations completed, backtests done, seconds spent (over all sessions).
struct RunProgress {
  int generation = 0;
  std::int64_t evaluations = 0;
  double seconds = 0;
};

struct RunRecord {
  std::string id;
  core::TimeMs created = 0;
  RunOptions options;
  UniverseSpec universe;
  RunStatus status = RunStatus::Running;
  RunProgress progress;
  std::optional<RunResult> result;  // once finished
};
nlohmann::ordered_json to_json(const RunRecord& run);
RunRecord run_record_from_json(const nlohmann::ordered_json& j);
// The store's row and back (the row's JSON columns hold the records' JSON).
data::RunRecord to_row(const RunRecord& run);
// Throws core::Error naming the run when it is a portfolio sizing run (is_portfolio_sizing_run):
// its options and state are not an evolution's; `organism portfolio evolve` owns it.
RunRecord from_row(const data::RunRecord& row);
// Whether a stored run is `organism portfolio evolve`'s (options {"kind": "portfolio_sizing"}):
// the evolution's run listings skip it and its --resume refuses it.
bool is_portfolio_sizing_run(const data::RunRecord& row);

// A strategy a run saved (the first run in run_id), with its lifecycle state and the evidence of its last validation.
struct StrategyRecord {
  std::string id, run_id, family;
  int generation = 0;
  std::string genome;  // canonical JSON
  std::vector<std::string> parents;
  std::array<evolve::MetricValues, 3> metrics;  // per kStages
  std::string state;                            // testing, validated, ... (lifecycle's names)
  std::optional<MemberValidation> validation;
  core::TimeMs created = 0, updated = 0;
  // Every run that found it, oldest first (run_id is the first): one id, whichever runs find it.
  std::vector<data::StrategyFinding> found_by;
};
nlohmann::ordered_json to_json(const StrategyRecord& strategy);  // found_by as [{"run", "generation", "found"}]
StrategyRecord strategy_record_from_json(const nlohmann::ordered_json& j);
data::StrategyRecord to_row(const StrategyRecord& strategy);
StrategyRecord from_row(const data::StrategyRecord& row);

// The stage metrics as the store and the run JSON hold them: {stage: {metric: number}}.
nlohmann::ordered_json stage_metrics_json(const std::array<evolve::MetricValues, 3>& metrics);
std::array<evolve::MetricValues, 3> stage_metrics_from_json(const nlohmann::ordered_json& j);

}  // namespace organism::runs

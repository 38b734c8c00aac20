// The HTML report of an evolution run and one of its strategies: one self-contained file (data as
// JSON, CSS and the ECharts library inline) that opens offline. Pure: ReportData in, HTML out.
// Used by `organism report` and `organism evolve --report` (src/cli/report_*.cpp).
#pragma once

#include <cmath>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "backtest/trade.hpp"
#include "core/time.hpp"
#include "lifecycle/postmortem.hpp"
#include "runs/records.hpp"

namespace organism::monitor {

// One stage's backtest of the chosen strategy on the chosen coin.
struct StageCurve {
  std::string stage;               // "in_sample", "out_of_sample", "walk_forward"
  std::vector<core::TimeMs> time;  // bar open times of the segment
  std::vector<double> equity;      // at each close, starting from ReportData::initial_equity
  std::vector<backtest::Trade> trades;
};

struct ReportData {
  // The run's result as the run service stores it; its validation (the run's and each member's) is
  // optional: panels without it say "not validated".
  runs::RunResult run;
  std::string strategy_id;  // a member of run.front
  std::string state;        // its lifecycle state in the store ("testing", "validated", ...)
  std::string chosen_by;    // how it was chosen, in words
  std::string coin;         // label of the coin of the equity and price charts
  std::string costs;        // the run's cost model in words (backtest::describe_costs)
  // The annualized volatility the run's curves and metrics are rescaled to (0: as traded).
  double target_volatility = 0;
  double initial_equity = 10'000;
  std::vector<StageCurve> stages;        // in time order
  std::vector<core::TimeMs> price_time;  // the coin's whole series
  std::vector<double> price_close;
  std::string x_metric, y_metric;  // scatter axes, as accepted by resolve_axis
  std::string generated_at;        // shown in the footer (passed in: the builder reads no clock)
  std::size_t max_points = 5000;   // per chart series, after downsampling
  // The post-mortem of strategy_id when it is retired, and those of every retired strategy the
  // run found (docs/lifecycle.md), by retirement time.
  std::optional<lifecycle::Postmortem> postmortem;
  std::vector<lifecycle::Postmortem> run_postmortems;
};

// The post-mortem sections (report_postmortem.cpp): the strategy's, then the run's list; "" when
// there is neither.
std::string postmortem_html(const ReportData& data);

// An axis of the front scatter: "sharpe" (the in-sample metric, what evolution optimized) or
// "out_of_sample.sharpe" / "walk_forward.max_drawdown" ("stage.metric"). Returns "stage.metric";
// core::UsageError naming the metrics the run has when the name is unknown.
std::string resolve_axis(const runs::RunResult& run, const std::string& name);
// The run's first two objectives (one objective: it and itself), as resolve_axis names.
std::pair<std::string, std::string> default_axes(const runs::RunResult& run);

// The member of the front with this id; nullptr when there is none.
const runs::FrontMember* front_member(const runs::RunResult& run, std::string_view id);
// A member's metric on a stage ("in_sample", "out_of_sample", "walk_forward"); nullopt when the
// stage or the metric is unknown or the value is not finite (what the run JSON writes as null).
std::optional<double> stage_metric(const runs::FrontMember& member, std::string_view stage, std::string_view metric);

// How a front member ranks wherever a run's best members are shown (the report's default, the
// tables of evolve and validate): survivors (validation.passed) first, then members with a trade
// on held-out data, then by held-out Sharpe (validation.held_out_sharpe; before validation the
// mean of the out-of-sample and walk-forward Sharpes).
struct MemberRank {
  bool survives = false;
  bool trades = false;
  double held_out_sharpe = -INFINITY;
};
MemberRank member_rank(const runs::FrontMember& member);
bool ranks_before(const MemberRank& a, const MemberRank& b);  // strictly better; ties are not

// The member the report shows when none is asked for: the best by member_rank; ties go to the
// smaller id. Empty when the front is empty.
std::string default_member(const runs::RunResult& run);

// The whole page. Validates its input once: core::Error if strategy_id is not on the front.
std::string build_report_html(const ReportData& data);

}  // namespace organism::monitor

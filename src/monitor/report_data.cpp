// Filling ReportData from a stored run (report_data.hpp).
#include "monitor/report_data.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <algorithm>

#include "core/error.hpp"

namespace organism::monitor {
namespace {

const runs::FrontMember& member_of(const runs::RunResult& run, const std::string& id) {
  if (const auto* m = front_member(run, id)) return *m;
  throw core::Error(fmt::format("strategy '{}' is not on the front of run '{}'", id, run.run));
}

std::size_t coin_index(const runs::UniverseSpec& spec, const evolve::Universe& universe, const std::string& coin) {
  if (coin.empty()) return 0;
  for (std::size_t i = 0; i < spec.market.coins.size(); ++i) {
    if (spec.market.coins[i] == coin || universe.coins[i].label == coin) return i;
  }
  throw core::Error(
      fmt::format("coin '{}' is not in the run's universe ({})", coin, fmt::join(spec.market.coins, ", ")));
}

std::string chosen_by(const ReportRequest& request, const std::string& asked, const runs::FrontMember& member) {
  if (!request.strategy.empty()) return "chosen with --strategy";
  if (!asked.empty()) return "the strategy asked for";
  if (member.validation && member.validation->passed) return "best held-out Sharpe among the survivors";
  return "best held-out Sharpe among the members that trade (no survivors)";
}

}  // namespace

ReportData report_data(const runs::RunService& service, const ReportRequest& request) {
  std::string asked;  // set when the target was a strategy id
  auto run = service.find_run_or_strategy(request.target, asked);
  if (run.status != runs::RunStatus::Finished || !run.result) {
    throw core::Error(fmt::format("run '{}' is {}: only a finished run has a front to report", run.id,
                                  runs::status_name(run.status)));
  }
  ReportData d;
  d.run = *run.result;
  d.strategy_id = !request.strategy.empty() ? request.strategy : !asked.empty() ? asked : default_member(d.run);
  if (d.strategy_id.empty()) throw core::Error(fmt::format("run '{}' has an empty front", run.id));
  const runs::FrontMember& member = member_of(d.run, d.strategy_id);
  d.state = "unknown";
  for (const auto& s : service.strategies(run.id)) {
    if (s.id == d.strategy_id) d.state = s.state;
    if (s.state != "retired") continue;
    const auto pm = service.store().load_postmortem(s.id);
    if (!pm) continue;
    const auto parsed = nlohmann::json::parse(pm->json, nullptr, false);
    if (parsed.is_discarded()) throw core::Error(fmt::format("strategy {}: its stored post-mortem is not JSON", s.id));
    d.run_postmortems.push_back(lifecycle::postmortem_from_json(parsed));
    if (s.id == d.strategy_id) d.postmortem = d.run_postmortems.back();
  }
  std::sort(d.run_postmortems.begin(), d.run_postmortems.end(),
            [](const auto& a, const auto& b) { return a.died != b.died ? a.died < b.died : a.strategy_id < b.strategy_id; });
  d.chosen_by = chosen_by(request, asked, member);
  std::tie(d.x_metric, d.y_metric) = default_axes(d.run);
  if (!request.x.empty()) d.x_metric = resolve_axis(d.run, request.x);
  if (!request.y.empty()) d.y_metric = resolve_axis(d.run, request.y);

  auto spec = run.universe;
  const auto universe = service.load_universe(spec, "");
  const std::size_t coin = coin_index(spec, universe, request.coin);
  const auto& market = universe.coins[coin];
  d.coin = market.label;
  indicators::IndicatorCache cache(std::size_t{256} << 20);
  const auto& costs = run.options.costs;  // the run's own, whatever backtest.* says now
  d.costs = backtest::describe_costs(costs);
  d.target_volatility = run.options.evolve.target_volatility;
  const evolve::BacktestProblem evaluator(universe, costs, cache, 1, d.target_volatility);
  d.initial_equity = evaluator.metrics_options().initial_equity;
  const auto genome = strategy::from_json(member.genome);
  for (const auto stage : runs::kStages) {
    const auto& seg = evolve::segment_of(market, stage);
    auto result = evaluator.backtest(genome, coin, stage);
    const auto time = market.bars.time().subspan(seg.begin, seg.size());
    // At the run's target volatility, as every metric of the page (docs/reports.md).
    d.stages.push_back({std::string(evolve::stage_name(stage)),
                        {time.begin(), time.end()},
                        evaluator.scaled_equity(result),
                        std::move(result.trades)});
  }
  d.price_time.assign(market.bars.time().begin(), market.bars.time().end());
  d.price_close.assign(market.bars.close().begin(), market.bars.close().end());
  d.generated_at = core::format_utc(service.clock().now());
  return d;
}

}  // namespace organism::monitor

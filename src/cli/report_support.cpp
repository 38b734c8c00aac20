// Filling monitor::ReportData from the store: the run JSON, the chosen member and its backtests.
#include "cli/report_support.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "cli/cost_options.hpp"
#include "cli/evolve_support.hpp"
#include "core/error.hpp"
#include "data/file_writer.hpp"
#include "monitor/report.hpp"

namespace organism::cli {
namespace {

using json = nlohmann::json;

struct Target {
  data::RunRecord run;
  std::string strategy;  // set when the target was a strategy id
};

Target find_target(data::Store& store, const std::string& id) {
  if (auto run = store.load_run(id)) return {*run, ""};
  for (const auto& s : store.list_strategies()) {
    if (s.id != id) continue;
    auto run = store.load_run(s.run_id);
    if (!run)
      throw core::Error(fmt::format("strategy '{}' names run '{}', which is not in store {}", id,
                                    s.run_id, store.path()));
    return {*run, id};
  }
  throw core::Error(
      fmt::format("no run or strategy '{}' in store {} (see 'organism evolve' output for ids)", id,
                  store.path()));
}

std::string state_of(data::Store& store, const std::string& run_id,
                     const std::string& strategy_id) {
  for (const auto& s : store.list_strategies(run_id)) {
    if (s.id == strategy_id) return s.state;
  }
  return "unknown";
}

const json& member_of(const json& run, const std::string& id) {
  for (const auto& m : run.at("front")) {
    if (m.value("id", "") == id) return m;
  }
  throw core::Error(
      fmt::format("strategy '{}' is not on the front of run '{}'", id, run.value("run", "?")));
}

std::size_t coin_index(const UniverseSpec& spec, const evolve::Universe& universe,
                       const std::string& coin) {
  if (coin.empty()) return 0;
  for (std::size_t i = 0; i < spec.coins.size(); ++i) {
    if (spec.coins[i] == coin || universe.coins[i].label == coin) return i;
  }
  throw core::Error(fmt::format("coin '{}' is not in the run's universe ({})", coin,
                                fmt::join(spec.coins, ", ")));
}

std::string chosen_by(const ReportRequest& request, const Target& target, const json& member) {
  if (!request.strategy.empty()) return "chosen with --strategy";
  if (!target.strategy.empty()) return "the strategy asked for";
  const auto v = member.value("validation", json::object());
  if (v.is_object() && v.value("passed", false)) return "best held-out Sharpe among the survivors";
  return "best held-out Sharpe among the members that trade (no survivors)";
}

}  // namespace

std::size_t write_report(data::Store& store, const Context& ctx, const ReportRequest& request) {
  // Opened first so an unwritable path fails before the backtests; removed unless committed.
  data::AtomicFileWriter file(request.out);
  const Target target = find_target(store, request.target);
  if (target.run.status != "finished" || target.run.result.empty()) {
    throw core::Error(fmt::format("run '{}' is {}: only a finished run has a front to report",
                                  target.run.id, target.run.status));
  }
  monitor::ReportData d;
  d.run = json::parse(target.run.result);
  d.strategy_id = !request.strategy.empty()  ? request.strategy
                  : !target.strategy.empty() ? target.strategy
                                             : monitor::default_member(d.run);
  if (d.strategy_id.empty())
    throw core::Error(fmt::format("run '{}' has an empty front", target.run.id));
  const json& member = member_of(d.run, d.strategy_id);
  d.state = state_of(store, target.run.id, d.strategy_id);
  d.chosen_by = chosen_by(request, target, member);
  std::tie(d.x_metric, d.y_metric) = monitor::default_axes(d.run);
  if (!request.x.empty()) d.x_metric = monitor::resolve_axis(d.run, request.x);
  if (!request.y.empty()) d.y_metric = monitor::resolve_axis(d.run, request.y);

  auto spec = universe_spec_from_json(json::parse(target.run.universe));
  const auto universe = load_universe(store, ctx, spec);
  const std::size_t coin = coin_index(spec, universe, request.coin);
  const auto& market = universe.coins[coin];
  d.coin = market.label;
  indicators::IndicatorCache cache(std::size_t{256} << 20);
  const auto stored_options = json::parse(target.run.options);
  const auto run_options = evolve::options_from_json(stored_options);
  const auto costs = run_costs(stored_options);  // the run's own, whatever backtest.* says now
  d.costs = backtest::describe_costs(costs);
  d.target_volatility = run_options.target_volatility;
  const evolve::Evaluator evaluator(universe, costs, cache, 1, run_options.target_volatility);
  d.initial_equity = evaluator.metrics_options().initial_equity;
  const auto genome = strategy::from_json(member.at("genome").dump());
  for (const auto stage : kStages) {
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
  d.generated_at = core::format_utc(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
  const std::string html = monitor::build_report_html(d);
  file.write(html);
  file.commit();
  return html.size();
}

void write_run_report(data::Store& store, const Context& ctx, const std::string& run_id,
                      const std::string& out) {
  ReportRequest request;
  request.target = run_id;
  request.out = out;
  print_report_written(out, write_report(store, ctx, request));
}

void print_report_written(const std::string& path, std::size_t bytes) {
  fmt::print("report: wrote {} ({:.1f} KiB)\n", path, static_cast<double>(bytes) / 1024.0);
}

}  // namespace organism::cli

// Measured runs and their JSON documents (run_report.hpp).
#include "backtest/run_report.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <utility>
#include <cstdint>

namespace organism::backtest {
namespace {

void put_models(nlohmann::ordered_json& out, const BacktestConfig& config, bool funding) {
  for (const auto& [k, v] : describe(config, funding)) out[k] = v;
}

}  // namespace

MeasuredRun run_measured(const BacktestInput& input, const BacktestConfig& config,
                         const MetricsOptions& options, bool timing) {
  MeasuredRun run;
  run.options = options;
  run.funding = !input.funding.empty();
  run_backtest(input, config, run.result);
  // A duration, not "now": the speed is printed only with --timing and reaches no other result.
  double fastest = 0;
  for (int k = 0; timing && k < kTimedRuns; ++k) {
    const auto start = std::chrono::steady_clock::now();
    run_backtest(input, config, run.result);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    fastest = k == 0 ? seconds : std::min(fastest, seconds);
  }
  run.bars_per_second = fastest > 0 ? static_cast<double>(input.bars.size()) / fastest : 0.0;
  run.metrics = compute_metrics(run.result.equity, run.result.exposure, run.result.trades, options);
  return run;
}

nlohmann::ordered_json run_document(const MeasuredRun& run, std::span<const core::TimeMs> times,
                                    const BacktestConfig& config, const RunLabels& labels) {
  nlohmann::ordered_json out;
  out["series"] = labels.series;
  if (!labels.strategy.empty()) out["strategy"] = labels.strategy;
  out["bars"] = times.size();
  out["first"] = times.front();
  out["last"] = times.back();
  put_metrics(out, run.metrics);
  out["fees_paid"] = run.result.fees;
  out["funding_paid"] = run.result.funding;
  out["fills"] = run.result.fills;
  out["liquidated"] = run.result.liquidated;
  out["bars_per_year"] = run.options.bars_per_year;
  put_models(out, config, run.funding);
  if (labels.timing) out["bars_per_second"] = run.bars_per_second;
  return out;
}

MeasuredPortfolio run_portfolio_measured(std::span<const Leg> legs, const BacktestConfig& config,
                                         const MetricsOptions& options) {
  return measure_portfolio(run_portfolio(legs, config), legs, options);
}

MeasuredPortfolio measure_portfolio(PortfolioResult result, std::span<const Leg> legs,
                                    const MetricsOptions& options) {
  MeasuredPortfolio run;
  run.result = std::move(result);
  std::vector<Trade> all_trades;
  for (const auto& leg : run.result.legs)
    all_trades.insert(all_trades.end(), leg.trades.begin(), leg.trades.end());
  run.metrics = compute_metrics(run.result.equity, run.result.exposure, all_trades, options);
  for (const auto& leg : legs) {
    run.weights.push_back(leg.weight);
    run.funding = run.funding || !leg.input.funding.empty();
  }
  run.bars = legs.empty() ? 0 : legs.front().input.bars.size();
  return run;
}

nlohmann::ordered_json portfolio_document(const MeasuredPortfolio& run,
                                          const BacktestConfig& config) {
  nlohmann::ordered_json out;
  out["bars"] = run.bars;
  put_metrics(out, run.metrics);
  out["fees_paid"] = run.result.fees;
  out["funding_paid"] = run.result.funding;
  out["fills"] = run.result.fills;
  out["liquidated"] = run.result.liquidated;
  nlohmann::ordered_json legs = nlohmann::ordered_json::array();
  for (std::size_t j = 0; j < run.result.legs.size(); ++j) {
    const auto& leg = run.result.legs[j];
    nlohmann::ordered_json l;
    l["series"] = leg.name;
    l["weight"] = run.weights[j];
    l["pnl"] = leg.pnl;
    l["fees_paid"] = leg.fees;
    l["funding_paid"] = leg.funding;
    l["fills"] = leg.fills;
    l["trades"] = leg.trades.size();
    legs.push_back(std::move(l));
  }
  out["legs"] = std::move(legs);
  put_models(out, config, run.funding);
  return out;
}

void put_metrics(nlohmann::ordered_json& out, const Metrics& metrics) {
  for_each_metric(metrics, [&](std::string_view name, double v) {
    if (name == "trades" || name == "max_drawdown_duration") {
      out[std::string(name)] = static_cast<std::int64_t>(v);  // counts are whole numbers
    } else if (std::isfinite(v)) {
      out[std::string(name)] = v;
    } else {
      out[std::string(name)] = nullptr;  // JSON has no inf or NaN
    }
  });
}

}  // namespace organism::backtest

// A backtest run measured and written up: the simulation, its metrics, and the JSON document of
// results that `organism backtest --json` prints (single coin or portfolio). Pure, no I/O.
#pragma once

#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "backtest/metrics.hpp"
#include "backtest/models.hpp"
#include "backtest/simulator.hpp"

namespace organism::backtest {

// One coin's run: the simulation's result and every metric of it.
struct MeasuredRun {
  BacktestResult result;
  Metrics metrics;
  MetricsOptions options;
  bool funding = false;        // the input had funding per bar (printed with the models)
  // With timing: bars / the fastest of kTimedRuns repeats of run_backtest into this result's own
  // buffers (input checks, the loop, writing equity, exposure and trades); 0 without timing.
  double bars_per_second = 0;
};

// Repeats of a timed simulation: the first, untimed run allocates the result's buffers, so the
// clock sees no allocation and no first touch of fresh pages (which on a VM can cost more than
// the simulation itself); the fastest repeat is the least disturbed by other processes.
inline constexpr int kTimedRuns = 3;

// Runs input under config and measures it with options (bars_per_year, windows, initial equity);
// `timing` also sets bars_per_second (the result is the last timed run's: each run is the same).
MeasuredRun run_measured(const BacktestInput& input, const BacktestConfig& config,
                         const MetricsOptions& options, bool timing = false);

// What names a single run in its document: the series label and the genome id ("" for a
// signal file); timing adds bars_per_second.
struct RunLabels {
  std::string series;
  std::string strategy;
  bool timing = false;
};

// The single-coin document: series, strategy, bars, first and last bar times, every metric, fees,
// funding, fills, liquidation, bars_per_year, every model, and bars_per_second with timing.
nlohmann::ordered_json run_document(const MeasuredRun& run, std::span<const core::TimeMs> times,
                                    const BacktestConfig& config, const RunLabels& labels);

// A portfolio's run: trade statistics are over every leg's trades.
struct MeasuredPortfolio {
  PortfolioResult result;
  Metrics metrics;
  std::vector<double> weights;  // per leg, as given
  std::size_t bars = 0;
  bool funding = false;  // any leg had funding per bar
};

MeasuredPortfolio run_portfolio_measured(std::span<const Leg> legs, const BacktestConfig& config,
                                         const MetricsOptions& options);
// The measuring half of run_portfolio_measured, for a result already run (the risk backtest's).
MeasuredPortfolio measure_portfolio(PortfolioResult result, std::span<const Leg> legs,
                                    const MetricsOptions& options);

// The portfolio document: bars, every metric, fees, funding, fills, liquidation, the legs
// (series, weight, pnl, fees_paid, funding_paid, fills, trades), every model.
nlohmann::ordered_json portfolio_document(const MeasuredPortfolio& run,
                                          const BacktestConfig& config);

// Every metric under its snake_case name (counts as integers, non-finite values as null).
void put_metrics(nlohmann::ordered_json& out, const Metrics& metrics);

}  // namespace organism::backtest

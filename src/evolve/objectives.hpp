// What evolution optimizes: objectives named after backtest metrics with their direction, how a
// metric is aggregated across the coins of the universe, and the constraints (minimum trades,
// drawdown cap) that feed NSGA-II's constraint-domination.
// Used by the engine to turn per-coin metrics into a Fitness, and by the CLI to parse --objectives.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "backtest/metrics.hpp"
#include "evolve/nsga2.hpp"

namespace organism::evolve {

enum class Direction { Maximize, Minimize };
enum class Aggregate { Mean, Worst };

struct Objective {
  std::string metric;  // a name of backtest::for_each_metric
  Direction direction = Direction::Maximize;
};

// "sharpe,consistency,max_drawdown,turnover" -> objectives with their natural directions
// (drawdowns, volatility, turnover, value at risk: minimize; returns and ratios: maximize).
// Throws core::UsageError naming an unknown metric and listing the known ones, or an empty list.
std::vector<Objective> parse_objectives(std::string_view list);
Aggregate parse_aggregate(std::string_view text);  // "mean" | "worst"
std::string_view aggregate_name(Aggregate a);
// The natural direction of a metric; throws core::UsageError for an unknown name.
Direction metric_direction(std::string_view metric);
double metric_value(const backtest::Metrics& m, std::string_view metric);

struct Constraints {
  double min_trades = 10;    // mean closed trades per coin below this is a violation
  double max_drawdown = 0.5;  // worst coin's drawdown above this is a violation (1: off)
};

// The violation of a genome whose evaluation failed on some coin (backtest::Metrics::
// evaluation_failed): far beyond what the constraints give (a few units at most), so it ranks
// below every genome that could be evaluated and never reaches the front; finite, so that
// checkpoints keep it.
inline constexpr double kFailedEvaluationViolation = 1e6;

// Objectives aggregated over the coins (mean, or the worst coin: min of a maximized metric, max
// of a minimized one) and negated where maximized, so that every objective is minimized; the
// violation is (min_trades - mean trades) / min_trades when short of trades plus (worst drawdown
// - cap) when over it. A failed evaluation on any coin: objectives 0, kFailedEvaluationViolation.
Fitness fitness_of(std::span<const backtest::Metrics> per_coin, std::span<const Objective> objectives,
                   Aggregate aggregate, const Constraints& constraints);

// Every metric by name (for_each_metric order), averaged over the coins: what reports show as
// "in-sample Sharpe" of a universe.
using MetricValues = std::vector<std::pair<std::string, double>>;
MetricValues mean_metrics(std::span<const backtest::Metrics> per_coin);
double value_of(const MetricValues& values, std::string_view metric);  // NaN when absent

}  // namespace organism::evolve

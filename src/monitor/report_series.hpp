// The numeric pieces of the report: downsampling that keeps extremes, stages chained into one
// equity curve with drawdown per stage, and calendar-month returns. Pure, used by report_html.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "core/time.hpp"
#include "monitor/report.hpp"

namespace organism::monitor {

// Indices (ascending, unique) of at most max_points points of series of length n: the first and
// the last, and in each of equal buckets the argmin and argmax of every series, so a spike or a
// drawdown's trough survives. All indices when n <= max_points; at most max(max_points, 2 + 2 x
// series.size()) indices. Each series has length n.
std::vector<std::size_t> downsample_indices(std::span<const std::span<const double>> series,
                                            std::size_t n, std::size_t max_points);

struct ChainedCurve {
  std::vector<core::TimeMs> time;
  std::vector<double> equity;    // stage k starts where stage k-1 ended (returns compound)
  std::vector<double> drawdown;  // <= 0, from the running peak of the stage (reset at its start,
                                 // the peak starting at the initial equity), as the metrics do
  std::vector<std::size_t> stage_begin;  // index in time of each stage's first bar
};
ChainedCurve chain_stages(std::span<const StageCurve> stages, double initial_equity);

struct MonthlyReturn {
  int year = 0;
  int month = 0;     // 1..12
  double value = 0;  // last equity of the month / last equity before it - 1
};
// Months in time order; the first month's base is base_equity (the equity before the first
// bar). Empty when there are no points.
std::vector<MonthlyReturn> monthly_returns(std::span<const core::TimeMs> time,
                                           std::span<const double> equity, double base_equity);

}  // namespace organism::monitor

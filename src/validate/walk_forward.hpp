// Walk-forward re-optimization over the last (walk-forward) segment: the segment is cut into k
// folds; before each fold a short evolution runs on the window that ends an embargo before it,
// the front's best in-sample Sharpe is traded on the fold, and the folds' returns are stitched
// into one out-of-sample curve. Used by validate_front. No I/O (progress goes to a callback).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "evolve/engine.hpp"
#include "evolve/backtest_problem.hpp"
#include "evolve/objectives.hpp"
#include "evolve/splits.hpp"

namespace organism::validate {

struct WalkForwardOptions {
  int folds = 4;
  int population = 40;  // of each short evolution (one island; at most the run's)
  int generations = 10;  // at most the run's
};

// Fold i of k of a segment: [begin + i n / k, begin + (i + 1) n / k), n = its size. Throws
// core::UsageError for k < 1; folds of a segment shorter than k bars are empty.
std::vector<evolve::Segment> fold_segments(const evolve::Segment& segment, int folds);

// The training window of a fold: the `length` bars ending `embargo` bars before the fold begins
// (clipped at bar 0; empty when the embargo reaches bar 0).
evolve::Segment training_window(const evolve::Segment& fold, std::size_t length, std::size_t embargo);

struct FoldResult {
  std::int64_t begin_time = 0, end_time = 0;  // first coin's fold: first bar open, last bar open
  std::int64_t train_begin_time = 0, train_end_time = 0;
  std::string chosen_id;
  strategy::Genome chosen;
  evolve::MetricValues train_metrics;  // chosen on its training window, mean over coins
  evolve::MetricValues fold_metrics;   // chosen on the fold, mean over coins
  double train_annualized = 0;         // annualized log return, mean over coins
  double fold_annualized = 0;
  std::size_t bars = 0;  // stitched bars this fold contributed (shortest coin)
};

struct WalkForwardResult {
  std::vector<FoldResult> folds;
  std::vector<double> stitched_returns;  // per bar, mean over coins, folds in order
  std::vector<double> stitched_equity;   // 1 before the first bar, compounded
  double stitched_annualized = 0;        // annualized log return of the stitched curve
  double in_sample_annualized = 0;       // mean over folds of train_annualized
  double efficiency = 0;                 // ratio_or_zero(stitched, in-sample)
  std::int64_t evaluations = 0;          // backtested genomes of all the short evolutions
};

// Re-optimizes before each fold with `base` (objectives, constraints, families, variation; its
// population, generations and islands replaced by `options`, its seed mixed with the fold index)
// on evaluators that share `evaluator`'s costs, cache and threads. Training windows are as long
// as each coin's in-sample segment. `progress` (optional) receives one line per fold.
WalkForwardResult walk_forward_reoptimize(const evolve::BacktestProblem& evaluator, const evolve::EvolveOptions& base,
                                          const WalkForwardOptions& options,
                                          const std::function<void(const std::string&)>& progress = {},
                                          const std::atomic<bool>* cancel = nullptr);

// Per-bar returns of an equity curve, the first against `initial`.
std::vector<double> bar_returns(std::span<const double> equity, double initial);

}  // namespace organism::validate

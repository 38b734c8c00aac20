// Fitness evaluation, the "problem" of the optimizer: a batch of genomes backtested on one
// segment of every coin of the universe, across threads (oneTBB) with the shared indicator
// cache. Each (genome, coin) result lands in its own slot, so results never depend on the thread
// count or scheduling. No I/O.
// Used by the engine (in-sample fitness) and by the front's out-of-sample report.
#pragma once

#include <atomic>
#include <mutex>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "backtest/metrics.hpp"
#include "backtest/models.hpp"
#include "backtest/simulator.hpp"
#include "evolve/universe.hpp"
#include "indicators/cache.hpp"
#include "strategy/genome.hpp"

namespace organism::evolve {

enum class Stage { InSample, OutOfSample, WalkForward };
std::string_view stage_name(Stage stage);  // "in_sample", "out_of_sample", "walk_forward"
const Segment& segment_of(const CoinMarket& coin, Stage stage);

// What the engine needs of an evaluator: metrics[g][c] of a batch of genomes, each genome's
// result independent of the batch it came in. Implemented here (threads) and by the MPI
// master/worker evaluator (evolve/distributed/).
class BatchEvaluator {
 public:
  virtual ~BatchEvaluator() = default;
  virtual std::vector<std::vector<backtest::Metrics>> evaluate(std::span<const strategy::Genome> genomes, Stage stage,
                                                               const std::atomic<bool>* cancel = nullptr) const = 0;
};

// The annualized volatility every stage's curve is rescaled to before its metrics are computed
// (EvolveOptions::target_volatility, config evolve.target_volatility).
inline constexpr double kDefaultTargetVolatility = 0.20;
// With a target volatility, genomes are backtested at this fraction of their position size: small
// enough that a position's drift with price and equity inside a trade (compounding, the one part
// of a backtest not linear in size) moves results by well under 1%, large enough that returns
// stay far above rounding. The curve is then rescaled (backtest/scaled_metrics.hpp).
inline constexpr double kLinearLeverage = 0.01;

class BacktestProblem : public BatchEvaluator {
 public:
  // The cache must outlive the evaluator. threads 0: all cores. Metrics are those of each
  // backtest's curve rescaled to target_volatility (backtest::MetricsOptions), so that position
  // size never looks like skill; 0 computes them on the curve as traded.
  BacktestProblem(const Universe& universe, backtest::BacktestConfig base, indicators::IndicatorCache& cache, int threads,
            double target_volatility = kDefaultTargetVolatility);

  // metrics[g][c]: genome g on coin c's segment. A genome's exposures are computed on the bars up
  // to the segment's end (so indicators are warm at its start, and nothing after it is read),
  // then only the segment is traded. `cancel` (optional) stops early: unfinished slots are left
  // default and the caller must discard the batch.
  // A genome whose exposures, backtest or metrics throw on a coin gets that slot marked
  // evaluation_failed (all values 0) instead of stopping the batch; the reason is logged at warn
  // level the first time this evaluator meets its kind (the message with its numbers masked), in
  // genome order, so the log is the same whatever the thread count. Only std::bad_alloc escapes: it is the machine's, not a genome's.
  std::vector<std::vector<backtest::Metrics>> evaluate(std::span<const strategy::Genome> genomes, Stage stage,
                                                       const std::atomic<bool>* cancel = nullptr) const override;
  // The same, with failures[g] the reason genome g failed ("SOL: what went wrong" for its first
  // failing coin), empty when it did not.
  std::vector<std::vector<backtest::Metrics>> evaluate(std::span<const strategy::Genome> genomes, Stage stage,
                                                       const std::atomic<bool>* cancel,
                                                       std::vector<std::string>& failures) const;
  // Part of a batch, for the MPI coin shards: the tasks [begin, end) of a batch of `batch` genomes
  // in the order evaluate runs them (task = c * batch + g: coin by coin), `genomes` being the
  // batch's genomes [first, first + genomes.size()), which must hold every genome the tasks read.
  // Returns their metrics in task order, errors[k] the message of task begin + k's failure ("" if
  // it did not fail). Logs nothing: the caller decides who reports failures.
  std::vector<backtest::Metrics> evaluate_tasks(std::span<const strategy::Genome> genomes, std::size_t first,
                                                std::size_t batch, std::size_t begin, std::size_t end, Stage stage,
                                                const std::atomic<bool>* cancel,
                                                std::vector<std::string>& errors) const;

  // One genome on one coin's segment, with its equity and trades (for reports).
  backtest::BacktestResult backtest(const strategy::Genome& genome, std::size_t coin, Stage stage) const;
  // The genome's exposures on coin's bars [0, end of the stage's segment), as the backtests above
  // compute them (validation replays the segment's part under the risk limits).
  std::vector<double> exposures(const strategy::Genome& genome, std::size_t coin, Stage stage) const;
  // The equity curve as the metrics see it: rescaled to the target volatility (unchanged when it
  // is 0 or the curve is flat), for reports that show what the metrics measured.
  std::vector<double> scaled_equity(const backtest::BacktestResult& result) const;
  backtest::MetricsOptions metrics_options() const;
  const Universe& universe() const { return universe_; }
  // What validation needs to build sibling evaluators (stressed costs, walk-forward folds).
  const backtest::BacktestConfig& base_config() const { return base_; }
  indicators::IndicatorCache& cache() const { return cache_; }
  int threads() const { return threads_; }
  double target_volatility() const { return target_volatility_; }

 private:
  void run_segment(const strategy::Genome& genome, std::size_t coin, Stage stage, backtest::BacktestResult& out) const;
  // The same with the exposures written into `exposure`, a buffer the caller reuses.
  void run_segment(const strategy::Genome& genome, std::size_t coin, Stage stage, std::vector<double>& exposure,
                   backtest::BacktestResult& out) const;

  // Logs each kind of failure (its message with numbers masked) once per evaluator.
  void log_failures(std::span<const strategy::Genome> genomes, Stage stage,
                    std::span<const std::string> failures) const;

  const Universe& universe_;
  backtest::BacktestConfig base_;
  indicators::IndicatorCache& cache_;
  int threads_;
  double target_volatility_;
  mutable std::mutex logged_mutex_;
  mutable std::set<std::string> logged_;  // kinds of failure already logged
};

}  // namespace organism::evolve

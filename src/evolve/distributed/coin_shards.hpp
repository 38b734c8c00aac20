// Master/worker evaluation sharded by coin, without MPI (the transport is mpi_evaluator's): a
// batch of G genomes on C coins is C x G tasks in coin-major order (task = c G + g, the order
// BacktestProblem::evaluate runs them), cut into one equal contiguous range per rank. A rank
// evaluates only its range, so it reads, and its indicator cache holds, the columns of its own
// coins only (a coin is shared with a neighbouring rank at most at the range's two ends), where
// sharding by genome had every rank compute every coin's indicators again.
#pragma once

#include <atomic>
#include <cstddef>
#include <span>
#include <vector>

#include "evolve/backtest_problem.hpp"

namespace organism::evolve::distributed {

// Tasks, or genomes, [begin, end).
struct TaskRange {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::size_t size() const { return end - begin; }
};

// Rank r's share of n tasks over R ranks: [r n / R, (r + 1) n / R). The ranges cover every task
// once, in order, and their sizes differ by at most one.
TaskRange task_range(std::size_t tasks, std::size_t ranks, std::size_t rank);

// The genomes of a batch of `genomes` that the tasks of `range` read: the genomes of the range
// when it lies inside one coin, else every genome (the range holds the end of one coin and the
// start of the next, whose genome ranges together reach both ends of the batch, or a whole coin).
TaskRange genomes_of(TaskRange range, std::size_t genomes);

class CoinShards {
 public:
  // `full` is this rank's evaluator of the whole universe: its base config, cache, threads and
  // target volatility are those of every coin's evaluator. It must outlive this object.
  explicit CoinShards(const BacktestProblem& full);

  // Metrics of the tasks of `range` in a batch of `batch` genomes, in task order. `genomes` are
  // the batch's genomes genomes_of(range, batch), of which the first is genome `first`
  // (BacktestProblem::evaluate_tasks: the same tasks, so the same numbers, as in the whole
  // batch). Failures are marked in the metrics but not logged here (see log_failures).
  std::vector<backtest::Metrics> evaluate(std::span<const strategy::Genome> genomes,
                                          std::size_t first, std::size_t batch, TaskRange range,
                                          Stage stage,
                                          const std::atomic<bool>* cancel = nullptr) const;

  // metrics[g][c] of a batch of `genomes` from each rank's tasks (by rank, ranks.size() ranks).
  static std::vector<std::vector<backtest::Metrics>> assemble(
      const std::vector<std::vector<backtest::Metrics>>& by_rank, std::size_t genomes,
      std::size_t coins);

  // Logs the batch's failed genomes as the one-process evaluation does, once per kind of failure
  // in genome order: the whole-universe evaluator evaluates them again (failures are rare, and
  // usually early), so that the one implementation of failure logging says it, with the coin
  // and message of each genome's first failing coin. Call on one rank only.
  void log_failures(std::span<const strategy::Genome> genomes,
                    const std::vector<std::vector<backtest::Metrics>>& metrics, Stage stage) const;

 private:
  const BacktestProblem& full_;
};

}  // namespace organism::evolve::distributed

// Master/worker evaluation over MPI for one large population: rank 0 runs the engine (NSGA-II on
// every island) and each batch's (coin, genome) tasks are cut by coin_shards into one equal
// contiguous range per rank; every rank backtests its range on its own copy of the universe
// (loaded once), computing the indicators of its coins only, and hands back the metrics.
// A task's metrics do not depend on its batch or rank, so the front is the one-process front.
#pragma once

#include <cstdint>

#include "evolve/backtest_problem.hpp"
#include "evolve/distributed/coin_shards.hpp"
#include "evolve/distributed/mpi_session.hpp"

namespace organism::evolve::distributed {

// What rank 0 sent and the workers sent back, for the run's traffic line.
struct WorkerTraffic {
  std::int64_t batches = 0;
  std::int64_t batch_genomes = 0;  // genomes in the batches
  std::int64_t genomes_sent = 0;   // genomes sent to workers (a genome goes to each that reads it)
  std::int64_t genome_bytes = 0;
  std::int64_t tasks_returned = 0;  // (coin, genome) results sent back by workers
  std::int64_t metrics_bytes = 0;
};

class MpiWorkerEvaluator : public BatchEvaluator {
 public:
  // `local` evaluates this rank's tasks (with its threads); both must outlive this object.
  MpiWorkerEvaluator(const MpiSession& session, const BacktestProblem& local);

  // On rank 0: the batch spread over every rank. `cancel` is honoured on rank 0's share only.
  std::vector<std::vector<backtest::Metrics>> evaluate(
      std::span<const strategy::Genome> genomes, Stage stage,
      const std::atomic<bool>* cancel = nullptr) const override;
  // On rank 0 when the run is over: releases the workers from serve().
  void stop() const;
  // On every other rank: evaluates the tasks rank 0 sends until it stops.
  void serve() const;
  const WorkerTraffic& traffic() const { return traffic_; }

 private:
  const MpiSession& session_;
  const BacktestProblem& local_;
  CoinShards shards_;
  mutable WorkerTraffic traffic_;
};

}  // namespace organism::evolve::distributed

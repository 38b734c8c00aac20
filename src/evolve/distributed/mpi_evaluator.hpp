// Master/worker evaluation over MPI for one large population: rank 0 runs the engine (NSGA-II on
// every island) and each batch of genomes is cut into one contiguous share per rank; every rank
// backtests its share on its own copy of the universe (loaded once) and hands back the metrics.
// A genome's metrics do not depend on its batch, so the front is the one-process front.
#pragma once

#include "evolve/distributed/mpi_session.hpp"
#include "evolve/backtest_problem.hpp"

namespace organism::evolve::distributed {

class MpiWorkerEvaluator : public BatchEvaluator {
 public:
  // `local` evaluates this rank's share (with its threads); both must outlive this object.
  MpiWorkerEvaluator(const MpiSession& session, const BacktestProblem& local);

  // On rank 0: the batch spread over every rank. `cancel` is honoured on rank 0's share only.
  std::vector<std::vector<backtest::Metrics>> evaluate(
      std::span<const strategy::Genome> genomes, Stage stage,
      const std::atomic<bool>* cancel = nullptr) const override;
  // On rank 0 when the run is over: releases the workers from serve().
  void stop() const;
  // On every other rank: evaluates the shares rank 0 sends until it stops.
  void serve() const;
  std::int64_t bytes_sent() const { return bytes_sent_; }

 private:
  const MpiSession& session_;
  const BacktestProblem& local_;
  mutable std::int64_t bytes_sent_ = 0;
};

}  // namespace organism::evolve::distributed

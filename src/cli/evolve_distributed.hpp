// `organism evolve` in one process or as one rank of an mpirun job (docs/distributed.md): which
// rank this is, rank 0's decisions shared with the others, the engine each rank steps, and one
// clean end of the whole job when a rank fails. Built without MPI only the one-process form runs.
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "evolve/engine.hpp"
#include "evolve/backtest_problem.hpp"
#include "runs/run_service.hpp"

namespace organism::cli {

// True when mpirun (Open MPI, PMIx) or mpiexec (MPICH's Hydra) started this process.
bool launched_by_mpirun();

// The run service drives a run through these (runs::Processes); the MPI parts live here.
class EvolveProcesses final : public runs::Processes {
 public:
  // MPI starts only when launched by mpirun. `mode` is evolve.distributed (islands or workers);
  // `requested`: --distributed was given. Throws core::UsageError for an unknown mode, or when MPI
  // is wanted (launched by mpirun, or requested) and the build has none.
  EvolveProcesses(const std::string& mode, bool requested);
  ~EvolveProcesses() override;
  EvolveProcesses(const EvolveProcesses&) = delete;
  EvolveProcesses& operator=(const EvolveProcesses&) = delete;

  int rank() const;
  int size() const override;
  bool leader() const override { return rank() == 0; }

  // Seconds a rank waits for the others in one exchange before it ends the job (0: no limit).
  void set_timeout(double seconds);
  // Rank 0's value, on every rank.
  nlohmann::json share(const nlohmann::json& value) const override;
  // Workers mode on ranks other than 0: backtests what rank 0 sends until the run ends, then
  // returns true (the rank has nothing else to do). False elsewhere, at once.
  bool serve(const evolve::BacktestProblem& evaluator) override;
  // This rank's engine: every island (one process); its own islands (islands mode); or, on rank
  // 0, every island with each batch spread over the ranks (workers mode). Lives as long as this.
  evolve::Engine& engine(const evolve::EvolveOptions& options, const evolve::BacktestProblem& evaluator) override;
  // On rank 0 after each checkpoint: the run and generation a lost rank's job can resume from,
  // which rank 0 prints when mpirun ends it (SIGTERM) because another rank died.
  void checkpointed(const std::string& run_id, int generation) override;
  // After the last generation, on every rank: releases the workers, logs the traffic (rank 0).
  void finish() override;
  // Runs `body`. Under mpirun an exception on any rank is printed naming the rank and ends the
  // whole job with the exit code it would have had (no rank waits forever for a failed one).
  void run(const std::function<void()>& body);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace organism::cli

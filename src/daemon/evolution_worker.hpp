// The re-evolution worker of `organism run`: every `every_bars` closed bars it starts `organism
// evolve` as a child process at low priority, warm-started with the living genomes, and reaps it
// without ever blocking the daemon's bar loop. Used by the daemon (docs/operations.md).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"

namespace organism::daemon {

struct EvolutionWorkerOptions {
  std::string organism_binary;  // the `organism` executable the child runs
  std::string store_path;       // --db of the child; STORE.daemon.json beside it holds the cycle clock
  std::string config_path;      // --config of the child when not empty
  std::string log_path;         // the child's stdout and stderr are appended here
  std::int64_t every_bars = 24;  // closed bars between two cycle starts; <= 0: no new cycles
  double budget_seconds = 120;   // --time-budget (0: not passed, the run goes to its generations)
  int population = 0, generations = 0;  // --population, --generations when > 0 (else evolve.*)
  int nice = 19;                        // the child's niceness
  // --warm-start of a new cycle; empty: not passed (an `organism` without the flag).
  std::string warm_start = "living";
};

// A cycle the worker reaped: its run (empty when the child died before creating one), the child's
// exit code (128 + signal when killed), the market time the cycle started at, its wall seconds.
struct EvolutionCycle {
  std::string run_id;
  int exit_code = 0;
  core::TimeMs market_time = 0;
  double seconds = 0;
};

// What STORE.daemon.json keeps of the worker ("evolution" object; other keys of the file are left
// as they are). Written atomically (a new file renamed over the old one) at every change.
struct EvolutionClock {
  core::TimeMs last_bar = 0;          // the newest bar time counted (0: none yet)
  core::TimeMs last_cycle = 0;        // market time of the last cycle's start (0: none yet)
  std::int64_t bars_since_cycle = 0;  // closed bars counted since then (or since the first bar)
  std::string run_id;                 // the run of the cycle in progress, once known
  core::TimeMs cycle_started_wall = 0;  // wall clock at the cycle's start (0: no cycle in progress)
  std::int64_t child_pid = 0;           // the running child, for a reader of the file (0: none)
  int resume_attempts = 0;              // resumes of run_id that failed; given up at kMaxResumeAttempts
};

class EvolutionWorker {
 public:
  static constexpr int kMaxResumeAttempts = 3;
  // "STORE.daemon.json".
  static std::string state_path_for_store(const std::string& store_path);
  // The file's "evolution" object (a default clock when the file or the object is absent);
  // core::Error naming the file when it is not JSON.
  static EvolutionClock load_clock(const std::string& state_path);

  // Reads the clock of STORE.daemon.json; a run of a cycle that a killed daemon left unfinished
  // is resumed at the next on_bar.
  explicit EvolutionWorker(EvolutionWorkerOptions options);
  ~EvolutionWorker();  // stop()
  EvolutionWorker(const EvolutionWorker&) = delete;
  EvolutionWorker& operator=(const EvolutionWorker&) = delete;

  // SIGHUP: taken at the next cycle; the store (and so the clock's file) stays the first one.
  void set_options(EvolutionWorkerOptions options);
  // Counts a closed bar (a time not newer than the last counted is not counted again: a restart
  // re-decides its last bar) and starts a child when none runs and either an unfinished run of ours
  // waits for its resume or `every_bars` bars passed since the last cycle's start. Never blocks.
  void on_bar(core::TimeMs time);
  // Reaps a finished child (waitpid WNOHANG), never blocks.
  std::optional<EvolutionCycle> poll();
  bool running() const { return child_ > 0; }
  pid_t child_pid() const { return child_; }
  const EvolutionClock& clock() const { return clock_; }
  // SIGTERM to the child (it checkpoints its run and exits) and waits for it. The run stays in
  // STORE.daemon.json for the next worker to resume.
  void stop();

  // The arguments after the binary for a new cycle (resume empty) or a resume.
  std::vector<std::string> child_arguments(const std::string& resume_run_id) const;

 private:
  void start_child(const std::string& resume_run_id, core::TimeMs market_time);
  void discover_run();  // the child's run id, from the run lock it holds in the store
  bool resumable(const std::string& run_id, bool& holder_alive) const;
  void save_clock() const;

  EvolutionWorkerOptions options_;
  std::string state_path_, json_out_path_;
  EvolutionClock clock_;
  pid_t child_ = -1;
  core::TimeMs child_market_time_ = 0;
  double child_started_ = 0;  // steady seconds
  bool child_is_resume_ = false;
  bool stopping_ = false;
  bool resume_checked_ = false;  // the clock's run_id was looked at after construction
};

}  // namespace organism::daemon

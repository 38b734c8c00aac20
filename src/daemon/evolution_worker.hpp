// STAND-IN (branch daemon only): design.md's EvolutionWorker interface, doing nothing, so that
// `organism run` compiles before helper `worker` lands the real one. Dropped at `git merge main`
// once theirs is on main (take theirs).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/time.hpp"

namespace organism::daemon {

struct EvolutionWorkerOptions {
  std::string organism_binary, store_path, config_path, log_path;
  std::int64_t every_bars = 24;
  double budget_seconds = 120;
  int population = 0, generations = 0;
  int nice = 19;
};
struct EvolutionCycle {
  std::string run_id;
  int exit_code = 0;
  core::TimeMs market_time = 0;
  double seconds = 0;
};

class EvolutionWorker {
 public:
  explicit EvolutionWorker(EvolutionWorkerOptions options) : options_(std::move(options)) {}
  ~EvolutionWorker() { stop(); }
  void set_options(EvolutionWorkerOptions options) { options_ = std::move(options); }
  void on_bar(core::TimeMs) {}
  std::optional<EvolutionCycle> poll() { return std::nullopt; }
  bool running() const { return false; }
  void stop() {}

 private:
  EvolutionWorkerOptions options_;
};

}  // namespace organism::daemon

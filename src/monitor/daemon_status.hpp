// What a running `organism run` says about itself, for the monitor: the "daemon" object of
// STORE.daemon.json (the file the evolution worker keeps its "evolution" object in). The daemon
// rewrites it atomically at most once a second and at every change; `organism serve` and the
// daemon's own API read it, so both show the same health. A heartbeat older than a few seconds
// means no daemon is alive (or it hangs).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/time.hpp"

namespace organism::monitor {

struct DaemonSessionStatus {
  bool running = false;
  int strategies = 0;  // slots traded (closing ones included)
};

struct DaemonError {
  core::TimeMs time_ms = 0;  // wall clock
  std::string message{};
};

struct DaemonStatus {
  std::int64_t pid = 0;
  core::TimeMs started_ms = 0;    // wall clock of the daemon's start
  core::TimeMs heartbeat_ms = 0;  // wall clock of the last write
  std::string mode{};             // "paper" or "live"
  std::string url{};              // the exchange's REST base URL
  core::TimeMs last_bar = 0;      // market time (open) of the newest closed bar handled (0: none)
  std::string interval{};         // the clock's interval, e.g. "1h"
  std::vector<std::string> coins{};
  bool exchange_connected = false;
  core::TimeMs exchange_since_ms = 0;  // wall clock of the last change of exchange_connected
  std::int64_t ws_reconnects = 0;      // since the daemon started
  std::map<std::string, DaemonSessionStatus> sessions{};  // "paper", "production"
  core::TimeMs scheduler_last_bar = 0;      // market time of the last lifecycle evaluation
  core::TimeMs scheduler_last_wall_ms = 0;  // wall clock of it
  std::vector<DaemonError> errors{};        // newest last, at most kMaxErrors
  static constexpr std::size_t kMaxErrors = 20;
};

// The evolution worker's "evolution" object (daemon::EvolutionWorker writes it; the keys the
// monitor reads).
struct EvolutionStatus {
  core::TimeMs cycle_started_wall = 0;  // 0: no cycle in progress
  std::int64_t child_pid = 0;
  int resume_attempts = 0;
  std::string run_id{};
};

// Both objects of STORE.daemon.json, each nullopt when absent.
struct DaemonFile {
  std::optional<DaemonStatus> daemon{};
  std::optional<EvolutionStatus> evolution{};
};

nlohmann::json to_json(const DaemonStatus& status);
DaemonStatus daemon_status_from_json(const nlohmann::json& j);  // missing keys keep their defaults

// STORE.daemon.json read once; both parts nullopt when the file is absent or unreadable JSON (a
// reader never fails on a file being replaced).
DaemonFile read_daemon_file(const std::string& state_path);
// Its "daemon" object alone.
std::optional<DaemonStatus> read_daemon_status(const std::string& state_path);

}  // namespace organism::monitor

// The daemon's live state for the monitor (monitor/daemon_status.hpp): kept here as the loop
// learns it and written as the "daemon" object of STORE.daemon.json at most once a second (the
// heartbeat) and at once on a change that matters (exchange connection, sessions, an error). The
// API, the metrics and the alerts of `organism run --listen` and of `organism serve` read it.
#pragma once

#include <chrono>
#include <string>

#include "monitor/daemon_status.hpp"

namespace organism::daemon {

class StatusPublisher {
 public:
  StatusPublisher(std::string state_path, monitor::DaemonStatus initial);

  monitor::DaemonStatus& status() { return status_; }
  // Changes the exchange connection state (and its since time) when it differs; publishes then.
  void set_connected(bool connected);
  // Keeps the newest kMaxErrors errors and publishes at once.
  void error(const std::string& message);
  // Writes when `force` or a second has passed since the last write; a failed write is logged
  // once per minute and never stops the daemon (the monitor then sees a stale heartbeat).
  void publish(bool force = false);

  static core::TimeMs wall_ms();

 private:
  std::string path_;
  monitor::DaemonStatus status_;
  std::chrono::steady_clock::time_point last_write_{};
  std::chrono::steady_clock::time_point last_failure_log_{};
  bool written_ = false;
};

}  // namespace organism::daemon

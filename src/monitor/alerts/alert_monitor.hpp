// The alert rules of the monitor (docs/monitoring.md, "Alerts"), polled over the same files as the
// API and the metrics every alerts.poll_ms:
//   breaker    a new risk transition into REDUCING (warning) or HALTED (critical), per journal;
//   drawdown   equity below its peak by each of alerts.drawdown_thresholds, once per crossing,
//              re-armed when the drawdown is back under half of that threshold;
//   lifecycle  a new strategy_events row of the store (info);
//   disconnect the daemon's heartbeat, or its exchange connection, lost for more than
//              alerts.disconnect_seconds (critical), and a recovery alert when it is back;
//   error      a new entry of the daemon's errors (error).
// Events (transitions, lifecycle moves, errors) count from the first poll: what happened before
// the monitor started is not re-sent. Conditions (drawdown, disconnection) are judged as found.
// One alert key is sent at most once per alerts.repeat_seconds. Sinks: the log and each webhook
// (webhook_sender.hpp, on its own thread: a dead receiver never delays a poll).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "core/clock.hpp"
#include "monitor/alerts/alert.hpp"
#include "monitor/alerts/webhook_sender.hpp"
#include "monitor/http/route.hpp"
#include "monitor/store_files.hpp"

namespace organism::monitor {

class AlertMonitor {
 public:
  // core::UsageError when a webhook URL is refused. `clock` (wall time) must outlive the monitor;
  // nullptr: the system clock.
  AlertMonitor(MonitorFiles files, AlertOptions options, const core::Clock* clock = nullptr);
  ~AlertMonitor();  // stops
  AlertMonitor(const AlertMonitor&) = delete;
  AlertMonitor& operator=(const AlertMonitor&) = delete;

  // Polls on a thread of its own every poll_ms until stop(). The first poll takes the baseline.
  void start();
  void stop();
  // One pass of every rule (what the thread runs); the first call takes the baseline of events.
  void poll_once();

  // The newest alerts raised (suppressed repeats are not), newest last, at most n (and 100).
  std::vector<Alert> recent(std::size_t n) const;
  std::int64_t suppressed() const;  // repeats within repeat_seconds, not sent
  std::vector<WebhookStats> webhook_stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// GET /alerts -> {"alerts": [...]} newest last, at most 100 (?limit= fewer).
http::Route alerts_route(AlertMonitor& monitor);

}  // namespace organism::monitor

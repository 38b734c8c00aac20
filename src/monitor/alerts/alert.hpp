// An alert of the monitor (docs/monitoring.md, "Alerts"): what happened, how bad, and a key that
// identifies "the same alert again" for the repeat limit. The options come from the alerts.*
// configuration keys (monitor/config_keys.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/time.hpp"

namespace organism::monitor {

struct Alert {
  std::uint64_t id = 0;      // increasing within a process and across restarts: receivers de-duplicate by it
  core::TimeMs time_ms = 0;  // wall clock
  std::string key{};         // "breaker:production:drawdown:HALTED": one key is sent at most once per repeat_seconds
  std::string severity{};    // info | warning | error | critical
  std::string kind{};        // breaker | drawdown | lifecycle | disconnect | recovery | error
  std::string title{};
  std::string text{};
  nlohmann::json fields = nlohmann::json::object();  // the figures, by name
};

struct AlertOptions {
  std::vector<double> drawdown_thresholds{0.05, 0.10, 0.20};  // fractions below the equity peak
  double disconnect_seconds = 30;
  double repeat_seconds = 300;
  int poll_ms = 250;
  std::vector<std::string> webhooks{};  // https URLs (http only to loopback)
  int webhook_timeout_ms = 2000;
  int webhook_retries = 3;          // after the first attempt; waits 250 ms, 500 ms, 1 s, ...
  int webhook_backoff_ms = 250;     // the first wait (not a key: tests shorten it)
  std::size_t webhook_queue = 256;  // alerts waiting per webhook; more are dropped and counted
  bool log = true;
};

// The alert as /alerts lists it: {"id","time","key","severity","kind","title","text","fields"}.
nlohmann::json to_json(const Alert& alert);
// The webhook body: {"id","time","severity","kind","title","text","fields","source":"organism",
// "text_markdown"} (time: ISO 8601 UTC; text_markdown: "*[CRITICAL] title*\ntext" for chat bridges).
std::string webhook_payload(const Alert& alert);

}  // namespace organism::monitor

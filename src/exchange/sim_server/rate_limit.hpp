// Sliding-window budgets keyed by client (an IP): REST weight per minute, new WebSocket
// connections per minute, WebSocket messages per minute (PROTOCOL §10). The server's only
// limiter; time is passed in so tests drive it without waiting.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "core/rolling_window.hpp"
#include "core/time.hpp"

namespace organism::exchange::sim_server {

using core::TimeMs;

class SlidingWindowLimit {
 public:
  // At most `capacity` units within any `window_ms` of time, per key.
  SlidingWindowLimit(std::int64_t capacity, TimeMs window_ms) : capacity_(capacity), window_ms_(window_ms) {}

  // Units spent by `key` in (now - window, now].
  std::int64_t used(const std::string& key, TimeMs now);
  // True while the key has budget left (used < capacity). A request is admitted on any budget
  // left and charged its full weight afterwards (its weight may depend on its reply), as the
  // exchange does: the budget can go negative by one request's weight.
  bool admits(const std::string& key, TimeMs now) { return used(key, now) < capacity_; }
  void charge(const std::string& key, std::int64_t units, TimeMs now);
  std::int64_t capacity() const { return capacity_; }

 private:
  std::int64_t capacity_;
  TimeMs window_ms_;
  std::map<std::string, core::RollingWindow> windows_;
};

}  // namespace organism::exchange::sim_server

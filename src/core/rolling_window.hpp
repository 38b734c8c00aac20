// A rolling sum of timed amounts: what was spent within the last `window` ms. The exchange's rate
// limits count this way (PROTOCOL §10), so the simulator's limiter and the client's weight budget
// both keep one (src/exchange/sim_server/rate_limit.hpp, src/exchange/client/weight_budget.hpp).
#pragma once

#include <cstdint>
#include <deque>
#include <utility>

#include "core/time.hpp"

namespace organism::core {

class RollingWindow {
 public:
  explicit RollingWindow(TimeMs window_ms) : window_ms_(window_ms) {}

  // Drops what was added at or before now - window: the sum then covers (now - window, now].
  void expire(TimeMs now) {
    while (!entries_.empty() && entries_.front().first <= now - window_ms_) {
      total_ -= entries_.front().second;
      entries_.pop_front();
    }
  }
  void add(TimeMs now, std::int64_t amount) {
    expire(now);
    if (!entries_.empty() && entries_.back().first == now) {
      entries_.back().second += amount;
    } else {
      entries_.emplace_back(now, amount);
    }
    total_ += amount;
  }
  std::int64_t total(TimeMs now) {
    expire(now);
    return total_;
  }
  bool empty() const { return entries_.empty(); }
  // When the oldest amount leaves the window (call on a non-empty window).
  TimeMs oldest_leaves_at() const { return entries_.front().first + window_ms_; }
  TimeMs window_ms() const { return window_ms_; }

 private:
  TimeMs window_ms_;
  std::deque<std::pair<TimeMs, std::int64_t>> entries_;  // oldest first
  std::int64_t total_ = 0;
};

}  // namespace organism::core

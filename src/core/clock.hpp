// Where code that needs "now" gets it: the wall clock in production, a fixed clock in tests (and
// the simulator's market clock later), interchangeable so runs and replays are deterministic.
// Used by the run service (src/runs/) and, later, the trading loop and the lifecycle daemon.
#pragma once

#include <chrono>

#include "core/time.hpp"

namespace organism::core {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimeMs now() const = 0;  // ms since the Unix epoch, UTC
};

class WallClock final : public Clock {
 public:
  TimeMs now() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

// Stands still until a test moves it.
class FixedClock final : public Clock {
 public:
  explicit FixedClock(TimeMs now) : now_(now) {}
  TimeMs now() const override { return now_; }
  void set(TimeMs now) { now_ = now; }
  void advance(TimeMs ms) { now_ += ms; }

 private:
  TimeMs now_;
};

}  // namespace organism::core

#include "exec/dead_man_switch.hpp"

#include <cmath>
#include <utility>

#include <fmt/format.h>

#include "core/error.hpp"

namespace organism::exec {

DeadManSwitch::DeadManSwitch(Broker& broker, const core::Clock& clock, double seconds,
                             FailureReport on_failure)
    : broker_(broker), clock_(clock), on_failure_(std::move(on_failure)) {
  if (!std::isfinite(seconds) || seconds < 0 || (seconds > 0 && seconds < kMinDeadManSeconds)) {
    throw core::UsageError(fmt::format(
        "risk.dead_man_seconds = {}: 0 (off) or at least {} seconds", seconds, kMinDeadManSeconds));
  }
  period_ms_ = static_cast<core::TimeMs>(std::llround(seconds * 1000));
}

void DeadManSwitch::arm() {
  if (!enabled()) return;
  const core::TimeMs now = clock_.now();
  try {
    broker_.schedule_cancel(now + period_ms_);
  } catch (const core::Error& e) {
    throw core::Error(fmt::format("dead man's switch: scheduleCancel refused or lost: {}", e.what()));
  }
  last_armed_ = now;
  armed_until_ = now + period_ms_;
  retry_ = false;
  ++refreshes_;
}

void DeadManSwitch::start() {
  if (!enabled()) return;
  for (int attempt = 1;; ++attempt) {
    try {
      arm();
      return;
    } catch (const core::Error& e) {
      report(e.what());
      if (attempt >= kStartTries) throw;
    }
  }
}

void DeadManSwitch::refresh() {
  if (!enabled()) return;
  if (!retry_ && armed_until_ && clock_.now() - last_armed_ < period_ms_ / 3) return;
  try {
    arm();
  } catch (const core::Error& e) {
    retry_ = true;
    report(e.what());
  }
}

void DeadManSwitch::clear() {
  if (!enabled() || !armed_until_) return;
  try {
    broker_.schedule_cancel(std::nullopt);
    armed_until_.reset();
  } catch (const core::Error& e) {
    report(fmt::format("dead man's switch: clearing failed (it fires at its time): {}", e.what()));
  }
}

void DeadManSwitch::report(const std::string& what) {
  ++failures_;
  if (on_failure_) on_failure_(what);
}

}  // namespace organism::exec

// The dead man's switch of a live session: the exchange's scheduleCancel armed at now + N seconds
// and pushed forward every N/3 seconds, so that if organism dies, hangs or loses its link the
// exchange itself cancels every open order within N seconds. Used by run_trading_session (live
// mode only; risk.dead_man_seconds, 0 = off).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "core/clock.hpp"
#include "exec/broker.hpp"

namespace organism::exec {

// The shortest switch: refreshed every third of it, and the exchange refuses a time under 5 s
// ahead, so 10 s leaves a refresh two tries before the old time is reached.
inline constexpr double kMinDeadManSeconds = 10;

class DeadManSwitch {
 public:
  // Called with what failed when a refresh did not reach the exchange (the session counts it as
  // an exchange error); the refresh is tried again at the next poll.
  using FailureReport = std::function<void(const std::string& what)>;

  // `seconds` 0 is off (every call a no-op); otherwise at least kMinDeadManSeconds
  // (core::UsageError). The clock must be the wall clock the exchange checks against.
  DeadManSwitch(Broker& broker, const core::Clock& clock, double seconds, FailureReport on_failure = {});

  bool enabled() const { return period_ms_ > 0; }

  // Arms the switch at now + seconds, trying up to kStartTries times. Throws (core::Error) when
  // the exchange refuses every time or cannot be reached: a session that asked for the switch
  // must not trade without it.
  static constexpr int kStartTries = 3;
  void start();
  // From the poll timer: re-arms once a third of the period has passed since the last arming (at
  // once after a failed one). Never throws; a failure goes to the FailureReport.
  void refresh();
  // A clean exit: clears the schedule (the session has already canceled or kept its orders).
  // Failures are reported, not thrown; the schedule then fires at its time.
  void clear();

  // Where the exchange's switch stands as far as this side knows (nullopt: not armed).
  std::optional<core::TimeMs> armed_until() const { return armed_until_; }
  std::int64_t refreshes() const { return refreshes_; }
  std::int64_t failures() const { return failures_; }

 private:
  void arm();  // one scheduleCancel(now + period); throws core::Error
  void report(const std::string& what);

  Broker& broker_;
  const core::Clock& clock_;
  core::TimeMs period_ms_ = 0;
  core::TimeMs last_armed_ = 0;   // wall ms of the last successful arming
  bool retry_ = false;            // the last refresh failed: try again at the next poll
  std::optional<core::TimeMs> armed_until_;
  std::int64_t refreshes_ = 0;
  std::int64_t failures_ = 0;
  FailureReport on_failure_;
};

}  // namespace organism::exec

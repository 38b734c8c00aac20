// Stop requests from outside the process as one cancellation token: Ctrl-C (SIGINT), kill or a
// service manager (SIGTERM), a closed terminal (SIGHUP). Used by `organism evolve` and `validate`
// so that any of them stops long work at its next safe point with everything saved.
#pragma once

#include <atomic>
#include <csignal>
#include <initializer_list>
#include <string_view>
#include <vector>

namespace organism::core {

// While one lives, the signals given set the token instead of ending the process; the previous
// handlers come back on destruction. One at a time: a signal handler may only touch a lock-free
// atomic with static storage, so the token is the program's one global (stop_signals.cpp).
class StopSignals {
 public:
  explicit StopSignals(std::initializer_list<int> signals = {SIGINT, SIGTERM, SIGHUP});
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  const std::atomic<bool>& token() const;
  // "SIGTERM" for the first signal received, empty while none was.
  std::string_view received() const;

 private:
  struct Previous {
    int signal;
    struct sigaction action;
  };
  std::vector<Previous> previous_;
};

// SIGHUP as a reload request rather than a stop (`organism run`: reload the configuration).
// Construct the StopSignals without SIGHUP alongside it. One at a time, like StopSignals.
class ReloadSignal {
 public:
  ReloadSignal();
  ~ReloadSignal();
  ReloadSignal(const ReloadSignal&) = delete;
  ReloadSignal& operator=(const ReloadSignal&) = delete;
  // True once per SIGHUP (or several SIGHUPs between two calls): the flag is cleared.
  bool take();

 private:
  struct sigaction previous_{};
};

}  // namespace organism::core

// The dashboard's poller: a thread that GETs each route of organism's API once per interval over
// one keep-alive connection and folds the replies into a DashboardState, so the terminal thread
// never waits on the network. Nine small requests per interval, asleep in between (the daemon's
// cost stays far under 1% CPU).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/clock.hpp"
#include "monitor/dashboard/dashboard_state.hpp"

namespace organism::exchange::client {
class HttpTransport;
}

namespace organism::monitor::dashboard {

struct PollerOptions {
  std::string url = "http://127.0.0.1:8080";
  std::string token{};       // "" sends no Authorization header
  int interval_ms = 1000;
  int timeout_ms = 2000;     // connect and request each: keeps quitting prompt when the API hangs
};

// What changes between bars is polled every round: /health, /positions, /risk, /alerts. What
// changes once a bar or less (equity marks, strategies, allocation, regimes, runs) is polled every
// kFullRoundEvery-th round, on `r`, and after a failed round: 4 requests a round instead of 9 keeps
// the dashboard's cost to the daemon low (scripts/bench-dashboard-cost).
inline constexpr std::uint64_t kFullRoundEvery = 5;
bool is_fast_route(Route route);

class Poller {
 public:
  // Checks the URL (core::UsageError when refused: plain http only to loopback); polls nothing
  // until start().
  Poller(PollerOptions options, const core::Clock& clock);
  ~Poller();  // stops and joins
  Poller(const Poller&) = delete;
  Poller& operator=(const Poller&) = delete;

  void start();        // the polling thread: a round at once, then one per interval
  void stop();
  void refresh_now();  // wakes the thread for a round now
  void poll_once();    // one round on the caller's thread (tests; before start only)

  // The state's version (it grows with every change); copies the state into `out` when the
  // version differs from `seen`.
  std::uint64_t snapshot(DashboardState& out, std::uint64_t seen) const;
  // Rounds finished so far (whole or cut short by a failure): a printed frame per round.
  std::uint64_t rounds() const;

 private:
  void run();

  PollerOptions options_;
  const core::Clock& clock_;
  std::unique_ptr<exchange::client::HttpTransport> transport_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  DashboardState state_;
  std::uint64_t version_ = 1;
  std::uint64_t rounds_ = 0;
  bool full_next_ = false;  // the next round fetches every route (after `r` or a failure)
  bool refresh_ = false;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace organism::monitor::dashboard

// One trading session of `organism run` (the paper one or the production one) in its own thread,
// with its own stop flag: exec::run_trading_session, whose start is also its restart (journal
// reconcile, ledger restore, warm-up). The daemon reads what the session decided through a
// snapshot taken under a lock: the last decided bar time and each strategy's book at it.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/time.hpp"
#include "exec/trading_session.hpp"

namespace organism::daemon {

struct SessionSnapshot {
  // Bar time -> each strategy's status at that bar (only recent bars are kept).
  std::map<core::TimeMs, std::vector<exec::StrategyStatus>> bars{};
  core::TimeMs decided = -1;  // newest decided bar time; -1 before the first
  std::size_t open_orders = 0;
  std::vector<std::string> paused{};  // strategies the per-strategy breaker paused (ids)
  bool started = false;               // warmed up, the stream running
  bool finished = false;              // the thread returned (stopped, --until, or failed)
  std::string error{};                // why it failed, when it did
};

class SessionRunner {
 public:
  using Say = std::function<void(const std::string&)>;
  // Starts the thread at once. `name`: "paper" or "production", prefixed to every line.
  SessionRunner(std::string name, exec::SessionOptions options, Say say);
  ~SessionRunner();  // stop()
  SessionRunner(const SessionRunner&) = delete;
  SessionRunner& operator=(const SessionRunner&) = delete;

  // Asks the session to stop (within its 50 ms watch tick; open orders canceled, and flattened
  // when its options say so) and waits for the thread.
  void stop();
  // The next stop() closes every position after canceling (SessionOptions::flatten_on_exit).
  void request_flatten();
  // Waits until the session is started or finished, at most `timeout`.
  void wait_started(std::chrono::milliseconds timeout);
  // Waits until the session decided `time` (or finished), at most `timeout`; whether it did.
  bool wait_decided(core::TimeMs time, std::chrono::milliseconds timeout);

  SessionSnapshot snapshot() const;
  const std::string& name() const { return name_; }
  const exec::SessionOptions& options() const { return options_; }
  // The strategy ids of its slots, in slot order.
  std::vector<std::string> ids() const;
  // After stop() or a finish: what the session did.
  exec::SessionSummary summary() const;

 private:
  void run();

  std::string name_;
  exec::SessionOptions options_;
  Say say_;
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  SessionSnapshot state_;
  exec::SessionSummary summary_;
  std::thread thread_;
};

}  // namespace organism::daemon

// `organism run`: the organism as one long-running process (docs/trading.md, "organism run").
//
//  1. the store's one-instance lock (instance_lock.hpp);
//  2. the paper session (strategies in state paper, paper broker, identity allocation, each its
//     own book of paper_capital, journal STORE.paper-journal.db) and the production session
//     (production + decaying, the allocator, the risk manager, --capital, the default journal;
//     paper broker unless live), each a SessionRunner thread with its own stop flag;
//  3. the clock stream: the exchange's closed bars of the daemon's coins written to the store; a
//     bar time is closed when every coin has it;
//  4. at each closed bar time T: the sessions' decisions of T are awaited (at most bar_wait_ms),
//     the marks of T built (daemon_marks.hpp), LifecycleScheduler::evaluate called, the sessions
//     whose sets changed restarted (a strategy leaving with a position stays as a closing slot
//     until flat), then EvolutionWorker::on_bar and poll;
//  5. --until: a clean stop once T >= until. SIGTERM/SIGINT: the bar in progress finishes, the
//     sessions stop (open orders canceled; flattened under flatten_on_stop), the worker's child is
//     stopped (it checkpoints). SIGHUP: the options are loaded again (file + environment), what
//     changed is said, the scheduler and worker get theirs and both sessions restart with theirs.
// Every line goes through `say` (stdout and the log file): one per closed bar, per mark, per
// lifecycle change, per session (re)start, per evolution cycle (formats in daemon_marks.hpp).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "backtest/models.hpp"
#include "core/time.hpp"
#include "daemon/evolution_worker.hpp"
#include "daemon/lifecycle_scheduler.hpp"
#include "exec/trading_session.hpp"
#include "monitor/monitor_service.hpp"
#include "portfolio/allocator.hpp"

namespace organism::daemon {

struct RunOptions {
  std::string store_path{};
  std::vector<std::string> coins{};  // the clock's coins (evolve.coins)
  core::Interval interval = core::Interval::parse_or_throw("1h");  // evolve.interval
  std::optional<core::TimeMs> until{};
  // The sessions' common settings (url, proxy, costs, risk limits, orders, poll, live key and
  // network for production). The daemon fills in slots, capital, allocation, journal and mode.
  exec::SessionOptions session{};
  bool live = false;       // the production session's broker: live (agent key) or paper
  double capital = 10'000;  // the production session's
  std::optional<portfolio::AllocatorOptions> allocator{};  // production: nullopt = identity
  double paper_capital = 1'000;  // lifecycle.paper_capital: per paper strategy
  bool flatten_on_stop = false;  // lifecycle.flatten_on_stop
  std::int64_t bar_wait_ms = 10'000;  // lifecycle.bar_wait_ms
  lifecycle::LifecycleOptions lifecycle{};
  portfolio::AllocatorOptions scheduler_allocator{};  // the scheduler's score
  EvolutionWorkerOptions worker{};
  // The HTTP API, /metrics and alerts in this process (api.listen; nullopt: off). A failure to
  // start it is said and the daemon trades on: monitoring never stops trading.
  std::optional<monitor::MonitorServiceOptions> monitor{};
  // "key = value (source)" per configuration key: a reload says which changed.
  std::vector<std::string> config_lines{};
};

// The options again, for SIGHUP (the same loading as at start); throws to refuse a bad file.
using LoadOptions = std::function<RunOptions()>;
using Say = std::function<void(const std::string&)>;

struct RunResult {
  std::string stop_reason{};  // "until", "SIGTERM", "SIGINT"
  std::int64_t bars = 0;      // closed bar times handled
  core::TimeMs last_bar = -1;
};

// Runs until --until or a stop signal. core::Error when the store is locked by another daemon
// (naming the holder) or a session cannot start; core::UsageError for bad options.
RunResult run_organism(RunOptions options, const LoadOptions& reload, const Say& say);

}  // namespace organism::daemon

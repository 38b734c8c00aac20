// A paper or live trading session: the exchange's closed bars (MarketDataSource) through the
// trading loop to a broker, until Ctrl-C, SIGTERM, --until or --bars. Used by `organism paper` and
// `organism trade`; the CLI only parses and prints what the callbacks hand it.
//
// Start and restart are one path:
//  1. the journal (Journal::path_for_store beside the store, or given) is opened; the broker is
//     made (paper: BookBroker with its state file beside the journal, or BarBroker; live:
//     LiveBroker with the agent key);
//  2. OrderManager::reconcile() brings the journal level with the exchange (open orders looked up
//     by cloid, fills since the last journaled one), and TradingLoop::restore rebuilds the
//     strategies' books from the journal's ledger;
//  3. the stored bars warm the runtimes up. When the journal already holds orders of these
//     strategies (a restart), the newest stored bar is decided again instead of only warming up:
//     a decision cut by a kill is finished, and one already done maps to the same cloids, which
//     the order manager looks up and never places again;
//  3b. the risk manager (risk_manager.hpp) restores its breakers from the journal and is installed
//     as the loop's pre-trade check; a HALTED journal stays HALTED (cancel, flatten) until
//     `organism risk resume`;
//  4. the bar stream backfills from the store's last bar, then every closed bar goes to the loop;
//     every reconnect runs reconcile() again; a timer runs OrderManager::poll (fallbacks, unknown
//     outcomes, fills) between bars.
// At the end open orders are canceled or kept (SessionOptions::cancel_on_exit). Live, a dead man's
// switch (risk.dead_man_seconds) is armed after the reconciliation, refreshed by the poll timer and
// cleared at a clean end, so the exchange cancels our orders if the process dies.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "backtest/risk_limits.hpp"
#include "exec/order_manager.hpp"
#include "exec/replay.hpp"
#include "exec/trading_loop.hpp"
#include "portfolio/allocator.hpp"

namespace organism::exec {

enum class SessionMode { paper, live };

struct SessionOptions {
  SessionMode mode = SessionMode::paper;
  ReplayFill fill = ReplayFill::book;  // paper only: book (the live book) or bar (next open)
  std::string url{};                   // the exchange's REST URL (exchange.url)
  std::string proxy{};
  std::string store_path{};    // bars are read and written here (venue hyperliquid)
  std::string journal_path{};  // empty: Journal::path_for_store(store_path)
  std::vector<StrategySlot> slots{};
  TradingLoopOptions loop{};
  // --allocation allocator: the portfolio allocator's options (nullopt: identity), and each
  // strategy's birth (its stored creation time; nullopt for a genome file: age 0).
  std::optional<portfolio::AllocatorOptions> allocation{};
  std::vector<std::optional<core::TimeMs>> born{};
  OrderManagerOptions orders{};
  // The risk manager's limits (risk.* keys); always on. orders.collar must be <= risk.price_collar.
  backtest::RiskLimits risk{};
  core::TimeMs latency_ms = 50;  // paper book: order sent -> order meets the book
  // Live: the agent key's file (mode 0600; empty: ORGANISM_AGENT_KEY, agent_key.hpp), never
  // logged, and the account it trades for (empty: the key's own address).
  std::string key_file{};
  std::string account{};
  // Live: `url` is a real network's (--network), so it need not be loopback; and its signing
  // chain (mainnet or testnet, whatever the URL).
  bool real_network = false;
  bool mainnet = true;
  std::optional<core::TimeMs> until{};  // stop once a bar at or after this open time is decided
  std::int64_t max_bars = 0;            // stop after this many decided bar times (0: no limit)
  bool cancel_on_exit = true;
  // On a restart, decide the newest stored bar again (step 3 above). Off only for a restart whose
  // previous session, in the same process, decided that bar to the end (`organism run` changing a
  // session's strategies): deciding it again with other slots would map a different decision to
  // the cloids of that bar's orders, which are looked up and not placed, and the books would
  // count as sized to a target never traded. The next bar is then the first one decided.
  bool decide_newest_again = true;
  // Stored bars after this time are decided at start rather than warmed up on: the bars another
  // writer of the store (`organism run`'s clock or other session) stored while this session was
  // starting, after its predecessor decided up to here.
  std::optional<core::TimeMs> decide_after{};
  // After canceling at exit, close every strategy's position with reduce-only market orders
  // (the risk manager's flatten identities, keyed by the stop's time), polled until final, so the
  // books end flat (`organism run` under lifecycle.flatten_on_stop). Needs cancel_on_exit.
  bool flatten_on_exit = false;
  std::chrono::milliseconds poll_every{1000};
  std::int64_t weight_per_minute = 1200;  // REST weight budget (PROTOCOL §10)
};

struct SessionCallbacks {
  std::function<void(const ReconcileReport&)> reconciled{};  // at start and after reconnects
  // One per decided bar time, with the orders still open after it.
  std::function<void(const BarReport&, std::size_t open_orders)> bar{};
  std::function<void(const std::string&)> note{};            // anything else worth a line
  // Once, after the warm-up (and a restart's re-decided bar), just before the bar stream starts.
  std::function<void()> started{};
  // (the risk manager's transitions and commands come as notes starting "risk: ")
};

struct SessionSummary {
  std::int64_t bars = 0;             // decided bar times
  std::int64_t orders_placed = 0;
  std::int64_t fills = 0;
  std::int64_t canceled_at_exit = 0;
  std::int64_t flatten_orders = 0;  // flatten_on_exit: closing orders placed
  bool flat = true;                 // flatten_on_exit: every book flat at the end
  std::int64_t reconnects = 0;
  std::int64_t dead_man_failures = 0;  // refreshes of the switch that did not reach the exchange
  double equity = 0;
  std::string stop_reason{};  // "signal", "until", "bars"
};

// One line for a bar: time, equity, each strategy's positions, open orders.
std::string format_status(const BarReport& report, std::size_t open_orders);

// Runs until `stop` becomes true (the CLI's StopSignals token), --until or max_bars. Throws
// core::UsageError for bad options (live against a non-loopback URL, no strategies) and
// core::Error when the exchange or the store fails at start.
SessionSummary run_trading_session(const SessionOptions& options, const SessionCallbacks& callbacks,
                                   const std::atomic<bool>& stop);

}  // namespace organism::exec

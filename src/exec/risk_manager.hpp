// The live risk manager of a paper or trade session: the portfolio circuit breakers
// (backtest/circuit_breakers.hpp, the same ones `backtest --risk` runs) fed with what the session
// observes, the pre-trade checks (pre_trade.hpp) on every decision, and what a HALTED state does:
// every open order canceled, then every strategy's position in every coin closed with reduce-only
// market orders. Everything is journaled (risk_journal.hpp) before it is acted on: a rejected
// intent is on record before the decision goes on without it, a transition with the breakers'
// memory before the cancel and the flatten it causes.
//
// Times are on the market's clock: the newest bar's close plus the wall time since that bar
// arrived (the wall clock itself when trading live; the simulator's bar times when it replays an
// old market), so a poll's transition falls inside the bar it happened in.
//
// The flatten orders' identity is deterministic (flatten_intents.hpp, shared with `organism
// flatten`): a retry after a crash maps to the cloids already journaled (the order manager looks
// them up, never places them twice); a further attempt is made only once the previous one is final
// and a position is still left.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "backtest/circuit_breakers.hpp"
#include "backtest/risk_limits.hpp"
#include "exec/flatten_intents.hpp"
#include "exec/order_manager.hpp"
#include "exec/pre_trade.hpp"
#include "exec/risk_journal.hpp"
#include "exec/trading_loop.hpp"

namespace organism::exec {

class RiskManager {
 public:
  using Note = std::function<void(const std::string&)>;

  // `coins`: the session's coins (their index is the breakers' and the flatten's coin index).
  // The references must outlive the manager. `note` gets one line per transition or command
  // ("risk: HALTED by drawdown: ...").
  RiskManager(const backtest::RiskLimits& limits, std::vector<std::string> coins,
              core::TimeMs interval_ms, RiskJournal& journal, OrderManager& orders,
              TradingLoop& loop, Note note);

  // At start, after the loop's books were restored: the breakers' memory from the journal (a
  // HALTED session stays HALTED), the newest stored bar's close (-1: none) and closes per coin,
  // pending commands applied, and a HALTED state enforced (cancel, flatten what is left).
  void start(core::TimeMs wall_now, core::TimeMs last_bar_close,
             const std::map<std::string, double>& closes);

  // The pre-trade check the trading loop calls with one decision's intents.
  PreTradeVerdict check(std::vector<OrderIntent> intents);

  // After each decided bar time: the equity at its close, the strategies' newly closed trades,
  // each coin's bar return (`closes`: the bar's close per coin); the submit's outcomes.
  void on_bar(const BarReport& report, const std::map<std::string, double>& closes,
              core::TimeMs wall_now);

  // At each poll tick: pending commands, the equity marked at the broker's reference prices,
  // the data's age (book_age_ms < 0: no book to check), and a HALTED state's flatten retried.
  void on_poll(core::TimeMs wall_now, core::TimeMs book_age_ms);

  // An exchange request's outcome outside a submit (a poll that threw).
  void on_request_failed(core::TimeMs wall_now);

  backtest::TradingState state() const { return breakers_.state(); }
  const backtest::CircuitBreakers& breakers() const { return breakers_; }
  // Reduce-only closes of every strategy's position still needed, under the flatten identities
  // keyed by `halt_time` (flatten_intents.hpp): a HALT's, or a session's stop (flatten_on_exit).
  std::vector<OrderIntent> flatten_intents(core::TimeMs halt_time);
  // Pre-trade actions this process made, per reason.
  const std::array<std::int64_t, kCheckReasonCount>& check_counts() const { return counts_; }

 private:
  core::TimeMs market_time(core::TimeMs wall_now) const;
  // The account's equity at the broker's reference prices (the last close where it has none);
  // nullopt while a coin has no price at all.
  std::optional<double> marked_equity();
  void apply_commands(core::TimeMs time);
  void on_submit(const SubmitReport& report, core::TimeMs time);
  // Journals the transitions with the memory, reports them, and acts on an entry into HALTED.
  void handle(const std::vector<backtest::Transition>& transitions, core::TimeMs time);
  // Cancels every open order (when `cancel`), then sends the flatten orders still needed.
  void enforce_halt(core::TimeMs time, bool cancel);

  backtest::RiskLimits limits_;
  std::vector<std::string> coins_;
  core::TimeMs interval_ms_;
  RiskJournal& journal_;
  OrderManager& orders_;
  TradingLoop& loop_;
  Note note_;
  backtest::CircuitBreakers breakers_;
  std::array<std::int64_t, kCheckReasonCount> counts_{};
  core::TimeMs bar_close_ = -1;      // the newest bar's close (market time)
  core::TimeMs bar_seen_wall_ = -1;  // wall time it arrived
  std::map<std::string, double> last_close_;
  std::vector<std::vector<std::size_t>>
      trades_seen_;  // per strategy, per leg: closed trades counted
};

}  // namespace organism::exec

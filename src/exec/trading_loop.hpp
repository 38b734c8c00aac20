// The trading loop: closed bars in, orders out. One loop serves replay, paper and live; only the
// broker and the source of bars differ.
//
// At each bar's close, per strategy (a genome trading one or more coins):
//   1. its Runtime (strategy/runtime.hpp) takes the bar, funding and sentiment and returns the
//      target exposure in [-1, 1], bit for bit the backtest's;
//   2. allocation: the strategy trades its own capital share, held in a backtest::Account (the
//      strategy's book: cash, positions per coin, trades, fees, funding), at its own target
//      (identity, the default), or, with an AllocationStage (allocation_stage.hpp), at the target
//      that gives the allocator's exposure for it (the portfolio allocator's weights and caps);
//   3. the target position is what the Account's sizing gives at the broker's reference price
//      (Account::desired_units, the backtest's sizing net of costs); its difference from the
//      position held becomes one OrderIntent per coin (sequence = the coin's leg index);
//   3b. the strategy's drawdown stop (its genome's dd_stop, backtest/drawdown_stop.hpp, fed its
//      Account's equity at each close as the backtest feeds it) and its per-strategy breaker (paused
//      for the session once its drawdown exceeds validated_max_drawdown x strategy_dd_multiple)
//      make its targets 0;
//   4. the pre-trade check (the risk manager, next) may drop or shrink intents;
//   5. the order manager journals and sends them at once (the backtest's next-open fill).
// Fills come back through the order manager and are booked on the strategy's Account
// (Account::apply_fill); funding is booked per bar from the bar's rate, as the backtest does.
// Under --fill bar the BarBroker steps the same Accounts itself (the backtest's own fills), and
// the loop books nothing twice.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "backtest/account.hpp"
#include "backtest/models.hpp"
#include "core/time.hpp"
#include "data/series.hpp"
#include "exec/order_manager.hpp"
#include "strategy/genome.hpp"
#include "strategy/runtime.hpp"

namespace organism::exec {

// One strategy the loop trades.
struct StrategySlot {
  std::string id{};  // the stored strategy id, or the genome's id for a file
  strategy::Genome genome{};
  std::vector<std::string> coins{};  // one Account leg each, weight 1/coins
  double capital_share = 1;          // of TradingLoopOptions::capital (identity allocation)
  // The largest drawdown its validation's backtests saw (a fraction; NaN: unknown, and the
  // per-strategy breaker is off for it).
  double validated_max_drawdown = std::numeric_limits<double>::quiet_NaN();
  // A strategy leaving the session (retired, demoted, promoted to another session) that still
  // holds a position: its targets are 0, like a paused one, until its book is flat; the daemon
  // (src/daemon/) drops it at the session's next restart after that.
  bool closing = false;
};

struct TradingLoopOptions {
  core::Interval interval = core::Interval::parse_or_throw("1h");
  double capital = 10'000;  // USD, split by capital_share
  // Fees, slippage (used by sizing), fill model, funding: the backtest's cost model. The genome's
  // risk block (stops, leverage) is applied per strategy (evolve::backtest_config).
  backtest::BacktestConfig costs{};
  strategy::Runtime::Feeds feeds{};
  ExecStyle style = ExecStyle::market;
  core::TimeMs taker_fallback_ms = 60'000;  // post_only
  // risk.strategy_dd_multiple (backtest::RiskLimits): a strategy whose drawdown since the loop
  // began trading it exceeds validated_max_drawdown x this is paused for the session (0: off).
  double strategy_dd_multiple = 1.5;
};

// One bar of one coin, final, with what Runtime::on_bar takes (exchange::client::LiveBar's
// fields, without the client's types: replay feeds it from the store).
struct ClosedBar {
  std::string coin{};
  data::Bar bar{};
  double funding = std::numeric_limits<double>::quiet_NaN();
  double sentiment = std::numeric_limits<double>::quiet_NaN();
};

// The pre-trade check: the intents of one decision in, the ones allowed out (possibly fewer or
// smaller), with a reason per change for the log. The default allows everything.
struct PreTradeVerdict {
  std::vector<OrderIntent> allowed{};
  std::vector<std::string> reasons{};
};
using PreTradeCheck = std::function<PreTradeVerdict(std::vector<OrderIntent> intents)>;

// One strategy's state after a bar, for the status line and the replay's outputs.
struct StrategyStatus {
  std::string id{};
  double equity = 0;
  std::vector<double> exposure{};  // per coin, as held (signed units x price / equity)
  std::vector<double> units{};     // per coin
  std::vector<std::string> coins{};
  bool paused = false;    // by the per-strategy breaker, for the rest of the session
  bool dd_stopped = false;  // flat under its genome's drawdown stop (cooldown running)
  bool closing = false;     // StrategySlot::closing: leaving the session, targets 0
};

// What one bar time did.
struct BarReport {
  core::TimeMs time = 0;
  std::vector<StrategyStatus> strategies{};
  SubmitReport submitted{};
  std::vector<std::string> check_reasons{};
  // One line per strategy the per-strategy breaker paused at this bar, with its figures.
  std::vector<std::string> paused{};
  // The allocation stage's lines at this bar (a rebalance: one per strategy; a clamp that binds).
  std::vector<std::string> allocation{};
  double equity = 0;  // sum over strategies
};

class AllocationStage;

class TradingLoop {
 public:
  // Throws core::UsageError for an empty slot list, a strategy without coins, shares that do not
  // sum to at most 1, or a genome that cannot stream.
  TradingLoop(std::vector<StrategySlot> slots, TradingLoopOptions options, OrderManager& orders);
  ~TradingLoop();

  void set_pre_trade_check(PreTradeCheck check);
  // The allocator between the signals and the orders (allocation_stage.hpp), before any bar; its
  // slots must be this loop's, in order. Without one the allocation is the identity.
  void set_allocation_stage(std::unique_ptr<AllocationStage> stage);
  const AllocationStage* allocation_stage() const;

  // Feeds stored history without trading (the runtimes' indicators warm up). Bars must be older
  // than any bar given to on_bar. Each leg counts as sized to the target of the last warm-up bar:
  // after a restart the position held is not traded again, and a fresh start enters at the
  // strategy's next change of target, never in the middle of a signal it did not see begin.
  void warm_up(const ClosedBar& bar);

  // One closed bar. A strategy decides once every one of its coins has the bar of that time;
  // returns the report of every bar time completed by this bar (usually zero or one).
  std::vector<BarReport> on_bar(const ClosedBar& bar);

  // After a restart, before any bar: books every journaled fill and funding payment of the
  // loop's strategies (Journal::ledger) on fresh Accounts, so that cash, positions and trades
  // continue where the killed process left them.
  void restore(const std::vector<LedgerEntry>& ledger);

  // Books the order manager's new fills on the strategies' Accounts (done by on_bar too; call it
  // between bars to keep the books current).
  void book_fills();

  // The strategies' books: BarBroker steps them under --fill bar (then the loop books no fills).
  std::vector<backtest::Account>& accounts();
  const std::vector<StrategySlot>& slots() const;
  void set_books_kept_by_broker(bool kept);

  // Every strategy's status at the last prices seen.
  std::vector<StrategyStatus> status() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace organism::exec

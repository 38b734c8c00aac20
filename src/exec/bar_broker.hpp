// The `--fill bar` broker: the backtest's own fills. It steps the trading loop's strategy Accounts
// (backtest::Account::step: fill at the next open, stops, funding, mark at the close) and reports
// each leg's unit change as a fill of the order resting for it. Used by replay (replay.hpp).
//
// Honest limits: the Account decides what fills, not the orders. An order the order manager sends
// only mirrors the decision for the journal: it rests until the next bar, whose fill (sized at the
// open, the order at the close) fills it when at least its size, else fills that much and cancels
// the rest (canceled too when the Account did not trade that leg); an intent the order manager
// drops as under $10 does not stop the Account from filling it, so bar mode never differs from the
// backtest. Lot rounding is neutralised by szDecimals 8 for every coin. A stop exit is a fill
// without an order.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "exec/broker.hpp"
#include "exec/trading_loop.hpp"

namespace organism::exec {

// One coin's bar of one time as the broker steps it, with the funding rate settled during it
// (NaN or absent: none).
struct BarBrokerBar {
  data::Bar bar{};
  double funding = std::numeric_limits<double>::quiet_NaN();
};

class BarBroker final : public Broker {
 public:
  // `funding` as the backtest (BacktestInput::funding non-empty): pass rates to Account::step.
  explicit BarBroker(bool funding);
  // The loop whose books it keeps (made after the order manager, which needs this broker first):
  // calls loop.set_books_kept_by_broker(true). Before any other call.
  void attach(TradingLoop& loop);

  // The bars of the next time, per coin, BEFORE the loop's on_bar for that time: every strategy's
  // Account steps over its coins' bars (every coin of a strategy must be present). Returns each
  // strategy's equity at the close (0 once liquidated), in slot order.
  std::vector<double> on_bars(core::TimeMs time, const std::map<std::string, BarBrokerBar>& bars);

  // Orders it canceled (whole, or the rest after a smaller fill) since the last call: the order
  // manager learns of a cancel only by a lookup (reconcile), fills come by themselves.
  int take_canceled() { return std::exchange(canceled_, 0); }

  core::TimeMs now() override { return now_; }
  const exchange::hl::AssetDirectory& assets() override { return assets_; }
  double reference_price(const std::string& coin) override;  // the last close
  std::vector<OrderOutcome> place(const std::vector<BrokerOrder>& orders) override;
  std::vector<bool> cancel(const std::vector<exchange::client::CancelCloidRef>& orders) override;
  std::optional<OrderStatusInfo> order_status(const std::string& cloid) override;
  std::vector<OrderInfo> open_orders() override;
  ClearinghouseState account() override;
  std::vector<Fill> fills_since(core::TimeMs since) override;
  std::vector<FundingPayment> funding_since(core::TimeMs since) override;

 private:
  struct KnownOrder {
    OrderInfo info{};
    std::string strategy_id{};
    std::string status{};  // "open", "filled", "canceled"
  };
  TradingLoop* loop_ = nullptr;
  bool funding_ = false;
  exchange::hl::AssetDirectory assets_{};
  core::TimeMs now_ = 0;
  std::uint64_t next_oid_ = 1, next_tid_ = 1;
  int canceled_ = 0;
  std::map<std::string, double> last_close_{};
  std::map<std::string, KnownOrder> orders_{};  // by cloid
  std::vector<Fill> fills_{};
};

}  // namespace organism::exec

// Where orders go: the exchange as the order manager sees it. Three brokers answer the same calls,
// so that one order manager, one reconciliation and one journal serve every mode:
//   LiveBroker  (live_broker.hpp): Hyperliquid (or `organism exchange-sim`) over HTTP, signed with
//               the agent key;
//   BookBroker  (book_broker.hpp): paper fills against an order book (the live one for `paper`,
//               the simulator's synthetic one for `replay --fill book`), with a latency model;
//   BarBroker   (bar_broker.hpp): `--fill bar`, the backtest's next-open fill.
// Every call may throw exchange::client::ActionOutcomeUnknown (nobody knows whether it was
// applied: the order manager looks the order up by cloid) or core::Error for a broken link; a
// refused order is an outcome, not an exception.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "exchange/client/account_types.hpp"
#include "exchange/client/exchange_client.hpp"
#include "exchange/hyperliquid/asset_ids.hpp"

namespace organism::exec {

using exchange::client::ClearinghouseState;
using exchange::client::Fill;
using exchange::client::FundingPayment;
using exchange::client::OrderInfo;
using exchange::client::OrderOutcome;
using exchange::client::OrderStatusInfo;

// One order as sent: an OrderSpec (coin, side, px, sz, tif Ioc for market or Alo for post-only,
// reduce-only, cloid always set) and, for BarBroker only, the exposure the decision asked for.
struct BrokerOrder {
  exchange::client::OrderSpec spec{};
  std::string strategy_id{};  // BarBroker: whose account fills it
  // BarBroker: the target exposure in [-1, 1] of this strategy in this coin, which the backtest's
  // Account sizes at the next open; NaN elsewhere (the size is spec.sz).
  double target_exposure = 0;
};

class Broker {
 public:
  virtual ~Broker() = default;

  // The clock: the wall clock, or the simulated one of a replay.
  virtual core::TimeMs now() = 0;
  // Lot and tick rules per coin (hl::round_size / round_price take sz_decimals from here).
  virtual const exchange::hl::AssetDirectory& assets() = 0;
  // The price a decision is sized at and a market order's collar is set around: the mid of the
  // book (live, book) or the next bar's open (bar). NaN when the coin has no price yet.
  virtual double reference_price(const std::string& coin) = 0;

  // One outcome per order, in order. An order the exchange refused is an OrderOutcome of kind
  // error with its text; the whole call throws ActionOutcomeUnknown when the reply was lost.
  virtual std::vector<OrderOutcome> place(const std::vector<BrokerOrder>& orders) = 0;
  // Cancels by cloid; per order true when canceled, false when it was no longer open.
  virtual std::vector<bool> cancel(const std::vector<exchange::client::CancelCloidRef>& orders) = 0;

  // The account as the exchange knows it, for reconciliation at start and after a reconnect.
  virtual std::optional<OrderStatusInfo> order_status(const std::string& cloid) = 0;
  virtual std::vector<OrderInfo> open_orders() = 0;
  virtual ClearinghouseState account() = 0;
  // Fills at or after `since` (ms), oldest first; the order manager drops tids it has journaled.
  virtual std::vector<Fill> fills_since(core::TimeMs since) = 0;
  virtual std::vector<FundingPayment> funding_since(core::TimeMs since) = 0;

  // Lets time pass for the broker's own work (resting orders meeting the book, latency, funding);
  // a no-op for the live broker, whose exchange does that itself.
  virtual void advance(core::TimeMs /*now*/) {}

  // The exchange's dead man's switch (scheduleCancel, PROTOCOL 5.7): every open order is
  // canceled at `at` (wall-clock ms, at least 5 s ahead) unless this is called again first;
  // nullopt clears it. A no-op for the paper brokers, whose orders die with the process.
  virtual void schedule_cancel(std::optional<core::TimeMs> /*at*/) {}
};

}  // namespace organism::exec

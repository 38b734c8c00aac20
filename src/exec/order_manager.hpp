// The order manager: turns one decision's intents into orders on a Broker, and keeps every order's
// state, the account's fills and positions in the Journal, written before anything is acted on.
//
// The rules that make a duplicate order impossible:
//  * an order's cloid is derived from its intent (order.hpp), and record_intent refuses a cloid
//    seen before: a re-made decision (after a timeout or a restart) is looked up by cloid
//    (Broker::order_status), never placed again;
//  * a place whose reply was lost (ActionOutcomeUnknown) leaves the order "sent"; it is resolved
//    only by a lookup. Not found before its deadline (sent time + OrderManagerOptions::expiry_ms,
//    the expiresAfter the live broker signs with, + expiry_margin_ms): still unknown, asked again
//    at the next poll. Not found after it: expired, as the exchange drops it unplaced, and the
//    decision still stands, so a primary order is placed again once under a new cloid (leg
//    resend), which no late copy of the first request can collide with;
//  * reconcile() runs at start and after every reconnect: every journaled open order is looked up,
//    userFills since the last journaled fill are journaled, and the exchange's open orders and
//    positions are compared with the journal (differences are reported, never papered over).
// Used by the trading loop (trading_loop.hpp) and `organism orders | positions | fills`.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "exec/broker.hpp"
#include "exec/journal.hpp"
#include "exec/order.hpp"

namespace organism::exec {

// Hyperliquid's minimum order value: $10 of notional.
inline constexpr Units kMinOrderValue = 10 * kUnitsPerCoin;

struct OrderManagerOptions {
  // A market order is an IOC limited at reference price x (1 +/- collar): the worst price taken.
  double collar = 0.01;
  // How long after it was sent an order not found by cloid may still appear (the live broker
  // signs every action with expiresAfter = sent + expiry_ms). After it, not found means expired.
  core::TimeMs expiry_ms = 30'000;
  // Added to the deadline before "not found" means expired: the exchange's expiresAfter is set
  // when the action is signed, a little after the order was journaled, and clocks differ.
  core::TimeMs expiry_margin_ms = 2'000;
  // Post-only intents rest at most this long (when the intent gives no taker_fallback_ms), then
  // are canceled and replaced by a market order for what is left (leg taker_fallback).
  core::TimeMs taker_fallback_ms = 60'000;
  // poll() asks the exchange for new fills (userFillsByTime, 20 of the 1200 REST weight a minute)
  // while an order of ours is open or unresolved and for fills_after_place_ms after a place; an
  // idle account only every idle_fill_sync_ms (a fill by hand or a liquidation shows then). At
  // every poll, a 1 s poll alone would spend the whole budget.
  core::TimeMs fills_after_place_ms = 10'000;
  core::TimeMs idle_fill_sync_ms = 30'000;
};

// A fill the journal took, with the strategy whose order it filled (empty: not an order of ours,
// e.g. a trade made by hand or a liquidation). Sizes signed: positive bought.
struct AttributedFill {
  Fill fill{};
  std::string strategy_id{};
  std::string cloid{};
};

// What submit() did with one decision's intents.
struct SubmitReport {
  std::vector<Order> placed{};           // sent now (their states after the replies)
  std::vector<Order> looked_up{};        // cloid journaled before: the exchange's state of it
  std::vector<OrderIntent> too_small{};  // under $10 (or zero) after rounding: not sent
  std::vector<std::string> refused{};    // "ETH buy 0.1: Insufficient margin ..." for the operator
};

// What reconcile() found.
struct ReconcileReport {
  int orders_checked = 0;        // journaled open orders looked up
  int orders_closed = 0;         // of those, found final (filled, canceled, rejected, expired)
  int fills_recovered = 0;       // fills journaled now that the journal had missed
  // Open on the exchange, not in the journal (placed by hand or by another program): listed, left.
  std::vector<OrderInfo> foreign_orders{};
  // Per coin, the exchange's position and the journal's account position (sum over strategies),
  // where they differ.
  std::map<std::string, std::pair<Units, Units>> position_mismatches{};
};

class OrderManager {
 public:
  OrderManager(Journal& journal, Broker& broker, OrderManagerOptions options = {});

  // Loads the journal and reconciles with the broker (see the top of this file).
  ReconcileReport reconcile();

  // One decision's intents: each size is rounded down to the coin's lot and each price to its
  // tick (market: the collar around Broker::reference_price; post-only: the intent's price, or
  // the reference when 0), an order under kMinOrderValue is dropped (too_small), the rest are
  // journaled in one batch and sent in one Broker::place. An intent whose cloid was journaled
  // before is looked up instead (looked_up). Fills in the replies are journaled (take_fills).
  SubmitReport submit(const std::vector<OrderIntent>& intents);

  // The work time brings, at Broker::now(): orders in "sent" with an unknown outcome are looked
  // up; post-only orders past their fallback time are canceled and replaced by a taker order;
  // resting orders are looked up for fills; new fills (Broker::fills_since the last journaled
  // fill) are journaled and position changes recorded (while orders are open or just placed; an
  // idle account every OrderManagerOptions::idle_fill_sync_ms).
  void poll();

  // Fills journaled since the last call, oldest first, with their strategies.
  std::vector<AttributedFill> take_fills();

  // Every open order (not final), oldest first; the account position per coin from the fills.
  std::vector<Order> open_orders() const;
  Units position(const std::string& coin) const;

  // Cancels every open order of ours (shutdown with "cancel"); returns how many were canceled.
  int cancel_all();

  Journal& journal() { return journal_; }
  Broker& broker() { return broker_; }
  const OrderManagerOptions& options() const { return options_; }

 private:
  void load_journal();
  // Rounds one intent to its coin's lot and tick (nullopt with a reason in `report` when it
  // cannot be sent: unknown coin, no price, under $10).
  std::optional<BrokerOrder> prepare(OrderIntent& intent, SubmitReport& report);
  // Journals the orders ("new" and "sent", one batch), places them in one call, journals the
  // outcomes, then the fills that came with them.
  void place_orders(std::vector<std::pair<Order, BrokerOrder>> orders, SubmitReport& report);
  // Asks the exchange about one journaled order and journals what it says; the order after.
  Order look_up(const Order& order);
  // Journals one event and keeps the order in memory (open, or dropped once final).
  Order record(const Order& order, const OrderUpdate& update);
  // The in-memory half of record(), for events journaled in a batch.
  Order remember(Order after);
  // userFills since the last journaled fill: each journaled with its order event and position
  // changes in one batch; returns how many were new.
  int sync_fills();
  void book_fill(const Fill& fill, const std::string& strategy_id);
  void fall_back_to_taker();
  // Journals an order's final event (a post-only's cancel, a primary order's expiry) with a market
  // order for what it left unfilled, under leg taker_fallback or resend, then places that; the
  // order after the event.
  Order replace_with_market(const Order& order, const OrderUpdate& final_event, OrderLeg leg);
  // A request about the order (a cancel) may or may not have been applied: journaled, looked up.
  void mark_unknown(const Order& order, const std::string& why);

  Journal& journal_;
  Broker& broker_;
  OrderManagerOptions options_;
  std::map<std::string, Order> open_;  // by cloid
  std::map<std::string, std::uint64_t> open_rank_;  // by cloid: journal order, for open_orders()
  std::uint64_t next_rank_ = 0;
  std::set<std::string> known_cloids_;
  std::map<std::string, std::string> strategy_of_;  // cloid -> strategy, of orders seen this run
  std::set<std::string> unknown_outcome_;           // cloids to look up at the next poll
  // (strategy, coin) -> its position; strategy "" is the account's.
  std::map<std::pair<std::string, std::string>, PositionChange> books_;
  std::vector<AttributedFill> new_fills_;
  core::TimeMs fills_since_ = 0;
  core::TimeMs last_fill_sync_ = -1;      // Broker::now() of the last sync_fills (-1: never)
  core::TimeMs fills_expected_until_ = 0;  // a place was made: sync at every poll until then
  std::set<std::uint64_t> tids_at_since_;  // fills at fills_since_ already journaled
};

}  // namespace organism::exec

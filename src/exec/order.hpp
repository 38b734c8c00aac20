// Orders of the trading engine: the intent a strategy's decision becomes, its deterministic client
// order id, and the one state machine every order follows. Used by the order manager, the brokers
// and the journal (src/exec/journal.hpp), which writes every transition before it is acted on.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/time.hpp"
#include "exchange/client/account_types.hpp"
#include "exchange/hyperliquid/decimal.hpp"

namespace organism::exec {

using Units = exchange::client::Units;  // exact 1e-8 of a coin or a dollar
inline constexpr Units kUnitsPerCoin = exchange::hl::kUnitsPerOne;
// An amount in exact units, rounded to the nearest (0 for a value that is not finite); back to a
// double with exchange::hl::units_to_double.
Units units_of(double value);

enum class Side { buy, sell };

// How an intent is executed: market is an IOC at a collar price (the worst price accepted);
// post_only is an ALO limit that rests as maker and, after taker_fallback_ms, is canceled and
// replaced by a market order (the taker_fallback leg, with its own cloid).
enum class ExecStyle { market, post_only };

// Which order of an intent: the first one, the taker order that replaces an unfilled post-only,
// or the order that replaces a primary one the exchange never received (found nowhere after its
// expiresAfter had passed: it can no longer appear, so a new cloid is safe).
enum class OrderLeg { primary, taker_fallback, resend };

// What one decision asks for one coin. Its identity is (strategy, coin, bar_time, sequence): the
// size and price are not part of it, so a decision re-made after a restart (with a size computed
// from a slightly different equity) maps to the same cloid and is looked up, never placed twice.
struct OrderIntent {
  std::string strategy_id{};
  std::string coin{};
  core::TimeMs bar_time = 0;   // open time of the bar at whose close the decision was made
  std::uint32_t sequence = 0;  // the intent's number within that decision
  Side side = Side::buy;
  Units size = 0;   // > 0
  Units price = 0;  // post_only: the limit; market: the collar
  ExecStyle style = ExecStyle::market;
  core::TimeMs taker_fallback_ms = 0;  // post_only only: how long to rest before going taker
  bool reduce_only = false;
  bool operator==(const OrderIntent&) const = default;
};

// "0x" + 32 lower-case hex digits: the first 16 bytes of Keccak-256 of the intent's identity and
// leg. Same identity, same cloid, in every process and on every machine.
std::string cloid_of(const OrderIntent& intent, OrderLeg leg = OrderLeg::primary);

// created is the state called "new": journaled, not yet sent.
enum class OrderState { created, sent, resting, partially_filled, filled, canceled, rejected, expired };

// What can happen to an order. unknown_outcome: a request (place or cancel) may or may not have
// been applied; the state stays and the order is looked up by cloid later. expired: the exchange
// dropped it unplaced (its expiresAfter passed) or a lookup after the deadline found no order.
enum class OrderEvent {
  sent,
  acked_resting,
  acked_filled,
  partial_fill,
  fill,
  cancel_acked,
  rejected,
  expired,
  unknown_outcome
};

inline constexpr int kOrderStateCount = 8;
inline constexpr int kOrderEventCount = 9;

std::string_view name_of(OrderState state);  // "new", "sent", "resting", "partially_filled", ...
std::string_view name_of(OrderEvent event);  // "sent", "acked_resting", ...
std::string_view name_of(Side side);         // "buy", "sell"
std::string_view name_of(ExecStyle style);   // "market", "post_only"
std::string_view name_of(OrderLeg leg);      // "primary", "taker_fallback", "resend"
// The inverses; a core::Error naming the text when it is none of the names above.
OrderState order_state_from(std::string_view name);
OrderEvent order_event_from(std::string_view name);
Side side_from(std::string_view name);
ExecStyle exec_style_from(std::string_view name);
OrderLeg order_leg_from(std::string_view name);

bool is_terminal(OrderState state);  // filled, canceled, rejected, expired

// The transition table: the state after `event`, or nullopt when the event is not allowed there.
std::optional<OrderState> transition(OrderState state, OrderEvent event);
// As transition(), but an illegal pair is a core::Error naming both ("order event 'fill' is not
// allowed in state 'canceled'").
OrderState next_state(OrderState state, OrderEvent event);

// One event with what it carries. Fill amounts: partial_fill and fill carry one fill (its size,
// price and fee); acked_filled carries the order's totals as the exchange acknowledged them.
struct OrderUpdate {
  OrderEvent event = OrderEvent::sent;
  core::TimeMs time = 0;
  std::optional<std::uint64_t> oid{};  // set when the exchange named the order
  Units fill_size = 0, fill_price = 0, fee = 0;
  std::string detail{};  // rejected, expired, unknown_outcome: the reason, for the operator
  bool operator==(const OrderUpdate&) const = default;
};

struct Order {
  OrderIntent intent{};
  OrderLeg leg = OrderLeg::primary;
  std::string cloid{};
  std::optional<std::uint64_t> oid{};
  OrderState state = OrderState::created;
  Units filled_size = 0;
  Units average_price = 0;  // of the filled size, rounded to the nearest unit
  Units fees = 0;           // paid; negative for a net rebate
  core::TimeMs created_ms = 0, updated_ms = 0;
  bool operator==(const Order&) const = default;
};

// A new order in state "new" for one leg of an intent, its cloid derived.
Order make_order(const OrderIntent& intent, OrderLeg leg, core::TimeMs now);
// The order after `update`: the next state (a core::Error, with the cloid, when not allowed),
// the oid when it was learned, fills added to the filled size, average price and fees.
Order apply(Order order, const OrderUpdate& update);

}  // namespace organism::exec

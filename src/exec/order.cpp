#include "exec/order.hpp"

#include <cmath>

#include <array>
#include <string>

#include <fmt/format.h>

#include "core/error.hpp"
#include "exchange/hyperliquid/decimal.hpp"
#include "exchange/hyperliquid/signing.hpp"

namespace organism::exec {

Units units_of(double value) { return std::isfinite(value) ? std::llround(value * static_cast<double>(kUnitsPerCoin)) : 0; }
namespace {

using S = OrderState;
using E = OrderEvent;

constexpr std::array<std::string_view, kOrderStateCount> kStateNames = {
    "new", "sent", "resting", "partially_filled", "filled", "canceled", "rejected", "expired"};
constexpr std::array<std::string_view, kOrderEventCount> kEventNames = {
    "sent", "acked_resting", "acked_filled", "partial_fill", "fill",
    "cancel_acked", "rejected", "expired", "unknown_outcome"};

struct Rule {
  S from = S::created;
  E event = E::sent;
  S to = S::created;
};

// The whole state machine; every pair not listed is illegal. Fills may arrive (user feed) before
// the placing request is acknowledged, so sent accepts fills, and a late acked_resting after a
// partial fill keeps the order partially filled. A refusal before sending (the pre-trade check,
// the $10 minimum) rejects a new order. Terminal states accept nothing: a fill reported after a
// cancel is a fill of the journal's fill table (by tid), not a change of the order's state.
constexpr std::array kRules = {
    Rule{S::created, E::sent, S::sent},
    Rule{S::created, E::rejected, S::rejected},
    Rule{S::sent, E::acked_resting, S::resting},
    Rule{S::sent, E::acked_filled, S::filled},
    Rule{S::sent, E::partial_fill, S::partially_filled},
    Rule{S::sent, E::fill, S::filled},
    Rule{S::sent, E::cancel_acked, S::canceled},
    Rule{S::sent, E::rejected, S::rejected},
    Rule{S::sent, E::expired, S::expired},
    Rule{S::sent, E::unknown_outcome, S::sent},
    Rule{S::resting, E::partial_fill, S::partially_filled},
    Rule{S::resting, E::fill, S::filled},
    Rule{S::resting, E::cancel_acked, S::canceled},
    Rule{S::resting, E::unknown_outcome, S::resting},
    Rule{S::partially_filled, E::acked_resting, S::partially_filled},
    Rule{S::partially_filled, E::acked_filled, S::filled},
    Rule{S::partially_filled, E::partial_fill, S::partially_filled},
    Rule{S::partially_filled, E::fill, S::filled},
    Rule{S::partially_filled, E::cancel_acked, S::canceled},
    Rule{S::partially_filled, E::unknown_outcome, S::partially_filled},
};

template <typename Enum, std::size_t N>
Enum from_name(const std::array<std::string_view, N>& names, std::string_view name, const char* what) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == name) return static_cast<Enum>(i);
  }
  throw core::Error(fmt::format("unknown {} '{}'", what, name));
}

// Round half away from zero of a / b, b > 0.
exchange::hl::Int128 divide_rounded(exchange::hl::Int128 a, exchange::hl::Int128 b) {
  return a >= 0 ? (a + b / 2) / b : -((-a + b / 2) / b);
}

}  // namespace

std::string_view name_of(OrderState state) { return kStateNames[static_cast<std::size_t>(state)]; }
std::string_view name_of(OrderEvent event) { return kEventNames[static_cast<std::size_t>(event)]; }
std::string_view name_of(Side side) { return side == Side::buy ? "buy" : "sell"; }
std::string_view name_of(ExecStyle style) { return style == ExecStyle::market ? "market" : "post_only"; }
std::string_view name_of(OrderLeg leg) {
  switch (leg) {
    case OrderLeg::primary: return "primary";
    case OrderLeg::taker_fallback: return "taker_fallback";
    case OrderLeg::resend: return "resend";
  }
  return "primary";
}

OrderState order_state_from(std::string_view name) { return from_name<OrderState>(kStateNames, name, "order state"); }
OrderEvent order_event_from(std::string_view name) { return from_name<OrderEvent>(kEventNames, name, "order event"); }
Side side_from(std::string_view name) {
  return from_name<Side>(std::array<std::string_view, 2>{"buy", "sell"}, name, "side");
}
ExecStyle exec_style_from(std::string_view name) {
  return from_name<ExecStyle>(std::array<std::string_view, 2>{"market", "post_only"}, name, "execution style");
}
OrderLeg order_leg_from(std::string_view name) {
  return from_name<OrderLeg>(std::array<std::string_view, 3>{"primary", "taker_fallback", "resend"}, name, "order leg");
}

bool is_terminal(OrderState state) {
  return state == S::filled || state == S::canceled || state == S::rejected || state == S::expired;
}

std::optional<OrderState> transition(OrderState state, OrderEvent event) {
  for (const Rule& rule : kRules) {
    if (rule.from == state && rule.event == event) return rule.to;
  }
  return std::nullopt;
}

OrderState next_state(OrderState state, OrderEvent event) {
  if (const auto to = transition(state, event)) return *to;
  throw core::Error(fmt::format("order event '{}' is not allowed in state '{}'{}", name_of(event), name_of(state),
                                is_terminal(state) ? " (a final state)" : ""));
}

std::string cloid_of(const OrderIntent& intent, OrderLeg leg) {
  // Length-prefixed fields: no strategy id or coin text can make two identities hash alike.
  const std::string identity =
      fmt::format("organism-cloid-v1|{}:{}|{}:{}|{}|{}|{}", intent.strategy_id.size(), intent.strategy_id,
                  intent.coin.size(), intent.coin, intent.bar_time, intent.sequence, name_of(leg));
  const exchange::hl::Bytes32 hash = exchange::hl::keccak256(identity);
  return exchange::hl::to_hex(std::span(hash.data(), 16));
}

Order make_order(const OrderIntent& intent, OrderLeg leg, core::TimeMs now) {
  Order order;
  order.intent = intent;
  order.leg = leg;
  order.cloid = cloid_of(intent, leg);
  order.created_ms = now;
  order.updated_ms = now;
  return order;
}

Order apply(Order order, const OrderUpdate& update) {
  try {
    order.state = next_state(order.state, update.event);
  } catch (const core::Error& e) {
    throw core::Error(fmt::format("order {}: {}", order.cloid, e.what()));
  }
  if (update.oid) order.oid = update.oid;
  using exchange::hl::Int128;
  if (update.event == E::partial_fill || update.event == E::fill) {
    const Units total = order.filled_size + update.fill_size;
    if (total > 0) {
      const Int128 notional = Int128(order.average_price) * order.filled_size +
                              Int128(update.fill_price) * update.fill_size;
      order.average_price = static_cast<Units>(divide_rounded(notional, total));
    }
    order.filled_size = total;
    order.fees += update.fee;
  } else if (update.event == E::acked_filled) {
    // The exchange's totals replace what fills already reported (the same fills, counted once);
    // the acknowledgement carries no fee, fees come with the fills.
    order.filled_size = update.fill_size;
    order.average_price = update.fill_price;
  }
  order.updated_ms = update.time;
  return order;
}

}  // namespace organism::exec

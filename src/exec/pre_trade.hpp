// The pre-trade checks: every order intent of a decision passes them before the order manager
// sees it; a rejected intent never reaches the broker. Each check has a reason code, counted and
// logged by the risk manager (risk_manager.hpp). Intents are checked in order against a running
// projection (the account's positions, plus what our open orders could still add, plus the
// intents allowed so far), so several strategies together never exceed a cap one of them alone
// would respect. A check that can be met by a smaller order shrinks the intent (shrunk) rather
// than drop it; what is left under the minimum order value is rejected.
// Pure computation, no I/O.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "backtest/circuit_breakers.hpp"
#include "backtest/risk_limits.hpp"
#include "exec/order.hpp"

namespace organism::exec {

enum class CheckReason {
  max_order_notional,     // size x mark above risk.max_order_notional: shrunk
  max_position_notional,  // the coin's |net| would pass risk.max_position_notional: shrunk
  asset_cap,              // the coin's |net| would pass risk.asset_cap x equity: shrunk
  gross_leverage,         // gross notional would pass risk.max_leverage x equity: shrunk
  max_open_orders,        // risk.max_open_orders orders already open: rejected
  price_collar,           // limit price further than risk.price_collar from the mark: rejected
  min_order_value,        // under risk.min_order_value (after shrinking): rejected
  reduce_only,            // REDUCING or HALTED (or the strategy paused) and the intent would
                          // increase |net|: cut to what reduces, reduce_only set, or rejected
  self_trade,             // would cross a resting order of ours on the other side: rejected
  no_mark,                // no mark price for the coin: rejected (nothing can be checked)
};
inline constexpr int kCheckReasonCount = 10;
std::string_view name_of(CheckReason reason);  // "max_order_notional", ...

// What the checks see. Positions are the account's (all strategies together), signed units.
struct PreTradeContext {
  double equity = 0;                         // account equity, USD
  std::map<std::string, double> mark{};      // coin -> mark price
  std::map<std::string, Units> position{};   // coin -> net units held
  std::vector<Order> open_orders{};          // ours, not final (resting or in flight)
  backtest::TradingState state = backtest::TradingState::active;
  // Strategies that may only reduce (paused by the per-strategy breaker).
  std::vector<std::string> reduce_only_strategies{};
};

// One intent the checks changed.
struct CheckAction {
  OrderIntent intent{};  // as it came in
  CheckReason reason = CheckReason::no_mark;
  bool rejected = false;  // false: shrunk (or made reduce-only) and sent
  Units size_after = 0;   // the size sent (0 when rejected)
  std::string detail{};   // "BTC buy 0.5 = $21000 > asset cap $1500 (15% of $10000): shrunk to 0.0357"
};

struct PreTradeResult {
  std::vector<OrderIntent> allowed{};  // in input order, possibly smaller, reduce_only where set
  std::vector<CheckAction> actions{};  // in input order
};

// Checks `intents` (one decision, or a flatten) in order; see the top of the file. Intents with
// reduce_only already set (a flatten) are only checked against no_mark, price_collar and
// self_trade, and are cut to the position they reduce.
PreTradeResult check_intents(const std::vector<OrderIntent>& intents, const PreTradeContext& context,
                             const backtest::RiskLimits& limits);

}  // namespace organism::exec

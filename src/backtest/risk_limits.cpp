// The risk.* configuration keys and the limits they hold (risk_limits.hpp).
#include "backtest/risk_limits.hpp"

#include <fmt/format.h>

#include <cmath>
#include <string>

#include "core/config.hpp"
#include "core/text.hpp"

namespace organism::backtest {

namespace {

namespace check = core::check;

// Counts: large enough for any sensible window, small enough that a typo is refused.
constexpr double kMaxCount = 1'000'000;

// The dead man's switch: off, or at least 10 s, because it is refreshed every third of its
// period and a shorter one would let a slow request (or a GC pause of the exchange) cancel
// every order of a healthy process.
constexpr double kMinDeadManSeconds = 10;

core::ConfigCheck dead_man_check() {
  std::string rule = fmt::format("0 (off) or a number >= {}", kMinDeadManSeconds);
  return check::custom(rule, [rule](const std::string& value) -> std::optional<std::string> {
    const auto v = core::parse_double(core::trim(value));
    if (v && std::isfinite(*v) && (*v == 0 || *v >= kMinDeadManSeconds)) return std::nullopt;
    return fmt::format("'{}' is not {}", value.substr(0, 40), rule);
  });
}

}  // namespace

std::vector<core::ConfigKey> risk_config_keys() {
  using core::format_number;
  const RiskLimits d;
  const auto fraction = [] { return check::number(core::closed(0, 1), "0: off"); };
  const auto non_negative = [] { return check::number(core::at_least(0), "0: off"); };
  const auto count = [](double lo, std::string_view note = "") {
    return check::whole(core::closed(lo, kMaxCount), note);
  };
  const auto whole = [](int v) { return std::to_string(v); };
  return {
      {"risk.max_drawdown", format_number(d.max_drawdown),
       "circuit breaker: HALTED (flatten, latched) when equity is this fraction below its peak",
       fraction()},
      {"risk.reduce_at", format_number(d.reduce_at),
       "REDUCING (no new exposure) when the drawdown reaches this share of risk.max_drawdown",
       fraction()},
      {"risk.hysteresis", format_number(d.hysteresis),
       "a REDUCING breaker clears only below its threshold x (1 - this)",
       check::number(core::closed_open(0, 1))},
      {"risk.daily_loss", format_number(d.daily_loss),
       "circuit breaker: HALTED when equity is this fraction below the UTC day's first equity",
       fraction()},
      {"risk.losing_streak", whole(d.losing_streak),
       "REDUCING after this many losing closed trades in a row; a winning trade clears it",
       count(0, "0: off")},
      {"risk.vol_k", format_number(d.vol_k),
       "REDUCING while a coin's realized volatility is above this x its rolling median",
       non_negative()},
      {"risk.vol_window", whole(d.vol_window),
       "bar returns in one realized volatility (sample standard deviation)", count(2)},
      {"risk.vol_median_window", whole(d.vol_median_window),
       "realized volatilities in the rolling median the volatility breaker compares with",
       count(1)},
      {"risk.stale_intervals", format_number(d.stale_intervals),
       "live: REDUCING while no bar has closed for this many bar intervals", non_negative()},
      {"risk.stale_book_seconds", format_number(d.stale_book_seconds),
       "live: REDUCING while the order book has not updated for this many seconds",
       non_negative()},
      {"risk.error_rate", format_number(d.error_rate),
       "live: REDUCING while at least this share of the last risk.error_window requests failed",
       fraction()},
      {"risk.error_window", whole(d.error_window),
       "exchange requests the error rate is taken over", count(1)},
      {"risk.asset_cap", format_number(d.asset_cap),
       "|net notional of one coin, all strategies| at most this x equity", non_negative()},
      {"risk.max_leverage", format_number(d.max_leverage),
       "gross notional (sum over coins of |net notional|) at most this x equity", non_negative()},
      {"risk.max_order_notional", format_number(d.max_order_notional),
       "pre-trade: USD notional of one order at most this", non_negative()},
      {"risk.max_position_notional", format_number(d.max_position_notional),
       "pre-trade: USD notional of one coin's position at most this", non_negative()},
      {"risk.max_open_orders", whole(d.max_open_orders),
       "pre-trade: orders of ours open at once at most this", count(0, "0: off")},
      {"risk.price_collar", format_number(d.price_collar),
       "pre-trade: a limit price at most this fraction away from the mark",
       check::number(core::closed_open(0, 1), "0: off")},
      {"risk.min_order_value", format_number(d.min_order_value),
       "pre-trade: USD value of one order at least this (Hyperliquid refuses under $10)",
       non_negative()},
      {"risk.strategy_dd_multiple", format_number(d.strategy_dd_multiple),
       "a strategy is paused when its live drawdown exceeds its validated maximum x this",
       non_negative()},
      {"risk.dead_man_seconds", format_number(d.dead_man_seconds),
       "live: the exchange cancels every open order this long after organism stops refreshing",
       dead_man_check()},
  };
}

RiskLimits risk_limits_from(const core::Config& config) {
  const auto whole = [&](std::string_view key) { return static_cast<int>(config.get_int(key)); };
  const auto number = [&](std::string_view key) { return config.get_double(key); };
  RiskLimits l;
  l.max_drawdown = number("risk.max_drawdown");
  l.reduce_at = number("risk.reduce_at");
  l.hysteresis = number("risk.hysteresis");
  l.daily_loss = number("risk.daily_loss");
  l.losing_streak = whole("risk.losing_streak");
  l.vol_k = number("risk.vol_k");
  l.vol_window = whole("risk.vol_window");
  l.vol_median_window = whole("risk.vol_median_window");
  l.stale_intervals = number("risk.stale_intervals");
  l.stale_book_seconds = number("risk.stale_book_seconds");
  l.error_rate = number("risk.error_rate");
  l.error_window = whole("risk.error_window");
  l.asset_cap = number("risk.asset_cap");
  l.max_leverage = number("risk.max_leverage");
  l.max_order_notional = number("risk.max_order_notional");
  l.max_position_notional = number("risk.max_position_notional");
  l.max_open_orders = whole("risk.max_open_orders");
  l.price_collar = number("risk.price_collar");
  l.min_order_value = number("risk.min_order_value");
  l.strategy_dd_multiple = number("risk.strategy_dd_multiple");
  l.dead_man_seconds = number("risk.dead_man_seconds");
  return l;
}

const std::vector<const char*>& live_required_risk_keys() {
  static const std::vector<const char*> keys = {"risk.max_drawdown", "risk.daily_loss",
                                                "risk.max_order_notional",
                                                "risk.max_position_notional", "risk.max_leverage"};
  return keys;
}

}  // namespace organism::backtest

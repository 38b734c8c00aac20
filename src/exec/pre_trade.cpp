#include "exec/pre_trade.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <utility>

#include "exchange/hyperliquid/decimal.hpp"

namespace organism::exec {

namespace {

using exchange::hl::format_units;
using exchange::hl::units_to_double;

constexpr std::array<std::string_view, kCheckReasonCount> kReasonNames = {
    "max_order_notional", "max_position_notional",
    "asset_cap",          "gross_leverage",
    "max_open_orders",    "price_collar",
    "min_order_value",    "reduce_only",
    "self_trade",         "no_mark"};

// Far above any size traded, far below int64's end: a cap that is off, or larger than that.
constexpr Units kNoLimit = std::numeric_limits<Units>::max() / 4;

// The whole units of a coin whose notional at `mark` is at most `usd` (0 when usd <= 0). The
// epsilon keeps a cap that is an exact number of units (0.15 x $10000 / $50000 = 0.03 BTC) from
// losing one unit to the rounding of the division.
Units units_within(double usd, double mark) {
  if (!(usd > 0)) return 0;
  const double units = usd / mark * static_cast<double>(kUnitsPerCoin);
  if (!std::isfinite(units) || units >= static_cast<double>(kNoLimit)) return kNoLimit;
  return static_cast<Units>(std::floor(units + 1e-6));
}

int sign_of(Side side) { return side == Side::buy ? 1 : -1; }

// What the account could hold in one coin, as the two extremes of what may still happen: `hi`
// assumes every buy of ours (open orders and intents allowed so far) fills and no sell does, `lo`
// the reverse. An allowed intent counts like an open order, not as filled: a reducing order that
// never fills (a post-only left resting, an IOC that finds no liquidity) must not have made room
// for another strategy's order on the other side. `held` is the position plus the intents
// allowed so far, all filled: the reduce-only cuts measure against it, so that reducing orders
// together never close more than the position (and never cross 0) even if they all fill.
struct Projection {
  Units hi = 0, lo = 0, held = 0;
  // The worst |net|: max(|hi|, |lo|), which is max(hi, -lo) since hi >= lo.
  Units exposure() const { return std::max(hi, -lo); }
  // An order that may or may not fill: only its own side's extreme moves.
  void add_order(Side side, Units size) { (side == Side::buy ? hi : lo) += sign_of(side) * size; }
  // An intent allowed now: an order like the others, and filled as far as `held` is concerned.
  void add_intent(Side side, Units size) {
    add_order(side, size);
    held += sign_of(side) * size;
  }
};

std::string usd(double value) { return fmt::format("${:.6g}", value); }
std::string percent(double fraction) { return fmt::format("{:.4g}%", fraction * 100); }

class Checker {
 public:
  Checker(const PreTradeContext& context, const backtest::RiskLimits& limits)
      : context_(context), limits_(limits) {
    for (const auto& [coin, units] : context.position) {
      auto& p = projection_[coin];
      p.hi = p.lo = p.held = units;
    }
    for (const Order& order : context.open_orders) {
      if (is_terminal(order.state)) continue;
      ++open_orders_;
      // Market orders are IOC: they take and never rest, so only post-only ones can be crossed.
      if (order.intent.style == ExecStyle::post_only) resting_.push_back(order.intent);
      const Units remaining = std::max<Units>(0, order.intent.size - order.filled_size);
      projection_[order.intent.coin].add_order(order.intent.side, remaining);
    }
  }

  void check(OrderIntent intent, PreTradeResult& result) {
    const OrderIntent before = intent;
    notes_.clear();
    reason_.reset();
    const bool ok = admit(intent);
    if (ok) {
      projection_[intent.coin].add_intent(intent.side, intent.size);
      ++allowed_;
      if (intent.style == ExecStyle::post_only) resting_.push_back(intent);
      result.allowed.push_back(intent);
    }
    if (!reason_) return;
    std::string detail;
    for (const std::string& note : notes_) detail += (detail.empty() ? "" : "; ") + note;
    result.actions.push_back({before, *reason_, !ok, ok ? intent.size : 0, std::move(detail)});
  }

 private:
  // Runs the checks in their documented order; false when the intent is rejected. `intent` is
  // left with the size (and reduce_only flag) to send.
  bool admit(OrderIntent& intent) {
    if (intent.size <= 0)
      return reject(CheckReason::min_order_value,
                    fmt::format("{}: nothing to send", label(intent)));
    const auto mark_at = context_.mark.find(intent.coin);
    if (mark_at == context_.mark.end() || !std::isfinite(mark_at->second) || !(mark_at->second > 0))
      return reject(CheckReason::no_mark, fmt::format("{}: no mark price", label(intent)));
    const double mark = mark_at->second;
    if (!collar_ok(intent, mark) || !self_trade_ok(intent, mark)) return false;
    if (intent.reduce_only) return cut_to_reduce(intent, "a reduce-only order");
    if (limits_.max_open_orders > 0 && open_orders_ + allowed_ >= limits_.max_open_orders)
      return reject(CheckReason::max_open_orders,
                    fmt::format("{}: {} orders open or allowed (limit {})", label(intent),
                                open_orders_ + allowed_, limits_.max_open_orders));
    if (const char* why = reduce_only_because(intent)) {
      if (!cut_to_reduce(intent, why)) return false;
    }
    if (!caps_ok(intent, mark)) return false;
    const double value = units_to_double(intent.size) * mark;
    if (limits_.min_order_value > 0 && value < limits_.min_order_value)
      return reject(CheckReason::min_order_value,
                    fmt::format("{} = {} < min order value {}", label(intent), usd(value),
                                usd(limits_.min_order_value)));
    return true;
  }

  bool collar_ok(const OrderIntent& intent, double mark) {
    if (intent.price <= 0 || limits_.price_collar <= 0) return true;
    const double price = units_to_double(intent.price);
    const double away = std::abs(price / mark - 1);
    if (away <= limits_.price_collar) return true;
    return reject(CheckReason::price_collar,
                  fmt::format("{} at {} is {} from the mark {} > collar {}", label(intent),
                              format_units(intent.price), percent(away), mark,
                              percent(limits_.price_collar)));
  }

  // The worst price an order could trade at: its limit, or for a market order the collar
  // around the mark (any price when the collar is off).
  double worst_price(const OrderIntent& intent, double mark) const {
    if (intent.style == ExecStyle::market) {
      if (limits_.price_collar <= 0)
        return intent.side == Side::buy ? std::numeric_limits<double>::infinity() : 0.0;
      return mark * (1 + sign_of(intent.side) * limits_.price_collar);
    }
    return intent.price > 0 ? units_to_double(intent.price) : mark;
  }

  bool self_trade_ok(const OrderIntent& intent, double mark) {
    const double price = worst_price(intent, mark);
    for (const OrderIntent& resting : resting_) {
      if (resting.coin != intent.coin || resting.side == intent.side) continue;
      const double other = worst_price(resting, mark);
      const bool crosses = intent.side == Side::buy ? price >= other : price <= other;
      if (crosses)
        return reject(
            CheckReason::self_trade,
            fmt::format("{} at up to {:.6g} would cross our resting {} at {:.6g} ({})",
                        label(intent), price, name_of(resting.side), other, resting.strategy_id));
    }
    return true;
  }

  // Why the intent may only reduce, or null when it may do anything.
  const char* reduce_only_because(const OrderIntent& intent) const {
    if (context_.state == backtest::TradingState::halted) return "HALTED";
    if (context_.state == backtest::TradingState::reducing) return "REDUCING";
    const auto& paused = context_.reduce_only_strategies;
    if (std::find(paused.begin(), paused.end(), intent.strategy_id) != paused.end())
      return "its strategy is paused";
    return nullptr;
  }

  // Keeps the part of the intent that brings the coin's held net toward 0, never across it.
  bool cut_to_reduce(OrderIntent& intent, std::string_view why) {
    const Units held = projection_[intent.coin].held;
    const Units room = sign_of(intent.side) * held < 0 ? std::abs(held) : 0;
    if (room == 0)
      return reject(CheckReason::reduce_only, fmt::format("{} while {} would not reduce the net {}",
                                                          label(intent), why, format_units(held)));
    const bool was_flagged = intent.reduce_only;
    intent.reduce_only = true;
    if (intent.size > room) {
      note(CheckReason::reduce_only, fmt::format("{} while {}: cut to {} (the net it reduces)",
                                                 label(intent), why, format_units(room)));
      intent.size = room;
    } else if (!was_flagged) {
      note(CheckReason::reduce_only,
           fmt::format("{} while {}: sent reduce-only", label(intent), why));
    }
    return true;
  }

  bool caps_ok(OrderIntent& intent, double mark) {
    const Projection& p = projection_[intent.coin];
    const Units exposure = p.exposure();
    // What the intent may add to its own side's extreme (hi for a buy, -lo for a sell), and the
    // size up to which it does not increase the worst |net| (never shrunk below that).
    const Units side_extreme = intent.side == Side::buy ? p.hi : -p.lo;
    const Units reducing = exposure - side_extreme;
    const auto within_net = [&](Units net_limit) {
      return std::max(net_limit, exposure) - side_extreme;
    };
    const auto after = [&] { return format_units(side_extreme + intent.size); };

    if (limits_.max_order_notional > 0) {
      const Units most = std::max(units_within(limits_.max_order_notional, mark), reducing);
      if (!shrink(intent, most, CheckReason::max_order_notional, [&] {
            return fmt::format("{} = {} > max order notional {}", label(intent),
                               usd(units_to_double(intent.size) * mark),
                               usd(limits_.max_order_notional));
          }))
        return false;
    }
    if (limits_.max_position_notional > 0) {
      const Units most = within_net(units_within(limits_.max_position_notional, mark));
      if (!shrink(intent, most, CheckReason::max_position_notional, [&] {
            return fmt::format("{} would take |net| to {} > max position notional {}",
                               label(intent), after(), usd(limits_.max_position_notional));
          }))
        return false;
    }
    if (context_.equity <= 0 || limits_.asset_cap > 0) {
      const double cap = context_.equity > 0 ? limits_.asset_cap * context_.equity : 0;
      const Units most = within_net(units_within(cap, mark));
      if (!shrink(intent, most, CheckReason::asset_cap, [&] {
            return fmt::format("{} would take |net| to {} > asset cap {} ({} of equity {})",
                               label(intent), after(), usd(cap), percent(limits_.asset_cap),
                               usd(context_.equity));
          }))
        return false;
    }
    if (limits_.max_leverage > 0) {
      const double gross_limit = limits_.max_leverage * context_.equity;
      const double others = gross_of_others(intent.coin);
      const Units most = within_net(units_within(gross_limit - others, mark));
      if (!shrink(intent, most, CheckReason::gross_leverage, [&] {
            return fmt::format("{} would take gross to {} > max leverage {} x equity {} = {}",
                               label(intent),
                               usd(others + units_to_double(side_extreme + intent.size) * mark),
                               limits_.max_leverage, usd(context_.equity), usd(gross_limit));
          }))
        return false;
    }
    return true;
  }

  // Sum over the other coins of their worst |net| x mark; a coin without a mark is left out (its
  // own intents are rejected with no_mark).
  double gross_of_others(const std::string& coin) const {
    double gross = 0;
    for (const auto& [other, p] : projection_) {
      const auto mark = context_.mark.find(other);
      if (other == coin || mark == context_.mark.end() || !(mark->second > 0)) continue;
      gross += units_to_double(p.exposure()) * mark->second;
    }
    return gross;
  }

  // Cuts the intent to `most` units (rejecting it when nothing is left); `describe` is called
  // before the size changes, so it can state what the intent asked for.
  template <typename Describe>
  bool shrink(OrderIntent& intent, Units most, CheckReason reason, Describe describe) {
    if (intent.size <= most) return true;
    std::string text = describe();
    if (most <= 0) return reject(reason, std::move(text));
    intent.size = most;
    note(reason, fmt::format("{}: shrunk to {}", text, format_units(most)));
    return true;
  }

  void note(CheckReason reason, std::string text) {
    reason_ = reason;
    notes_.push_back(std::move(text));
  }
  bool reject(CheckReason reason, std::string text) {
    note(reason, text + ": rejected");
    return false;
  }

  static std::string label(const OrderIntent& intent) {
    return fmt::format("{} {} {} {}", intent.strategy_id, intent.coin, name_of(intent.side),
                       format_units(intent.size));
  }

  const PreTradeContext& context_;
  const backtest::RiskLimits& limits_;
  std::map<std::string, Projection> projection_{};
  std::vector<OrderIntent>
      resting_{};  // ours: open post-only orders and post-only intents allowed now
  int open_orders_ = 0;
  int allowed_ = 0;
  std::optional<CheckReason> reason_{};  // the last check that changed the current intent
  std::vector<std::string> notes_{};
};

}  // namespace

std::string_view name_of(CheckReason reason) {
  return kReasonNames[static_cast<std::size_t>(reason)];
}

PreTradeResult check_intents(const std::vector<OrderIntent>& intents,
                             const PreTradeContext& context, const backtest::RiskLimits& limits) {
  PreTradeResult result;
  Checker checker(context, limits);
  for (const OrderIntent& intent : intents) checker.check(intent, result);
  return result;
}

}  // namespace organism::exec

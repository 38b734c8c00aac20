// The trading account as a per-bar state machine: one or several legs (Position) sharing one cash
// balance, fed one bar at a time. The backtest loop (simulator.cpp) and the paper broker use it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "backtest/models.hpp"
#include "backtest/position.hpp"
#include "backtest/trade.hpp"
#include "data/series.hpp"

namespace organism::backtest {

// The per-bar rules a run uses. The simulation loop fixes them at compile time, so that a rule
// that is off costs nothing.
struct Rules {
  bool stop_loss = false, take_profit = false, trailing = false, funding = false;
  constexpr bool stops() const { return stop_loss || take_profit || trailing; }
};

// The rules `config` turns on; funding only when rates are given (`has_funding`).
constexpr Rules rules_of(const BacktestConfig& config, bool has_funding) {
  return {config.stops.stop_loss > 0, config.stops.take_profit > 0, config.stops.trailing > 0,
          config.funding && has_funding};
}

// Calls f.template operator()<b...>() with the runtime flags as template arguments: one compiled
// variant per combination, picked once per run rather than tested per bar.
template <bool... kFlags, class F>
decltype(auto) with_flags(F&& f) {
  return std::forward<F>(f).template operator()<kFlags...>();
}
template <bool... kFlags, class F, class... Flags>
decltype(auto) with_flags(F&& f, bool first, Flags... rest) {
  if (first) return with_flags<kFlags..., true>(std::forward<F>(f), rest...);
  return with_flags<kFlags..., false>(std::forward<F>(f), rest...);
}

// A bar is processed in the fill model's order:
//   next_open: fill the targets set at the previous close at this bar's open, then check stops
//              intrabar, pay funding, mark at the close;
//   close:     check stops, pay funding, then fill the targets set at this bar's close (a leg
//              stopped on this bar ignores its target until the next), mark at the close.
// Either way the caller sets each leg's target after a close and then feeds the next bar (the
// same bar under the close model). Equity at or below 0 at a close liquidates every leg at that
// close; the account then stays empty.
class Account {
 public:
  static constexpr std::size_t kMaxLegs = 64;  // the due-legs mask is one 64-bit word

  // One leg per weight: at target 1 a leg is sized to weight x leverage x the account's equity.
  // Throws core::UsageError for a bad config, no legs, more than kMaxLegs, or a negative weight.
  Account(const BacktestConfig& config, std::span<const double> weights);

  std::size_t legs() const { return legs_.size(); }
  double cash() const { return cash_; }
  bool liquidated() const { return liquidated_; }
  FillModel fill_model() const { return fill_; }
  // Leg j's units, exposure, totals and trade book.
  const Position& position(std::size_t j) const { return legs_[j]; }

  // Cash plus every leg's units marked at `prices` (one per leg).
  double equity(std::span<const double> prices) const;

  // The target exposure in [-1, 1] (clamped) decided at a close, for leg j's next fill;
  // `rearmed` when a fresh entry signal fired (it lifts the block after a stop exit).
  // Throws core::UsageError for a non-finite target.
  void set_target(std::size_t j, double target, bool rearmed = false);

  // Feeds one bar for every leg (bars[j] is leg j's, all at the same time) with the funding rate
  // settled during it (empty: none). Returns the equity at the close, 0 once liquidated.
  // Throws core::UsageError when the counts do not match the legs.
  double step(std::span<const data::Bar> bars, std::span<const double> funding = {});

  // The same bar for the simulation loop, with the rules and the fill model (fill_model()) fixed
  // at compile time and kLegs legs (0: legs()). `bars` answers time(j), open(j), high(j), low(j),
  // close(j) and, with funding on, funding(j) for the current bar, and target(j) (clamped) and
  // rearmed(j) for the fill it makes. Not called once liquidated. Always inlined, so that a loop
  // over it compiles to the loop it replaces (one call per bar would keep the account's state out
  // of registers).
  template <Rules kRules, FillModel kFill, std::size_t kLegs, class Bars>
  [[gnu::always_inline]] double advance(Bars bars);

  // The trading loop's side of the account (src/exec/): orders are sized like resize() does, and
  // fills and funding made elsewhere (a paper book, the exchange) are booked here.
  // Leg j's units after a resize to `target` at prices[j], equity marked at `prices`.
  double desired_units(std::size_t j, double target, std::span<const double> prices) const;
  // Leg j goes to `units` at the fill's price and fee; `target` is the exposure it served.
  void apply_fill(std::size_t j, double units, double price, double fee, double target,
                  core::TimeMs time);
  // Funding paid by leg j (negative: received), as the trading loop's ledger computes it.
  void book_funding(std::size_t j, double paid);

  // Leg j's closed trades so far, and the trade still open marked at `price` (no exit costs).
  const std::vector<Trade>& closed_trades(std::size_t j) const { return legs_[j].book().closed(); }
  std::optional<Trade> open_trade(std::size_t j, double price, core::TimeMs time) const {
    return legs_[j].book().marked_open(price, time);
  }
  // The end of a backtest: appends leg j's open trade, marked at `price`, to its closed trades.
  void close_books(std::size_t j, double price, core::TimeMs time);
  // Moves leg j's trades out (for a result), and hands a buffer back in to reuse its capacity.
  std::vector<Trade> take_trades(std::size_t j) { return std::move(legs_[j].book().closed()); }
  void reuse_trade_buffer(std::size_t j, std::vector<Trade>&& buffer);

 private:
  template <std::size_t kLegs>
  std::size_t count() const {
    if constexpr (kLegs != 0) return kLegs;
    return legs_.size();
  }
  // Cash plus units marked at price_of(j), legs in order (the order the sum is taken in matters
  // for bit-identical equity).
  template <std::size_t kLegs, class PriceOf>
  double mark(PriceOf price_of) const {
    double eq = cash_;
    for (std::size_t j = 0; j < count<kLegs>(); ++j) eq += legs_[j].units() * price_of(j);
    return eq;
  }

  BacktestConfig config_;
  FillModel fill_;
  double cash_;
  bool liquidated_ = false;
  std::vector<Position> legs_;
  // The targets set_target() stores for step(); the simulation loop reads its own columns.
  struct Target {
    double want = 0;
    bool rearmed = false;
  };
  std::vector<Target> targets_;
};

template <Rules kRules, FillModel kFill, std::size_t kLegs, class Bars>
[[gnu::always_inline]] inline double Account::advance(Bars bars) {
  const std::size_t n = count<kLegs>();
  auto stops_and_funding = [&](std::size_t j) {
    bool stopped = false;
    if constexpr (kRules.stops()) {
      stopped =
          legs_[j].template check_stops<kRules.stop_loss, kRules.take_profit, kRules.trailing>(
              bars.open(j), bars.high(j), bars.low(j), bars.time(j), cash_);
    }
    if constexpr (kRules.funding) legs_[j].pay_funding(bars.funding(j), bars.close(j), cash_);
    return stopped;
  };
  // Resizes the legs in `due` at price_of(j), all sized against the equity at those prices.
  auto fill_due = [&](std::uint64_t due, auto price_of) {
    if (due == 0) return;
    const double eq = mark<kLegs>(price_of);
    for (std::size_t j = 0; j < n; ++j) {
      if (due >> j & 1) legs_[j].resize(bars.target(j), price_of(j), eq, bars.time(j), cash_);
    }
  };
  const auto open = [&](std::size_t j) { return bars.open(j); };
  const auto close = [&](std::size_t j) { return bars.close(j); };

  if constexpr (kFill == FillModel::NextOpen) {
    std::uint64_t due = 0;
    for (std::size_t j = 0; j < n; ++j) {
      if (legs_[j].pending(bars.target(j), bars.rearmed(j))) due |= std::uint64_t{1} << j;
    }
    fill_due(due, open);
    for (std::size_t j = 0; j < n; ++j) stops_and_funding(j);
  } else {
    std::uint64_t stopped = 0;  // a stop exit beats its bar's signal, as in vectorbt
    for (std::size_t j = 0; j < n; ++j) {
      if (stops_and_funding(j)) stopped |= std::uint64_t{1} << j;
    }
    std::uint64_t due = 0;
    for (std::size_t j = 0; j < n; ++j) {
      if (!(stopped >> j & 1) && legs_[j].pending(bars.target(j), bars.rearmed(j)))
        due |= std::uint64_t{1} << j;
    }
    fill_due(due, close);
  }
  if constexpr (kRules.stops()) {
    for (std::size_t j = 0; j < n; ++j) legs_[j].set_entry_close(bars.close(j));
  }
  const double eq = mark<kLegs>(close);
  if (eq <= 0) {
    // Equity gone: close everything at this close and stop trading.
    for (std::size_t j = 0; j < n; ++j) legs_[j].liquidate(bars.close(j), bars.time(j), cash_);
    liquidated_ = true;
    return 0;
  }
  return eq;
}

}  // namespace organism::backtest

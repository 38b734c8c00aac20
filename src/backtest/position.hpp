// One leg's position and the rules that move it: sizing net of costs, market fills with fee and
// slippage, intrabar stops, funding, and its trade book. Owned by backtest::Account (account.hpp).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "backtest/models.hpp"
#include "backtest/trade_book.hpp"

namespace organism::backtest {

// The cash a leg trades against belongs to its Account and is shared by every leg, so each call
// that moves cash takes it as a parameter: a Position holds no reference and stays movable.
class Position {
 public:
  Position(const BacktestConfig& c, double weight, std::vector<Trade> trade_buffer = {})
      : scale_(weight * c.leverage),
        taker_(c.fees.taker),
        slippage_(c.slippage.fraction),
        slip_on_stop_exits_(c.slippage.on_stop_exits),
        stop_loss_(c.stops.stop_loss),
        take_profit_(c.stops.take_profit),
        trailing_(c.stops.trailing),
        min_trade_(c.min_trade),
        every_bar_(c.rebalance == Rebalance::EveryBar),
        anchor_on_close_(c.stops.anchor == StopAnchor::EntryClose),
        book_(std::move(trade_buffer)) {}

  double units() const { return units_; }
  double exposure() const { return held_ * scale_; }
  double fees() const { return fees_; }
  double funding() const { return funding_; }
  std::int64_t fills() const { return fills_; }
  const TradeBook& book() const { return book_; }
  TradeBook& book() { return book_; }

  // Whether the target `want` (clamped to [-1, 1]) asks for a fill; `rearmed` when a fresh entry
  // signal fired with it. Cheap, and checked first, so that bars without a change cost no equity
  // mark.
  bool pending(double want, bool rearmed) {
    if (blocked_side_ != 0) {
      // Stopped out: stay flat while the signal keeps pointing the same way, unless re-armed.
      if (want * blocked_side_ > 0 && !rearmed) return false;
      blocked_side_ = 0;
    }
    return want != held_ || (every_bar_ && want != 0);
  }

  // When pending() is false, as a value the simulation loop keeps in registers while it runs
  // through bars that need no fill: a stop's block the target keeps pointing into (not re-armed),
  // or else the target the position holds, unless a held position is rebalanced every bar.
  struct Idle {
    double held, blocked_side;
    bool every_bar;
    bool at(double want, bool rearmed) const {
      if (blocked_side != 0) return want * blocked_side > 0 && !rearmed;
      return want == held && !(every_bar && want != 0);
    }
  };
  Idle idle() const { return {held_, blocked_side_, every_bar_}; }

  // Resizes to the clamped target `want` at raw price p, `equity` being the account's equity at
  // that moment. Rare (a target change), so kept out of the per-bar loop's code.
  [[gnu::noinline]] void resize(double want, double p, double equity, core::TimeMs time,
                                double& cash) {
    const double desired = desired_units(want, p, equity);
    if (want != 0 && std::abs(desired - units_) * p <= min_trade_) return;  // includes "nothing to do"
    const bool opening = units_ == 0 || (desired != 0 && (desired > 0) != (units_ > 0));
    fill(desired, p, time, ExitReason::Signal, true, cash);
    held_ = want;
    if (opening && desired != 0) {
      anchor_ = best_ = book_.entry_price();
      // vectorbt anchors stops at the close of the entry bar; set_entry_close() supplies it.
      pending_close_anchor_ = anchor_on_close_;
    }
  }

  // The units a resize to the clamped target `want` at raw price p would hold, `equity` being the
  // account's equity then: sized net of costs, so that notional + entry fee = want x weight x
  // leverage x equity (vectorbt's all-in buy). The trading loop sizes live orders with it too.
  double desired_units(double want, double p, double equity) const {
    if (want == 0) return 0;
    const double estimate = want * scale_ * equity / p;
    const double dir = estimate > units_ ? 1.0 : -1.0;
    return want * scale_ * equity / (p * (1 + dir * slippage_) * (1 + taker_));
  }

  // A fill made elsewhere (a paper book or the exchange): the position goes to `units` at the
  // fill's own price and fee, as the order manager reports it. `want` is the target it served.
  void apply_fill(double units, double price, double fee, double want, core::TimeMs time,
                  double& cash) {
    const bool opening = units_ == 0 || (units != 0 && (units > 0) != (units_ > 0));
    fill_at(units, price, fee, time, ExitReason::Signal, cash);
    held_ = want;
    if (opening && units != 0) anchor_ = best_ = book_.entry_price();
  }

  // Stop-loss, trailing stop and take-profit against one bar's range; true on an exit. A rule
  // that is off is compiled out (its fraction would otherwise be read as a level at the anchor).
  // Runs every bar a position is open: inlined into the loop, its exits kept out (exit()).
  template <bool kStopLoss, bool kTakeProfit, bool kTrailing>
  [[gnu::always_inline]] bool check_stops(double open, double high, double low, core::TimeMs time,
                                          double& cash) {
    if (units_ == 0) return false;
    const double side = units_ > 0 ? 1.0 : -1.0;
    // Stop level: the tighter of the stop-loss and the trailing stop.
    double stop = -side * std::numeric_limits<double>::infinity();
    ExitReason stop_reason = ExitReason::StopLoss;
    if constexpr (kStopLoss) stop = anchor_ * (1 - side * stop_loss_);
    if constexpr (kTrailing) {
      const double trail = best_ * (1 - side * trailing_);
      if (side * (trail - stop) > 0) {
        stop = trail;
        stop_reason = ExitReason::TrailingStop;
      }
    }
    const double adverse = side > 0 ? low : high;
    const double favorable = side > 0 ? high : low;
    if (side * (open - stop) <= 0) return exit(open, time, stop_reason, cash);     // gapped through
    if (side * (adverse - stop) <= 0) return exit(stop, time, stop_reason, cash);  // hit intrabar
    if constexpr (kTakeProfit) {
      const double target = anchor_ * (1 + side * take_profit_);
      if (side * (open - target) >= 0) return exit(open, time, ExitReason::TakeProfit, cash);
      if (side * (favorable - target) >= 0) return exit(target, time, ExitReason::TakeProfit, cash);
    }
    if constexpr (kTrailing) best_ = side > 0 ? std::max(best_, high) : std::min(best_, low);
    return false;
  }

  // Funding settled during the bar, on the position held through it, at the bar's close price.
  // Positive rate: longs pay (cash goes down), shorts receive.
  void pay_funding(double rate, double close, double& cash) {
    if (units_ == 0 || rate == 0) return;
    book_funding(units_ * close * rate, cash);
  }
  // A funding payment computed elsewhere (the trading loop's ledger): positive is paid.
  void book_funding(double paid, double& cash) {
    cash -= paid;
    funding_ += paid;
    book_.add_funding(paid);
  }

  void liquidate(double price, core::TimeMs time, double& cash) {
    fill(0, price, time, ExitReason::Liquidation, false, cash);
    held_ = 0;
  }

  void set_entry_close(double close) {
    if (!pending_close_anchor_) return;
    anchor_ = best_ = close;
    pending_close_anchor_ = false;
  }

 private:
  void fill(double desired, double p, core::TimeMs time, ExitReason reason, bool slip,
            double& cash) {
    const double delta = desired - units_;
    if (delta == 0) return;
    const double s = slip ? slippage_ : 0.0;
    const double price = p * (delta > 0 ? 1 + s : 1 - s);
    fill_at(desired, price, std::abs(delta) * price * taker_, time, reason, cash);
  }
  void fill_at(double desired, double price, double fee, core::TimeMs time, ExitReason reason,
               double& cash) {
    const double delta = desired - units_;
    if (delta == 0) return;
    cash -= delta * price + fee;
    book_.fill(units_, desired, price, fee, time, reason);
    units_ = desired;
    fees_ += fee;
    ++fills_;
  }

  // Rare (a stop hit), so kept out of the per-bar loop's code like resize().
  [[gnu::noinline]] bool exit(double p, core::TimeMs time, ExitReason reason, double& cash) {
    blocked_side_ = units_ > 0 ? 1.0 : -1.0;
    fill(0, p, time, reason, slip_on_stop_exits_, cash);
    held_ = 0;
    return true;
  }

  // The model, copied so that an Account owns everything it reads.
  double scale_;  // weight x leverage
  double taker_, slippage_;
  bool slip_on_stop_exits_;
  double stop_loss_, take_profit_, trailing_, min_trade_;
  bool every_bar_, anchor_on_close_;

  TradeBook book_;
  double units_ = 0;
  double held_ = 0;          // the clamped target the position was sized to
  double anchor_ = 0;        // stop anchor price
  double best_ = 0;          // best price since entry, for the trailing stop
  double blocked_side_ = 0;  // side stopped out of, until the signal lets go
  bool pending_close_anchor_ = false;
  double fees_ = 0, funding_ = 0;
  std::int64_t fills_ = 0;
};

}  // namespace organism::backtest

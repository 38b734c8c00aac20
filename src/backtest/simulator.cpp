#include "backtest/simulator.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "backtest/trade_book.hpp"
#include "core/error.hpp"

namespace organism::backtest {
namespace {

// The account and the position, advanced bar by bar. Everything a fill, a stop or a funding
// payment changes lives here so that each step reads as the rule it implements.
class Account {
 public:
  Account(const BacktestConfig& c, BacktestResult& out)
      : c_(c), out_(out), book_(out.trades), cash_(c.initial_cash) {}

  double equity_at(double price) const { return cash_ + units_ * price; }
  double units() const { return units_; }
  double cash() const { return cash_; }
  double held() const { return held_; }

  // The signal wants `want` (already clamped) at raw price p; `rearmed` when a fresh entry fired.
  void on_signal(double want, bool rearmed, double p, core::TimeMs time) {
    if (blocked_side_ != 0) {
      // Stopped out: stay flat while the signal keeps pointing the same way, unless re-armed.
      if (want * blocked_side_ > 0 && !rearmed) return;
      blocked_side_ = 0;
    }
    if (want == held_ && (c_.rebalance == Rebalance::OnChange || want == 0)) return;
    const double eq = equity_at(p);
    double desired = 0;
    if (want != 0) {
      // Sized net of costs: notional + entry fee = want x leverage x equity (vectorbt's all-in buy).
      const double estimate = want * c_.leverage * eq / p;
      const double dir = estimate > units_ ? 1.0 : -1.0;
      desired = want * c_.leverage * eq / (p * (1 + dir * c_.slippage.fraction) * (1 + c_.fees.taker));
      if (std::abs(desired - units_) * p <= c_.min_trade) return;  // includes "nothing to do"

    }
    const bool opening = units_ == 0 || (desired != 0 && (desired > 0) != (units_ > 0));
    fill(desired, p, time, ExitReason::Signal, true);
    held_ = want;
    if (opening && desired != 0) start_position();
  }

  // Stop-loss, trailing stop and take-profit against one bar's range; returns true on an exit.
  template <bool kStopLoss, bool kTakeProfit, bool kTrailing>
  bool check_stops(double open, double high, double low, core::TimeMs time) {
    if (units_ == 0) return false;
    const double side = units_ > 0 ? 1.0 : -1.0;
    const double inf = std::numeric_limits<double>::infinity();
    // Stop level: the tighter of the stop-loss and the trailing stop.
    double stop = -side * inf;
    ExitReason stop_reason = ExitReason::StopLoss;
    if constexpr (kStopLoss) stop = anchor_ * (1 - side * c_.stops.stop_loss);
    if constexpr (kTrailing) {
      const double trail = best_ * (1 - side * c_.stops.trailing);
      if (side * (trail - stop) > 0) {
        stop = trail;
        stop_reason = ExitReason::TrailingStop;
      }
    }
    const double adverse = side > 0 ? low : high;
    const double favorable = side > 0 ? high : low;
    if (side * (open - stop) <= 0) return exit(open, time, stop_reason);         // gapped through
    if (side * (adverse - stop) <= 0) return exit(stop, time, stop_reason);      // hit intrabar
    if constexpr (kTakeProfit) {
      const double target = anchor_ * (1 + side * c_.stops.take_profit);
      if (side * (open - target) >= 0) return exit(open, time, ExitReason::TakeProfit);
      if (side * (favorable - target) >= 0) return exit(target, time, ExitReason::TakeProfit);
    }
    if constexpr (kTrailing) best_ = side > 0 ? std::max(best_, high) : std::min(best_, low);
    return false;
  }

  // Funding settled during the bar, on the position held through it, at the bar's close price.
  void pay_funding(double rate, double close) {
    if (units_ == 0 || rate == 0) return;
    const double paid = units_ * close * rate;
    cash_ -= paid;
    out_.funding += paid;
    book_.add_funding(paid);
  }

  // Equity at or below zero: close at `price` and stop trading.
  bool liquidate_if_bust(double price, core::TimeMs time) {
    if (equity_at(price) > 0) return false;
    if (units_ != 0) {
      fill(0, price, time, ExitReason::Liquidation, false);
    }
    held_ = 0;
    out_.liquidated = true;
    return true;
  }

  void set_entry_close(double close) {
    if (c_.stops.anchor == StopAnchor::EntryClose && pending_close_anchor_) {
      anchor_ = best_ = close;
      pending_close_anchor_ = false;
    }
  }

  void finish(double last_close, core::TimeMs last_time) { book_.mark_open(last_close, last_time); }

 private:
  void fill(double desired, double p, core::TimeMs time, ExitReason reason, bool slip) {
    const double delta = desired - units_;
    if (delta == 0) return;
    const double s = slip ? c_.slippage.fraction : 0.0;
    const double price = p * (delta > 0 ? 1 + s : 1 - s);
    const double fee = std::abs(delta) * price * c_.fees.taker;
    cash_ -= delta * price + fee;
    book_.fill(units_, desired, price, fee, time, reason);
    units_ = desired;
    out_.fees += fee;
    ++out_.fills;
  }

  bool exit(double p, core::TimeMs time, ExitReason reason) {
    blocked_side_ = units_ > 0 ? 1.0 : -1.0;
    fill(0, p, time, reason, c_.slippage.on_stop_exits);
    held_ = 0;
    return true;
  }

  void start_position() {
    anchor_ = best_ = book_.entry_price();
    // vectorbt anchors stops at the close of the entry bar; with close fills that is the fill bar.
    pending_close_anchor_ = c_.stops.anchor == StopAnchor::EntryClose;
  }

  const BacktestConfig& c_;
  BacktestResult& out_;
  TradeBook book_;
  double cash_;
  double units_ = 0;
  double held_ = 0;          // the clamped target the position was sized to
  double anchor_ = 0;        // stop anchor price
  double best_ = 0;          // best price since entry, for the trailing stop
  double blocked_side_ = 0;  // side stopped out of, until the signal lets go
  bool pending_close_anchor_ = false;
};

double clamp_target(double v) { return std::clamp(v, -1.0, 1.0); }

template <bool kStopLoss, bool kTakeProfit, bool kTrailing, bool kFunding, bool kRecord>
void simulate(const BacktestInput& in, const BacktestConfig& c, BacktestResult& out) {
  constexpr bool kStops = kStopLoss || kTakeProfit || kTrailing;
  const auto& b = in.bars;
  const std::size_t n = b.size();
  const bool next_open = c.fill == FillModel::NextOpen;
  const bool rearm = !in.rearm.empty();
  Account acct(c, out);
  std::size_t t = 0;
  for (; t < n; ++t) {
    if (next_open) {
      if (t > 0) acct.on_signal(clamp_target(in.target[t - 1]), rearm && in.rearm[t - 1], b.open[t], b.time[t]);
      if constexpr (kStops) acct.check_stops<kStopLoss, kTakeProfit, kTrailing>(b.open[t], b.high[t], b.low[t], b.time[t]);
      if constexpr (kFunding) acct.pay_funding(in.funding[t], b.close[t]);
    } else {
      bool stopped = false;
      if constexpr (kStops) stopped = acct.check_stops<kStopLoss, kTakeProfit, kTrailing>(b.open[t], b.high[t], b.low[t], b.time[t]);
      if constexpr (kFunding) acct.pay_funding(in.funding[t], b.close[t]);
      // A stop exit takes precedence over the signal of its own bar (as in vectorbt).
      if (!stopped) acct.on_signal(clamp_target(in.target[t]), rearm && in.rearm[t], b.close[t], b.time[t]);
    }
    if constexpr (kStops) acct.set_entry_close(b.close[t]);
    const double eq = acct.equity_at(b.close[t]);
    if (eq <= 0 && acct.liquidate_if_bust(b.close[t], b.time[t])) break;
    out.equity[t] = eq;
    out.exposure[t] = acct.held() * c.leverage;
    if constexpr (kRecord) {
      out.cash[t] = acct.cash();
      out.units[t] = acct.units();
    }
  }
  // After a liquidation the account is empty for the rest of the run.
  for (; t < n; ++t) {
    out.equity[t] = 0;
    out.exposure[t] = 0;
    if constexpr (kRecord) {
      out.cash[t] = 0;
      out.units[t] = 0;
    }
  }
  if (n > 0 && !out.liquidated) acct.finish(b.close[n - 1], b.time[n - 1]);
}

using SimFn = void (*)(const BacktestInput&, const BacktestConfig&, BacktestResult&);

template <bool SL, bool TP, bool TR, bool F>
SimFn pick_record(bool record) {
  return record ? &simulate<SL, TP, TR, F, true> : &simulate<SL, TP, TR, F, false>;
}
template <bool SL, bool TP, bool TR>
SimFn pick_funding(bool funding, bool record) {
  return funding ? pick_record<SL, TP, TR, true>(record) : pick_record<SL, TP, TR, false>(record);
}
template <bool SL, bool TP>
SimFn pick_trailing(bool trailing, bool funding, bool record) {
  return trailing ? pick_funding<SL, TP, true>(funding, record) : pick_funding<SL, TP, false>(funding, record);
}

// Each rule that is off costs nothing in the loop: the variant without it is compiled separately.
SimFn pick(const BacktestConfig& c, bool funding, bool record) {
  const bool sl = c.stops.stop_loss > 0, tp = c.stops.take_profit > 0, tr = c.stops.trailing > 0;
  if (sl) {
    return tp ? pick_trailing<true, true>(tr, funding, record) : pick_trailing<true, false>(tr, funding, record);
  }
  return tp ? pick_trailing<false, true>(tr, funding, record) : pick_trailing<false, false>(tr, funding, record);
}

}  // namespace

void run_backtest(const BacktestInput& in, const BacktestConfig& config, BacktestResult& out) {
  validate(config);
  const std::size_t n = in.bars.size();
  if (in.target.size() != n) {
    throw core::UsageError(fmt::format("signal has {} values for {} bars", in.target.size(), n));
  }
  if (!in.rearm.empty() && in.rearm.size() != n) throw core::UsageError("re-arm events must have one value per bar");
  if (!in.funding.empty() && in.funding.size() != n) throw core::UsageError("funding must have one value per bar");
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(in.target[i])) {
      throw core::UsageError(fmt::format("signal value at bar {} is not finite", i));
    }
  }
  out.equity.resize(n);
  out.exposure.resize(n);
  if (in.record_positions) {
    out.cash.resize(n);
    out.units.resize(n);
  } else {
    out.cash.clear();
    out.units.clear();
  }
  out.trades.clear();
  out.fees = out.funding = 0;
  out.fills = 0;
  out.liquidated = false;
  const bool funding = config.funding && !in.funding.empty();
  pick(config, funding, in.record_positions)(in, config, out);
}

BacktestResult run_backtest(const BacktestInput& input, const BacktestConfig& config) {
  BacktestResult out;
  run_backtest(input, config, out);
  return out;
}

std::vector<double> funding_per_bar(std::span<const core::TimeMs> bar_times, core::TimeMs bar_ms,
                                    const data::FundingSeries& funding) {
  std::vector<double> per_bar(bar_times.size(), 0.0);
  std::size_t j = 0;
  for (std::size_t i = 0; i < bar_times.size(); ++i) {
    const core::TimeMs open = bar_times[i], close = open + bar_ms;
    while (j < funding.size() && funding.time[j] <= open) ++j;
    for (; j < funding.size() && funding.time[j] <= close; ++j) per_bar[i] += funding.rate[j];
  }
  return per_bar;
}

std::vector<double> signals_to_target(std::span<const std::uint8_t> entry, std::span<const std::uint8_t> exit,
                                      int side) {
  std::vector<double> target(entry.size(), 0.0);
  double state = 0;
  for (std::size_t i = 0; i < entry.size(); ++i) {
    const bool in = entry[i] != 0, out = i < exit.size() && exit[i] != 0;
    if (in && !out) state = side;
    if (out && !in) state = 0;
    target[i] = state;
  }
  return target;
}

}  // namespace organism::backtest

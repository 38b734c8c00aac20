#include "backtest/simulator.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "backtest/trade_book.hpp"
#include "core/error.hpp"

namespace organism::backtest {
namespace {

// Where the loop writes a leg's per-bar values and totals.
struct LegOut {
  std::span<double> exposure;
  std::span<double> units;  // empty unless positions are recorded
  std::vector<Trade>* trades = nullptr;
  double fees = 0, funding = 0;
  std::int64_t fills = 0;
};

// One leg's position and the rules that move it; the cash it trades against is shared.
class LegState {
 public:
  LegState(const BacktestConfig& c, double weight, double& cash, LegOut& out)
      : c_(c), scale_(weight * c.leverage), cash_(cash), out_(out), book_(*out.trades) {}

  double units() const { return units_; }
  double exposure() const { return held_ * scale_; }

  // Whether the signal `want` (clamped) asks for a fill; `rearmed` when a fresh entry fired.
  // Cheap, and checked first, so that bars without a change cost no equity mark.
  bool pending(double want, bool rearmed) {
    if (blocked_side_ != 0) {
      // Stopped out: stay flat while the signal keeps pointing the same way, unless re-armed.
      if (want * blocked_side_ > 0 && !rearmed) return false;
      blocked_side_ = 0;
    }
    return want != held_ || (c_.rebalance == Rebalance::EveryBar && want != 0);
  }

  // Resizes to `want` at raw price p, `equity` being the account's equity at that moment.
  void resize(double want, double p, double equity, core::TimeMs time) {
    double desired = 0;
    if (want != 0) {
      // Sized net of costs: notional + entry fee = want x weight x leverage x equity (vectorbt's all-in buy).
      const double estimate = want * scale_ * equity / p;
      const double dir = estimate > units_ ? 1.0 : -1.0;
      desired = want * scale_ * equity / (p * (1 + dir * c_.slippage.fraction) * (1 + c_.fees.taker));
      if (std::abs(desired - units_) * p <= c_.min_trade) return;  // includes "nothing to do"
    }
    const bool opening = units_ == 0 || (desired != 0 && (desired > 0) != (units_ > 0));
    fill(desired, p, time, ExitReason::Signal, true);
    held_ = want;
    if (opening && desired != 0) {
      anchor_ = best_ = book_.entry_price();
      // vectorbt anchors stops at the close of the entry bar; set_entry_close() supplies it.
      pending_close_anchor_ = c_.stops.anchor == StopAnchor::EntryClose;
    }
  }

  // Stop-loss, trailing stop and take-profit against one bar's range; true on an exit.
  template <bool kStopLoss, bool kTakeProfit, bool kTrailing>
  bool check_stops(double open, double high, double low, core::TimeMs time) {
    if (units_ == 0) return false;
    const double side = units_ > 0 ? 1.0 : -1.0;
    // Stop level: the tighter of the stop-loss and the trailing stop.
    double stop = -side * std::numeric_limits<double>::infinity();
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
    if (side * (open - stop) <= 0) return exit(open, time, stop_reason);     // gapped through
    if (side * (adverse - stop) <= 0) return exit(stop, time, stop_reason);  // hit intrabar
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

  void liquidate(double price, core::TimeMs time) {
    fill(0, price, time, ExitReason::Liquidation, false);
    held_ = 0;
  }

  void set_entry_close(double close) {
    if (!pending_close_anchor_) return;
    anchor_ = best_ = close;
    pending_close_anchor_ = false;
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

  const BacktestConfig& c_;
  const double scale_;  // weight x leverage
  double& cash_;        // the account's, shared by every leg
  LegOut& out_;
  TradeBook book_;
  double units_ = 0;
  double held_ = 0;          // the clamped target the position was sized to
  double anchor_ = 0;        // stop anchor price
  double best_ = 0;          // best price since entry, for the trailing stop
  double blocked_side_ = 0;  // side stopped out of, until the signal lets go
  bool pending_close_anchor_ = false;
};

double clamp_target(double v) { return std::clamp(v, -1.0, 1.0); }

struct KernelArgs {
  std::span<const Leg> legs;
  std::span<LegOut> outs;
  std::span<double> equity;
  std::span<double> exposure;  // total signed exposure; may be empty
  std::span<double> cash;      // empty unless positions are recorded
  bool liquidated = false;
};

// The one simulation loop. Each rule that is off costs nothing: the variant without it is
// compiled separately (see pick()).
template <bool kStopLoss, bool kTakeProfit, bool kTrailing, bool kFunding, bool kRecord, bool kSingle>
void simulate(const BacktestConfig& c, KernelArgs& k) {
  constexpr bool kStops = kStopLoss || kTakeProfit || kTrailing;
  // A single coin is the common case (every fitness evaluation): a leg count known at compile
  // time lets the compiler drop the per-leg loops.
  const std::size_t n = k.equity.size(), legs = kSingle ? 1 : k.legs.size();
  const bool next_open = c.fill == FillModel::NextOpen;
  double cash = c.initial_cash;
  // At most a handful of legs: a small vector, built once per run.
  std::vector<LegState> state;
  state.reserve(legs);
  for (std::size_t j = 0; j < legs; ++j) state.emplace_back(c, k.legs[j].weight, cash, k.outs[j]);
  auto mark = [&](auto price_of) {
    double eq = cash;
    for (std::size_t j = 0; j < legs; ++j) eq += state[j].units() * price_of(k.legs[j].input.bars);
    return eq;
  };
  auto signal = [&](std::size_t j, std::size_t at) {
    const auto& in = k.legs[j].input;
    return std::pair{clamp_target(in.target[at]), !in.rearm.empty() && in.rearm[at] != 0};
  };

  std::size_t t = 0;
  for (; t < n; ++t) {
    if (next_open) {
      if (t > 0) {
        std::uint64_t due = 0;
        for (std::size_t j = 0; j < legs; ++j) {
          const auto [want, rearmed] = signal(j, t - 1);
          if (state[j].pending(want, rearmed)) due |= std::uint64_t{1} << j;
        }
        if (due != 0) {
          const double eq = mark([&](const data::CandleView& b) { return b.open[t]; });
          for (std::size_t j = 0; j < legs; ++j) {
            if (due >> j & 1) state[j].resize(signal(j, t - 1).first, k.legs[j].input.bars.open[t], eq, k.legs[j].input.bars.time[t]);
          }
        }
      }
      for (std::size_t j = 0; j < legs; ++j) {
        const auto& b = k.legs[j].input.bars;
        if constexpr (kStops) state[j].template check_stops<kStopLoss, kTakeProfit, kTrailing>(b.open[t], b.high[t], b.low[t], b.time[t]);
        if constexpr (kFunding) state[j].pay_funding(k.legs[j].input.funding[t], b.close[t]);
      }
    } else {
      std::uint64_t stopped = 0;  // legs stopped this bar (a stop exit beats its bar's signal, as in vectorbt)
      for (std::size_t j = 0; j < legs; ++j) {
        const auto& b = k.legs[j].input.bars;
        if constexpr (kStops) {
          if (state[j].template check_stops<kStopLoss, kTakeProfit, kTrailing>(b.open[t], b.high[t], b.low[t], b.time[t])) {
            stopped |= std::uint64_t{1} << j;
          }
        }
        if constexpr (kFunding) state[j].pay_funding(k.legs[j].input.funding[t], b.close[t]);
      }
      std::uint64_t due = 0;
      for (std::size_t j = 0; j < legs; ++j) {
        const auto [want, rearmed] = signal(j, t);
        if (!(stopped >> j & 1) && state[j].pending(want, rearmed)) due |= std::uint64_t{1} << j;
      }
      if (due != 0) {
        const double eq = mark([&](const data::CandleView& b) { return b.close[t]; });
        for (std::size_t j = 0; j < legs; ++j) {
          if (due >> j & 1) state[j].resize(signal(j, t).first, k.legs[j].input.bars.close[t], eq, k.legs[j].input.bars.time[t]);
        }
      }
    }
    if constexpr (kStops) {
      for (std::size_t j = 0; j < legs; ++j) state[j].set_entry_close(k.legs[j].input.bars.close[t]);
    }
    const double eq = mark([&](const data::CandleView& b) { return b.close[t]; });
    if (eq <= 0) {
      // Equity gone: close everything at this close and stop trading.
      for (std::size_t j = 0; j < legs; ++j) {
        state[j].liquidate(k.legs[j].input.bars.close[t], k.legs[j].input.bars.time[t]);
      }
      k.liquidated = true;
      break;
    }
    k.equity[t] = eq;
    double total = 0;
    for (std::size_t j = 0; j < legs; ++j) {
      const double x = state[j].exposure();
      k.outs[j].exposure[t] = x;
      total += x;
      if constexpr (kRecord) k.outs[j].units[t] = state[j].units();
    }
    if (!k.exposure.empty()) k.exposure[t] = total;
    if constexpr (kRecord) k.cash[t] = cash;
  }
  // After a liquidation the account is empty for the rest of the run.
  for (; t < n; ++t) {
    k.equity[t] = 0;
    if (!k.exposure.empty()) k.exposure[t] = 0;
    for (auto& o : k.outs) {
      o.exposure[t] = 0;
      if constexpr (kRecord) o.units[t] = 0;
    }
    if constexpr (kRecord) k.cash[t] = 0;
  }
  if (n > 0 && !k.liquidated) {
    for (std::size_t j = 0; j < legs; ++j) state[j].finish(k.legs[j].input.bars.close[n - 1], k.legs[j].input.bars.time[n - 1]);
  }
}

using SimFn = void (*)(const BacktestConfig&, KernelArgs&);

template <bool SL, bool TP, bool TR, bool F, bool R>
SimFn pick_single(bool single) {
  return single ? &simulate<SL, TP, TR, F, R, true> : &simulate<SL, TP, TR, F, R, false>;
}
template <bool SL, bool TP, bool TR, bool F>
SimFn pick_record(bool record, bool single) {
  return record ? pick_single<SL, TP, TR, F, true>(single) : pick_single<SL, TP, TR, F, false>(single);
}
template <bool SL, bool TP, bool TR>
SimFn pick_funding(bool funding, bool record, bool single) {
  return funding ? pick_record<SL, TP, TR, true>(record, single) : pick_record<SL, TP, TR, false>(record, single);
}
template <bool SL, bool TP>
SimFn pick_trailing(bool trailing, bool funding, bool record, bool single) {
  return trailing ? pick_funding<SL, TP, true>(funding, record, single) : pick_funding<SL, TP, false>(funding, record, single);
}
SimFn pick(const BacktestConfig& c, bool funding, bool record, bool single) {
  const bool sl = c.stops.stop_loss > 0, tp = c.stops.take_profit > 0, tr = c.stops.trailing > 0;
  if (sl) {
    return tp ? pick_trailing<true, true>(tr, funding, record, single) : pick_trailing<true, false>(tr, funding, record, single);
  }
  return tp ? pick_trailing<false, true>(tr, funding, record, single) : pick_trailing<false, false>(tr, funding, record, single);
}

// Checks one leg's input once, before the loop.
void check_input(const BacktestInput& in, std::string_view name) {
  const std::size_t n = in.bars.size();
  if (in.target.size() != n) {
    throw core::UsageError(fmt::format("{}signal has {} values for {} bars", name, in.target.size(), n));
  }
  if (!in.rearm.empty() && in.rearm.size() != n) throw core::UsageError(fmt::format("{}re-arm events must have one value per bar", name));
  if (!in.funding.empty() && in.funding.size() != n) throw core::UsageError(fmt::format("{}funding must have one value per bar", name));
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(in.target[i])) throw core::UsageError(fmt::format("{}signal value at bar {} is not finite", name, i));
  }
}

}  // namespace

void run_backtest(const BacktestInput& in, const BacktestConfig& config, BacktestResult& out) {
  validate(config);
  check_input(in, "");
  const std::size_t n = in.bars.size();
  out.equity.resize(n);
  out.exposure.resize(n);
  out.cash.resize(in.record_positions ? n : 0);
  out.units.resize(in.record_positions ? n : 0);
  out.trades.clear();
  const Leg leg{std::string(), in, 1.0};
  LegOut leg_out{out.exposure, out.units, &out.trades};
  KernelArgs k{{&leg, 1}, {&leg_out, 1}, out.equity, {}, out.cash};
  const bool funding = config.funding && !in.funding.empty();
  pick(config, funding, in.record_positions, true)(config, k);
  out.fees = leg_out.fees;
  out.funding = leg_out.funding;
  out.fills = leg_out.fills;
  out.liquidated = k.liquidated;
}

BacktestResult run_backtest(const BacktestInput& input, const BacktestConfig& config) {
  BacktestResult out;
  run_backtest(input, config, out);
  return out;
}

PortfolioResult run_portfolio(std::span<const Leg> legs, const BacktestConfig& config) {
  validate(config);
  if (legs.empty()) throw core::UsageError("a portfolio needs at least one leg");
  if (legs.size() > 64) throw core::UsageError("a portfolio has at most 64 legs");
  const auto times = legs[0].input.bars.time;
  bool funding = false;
  for (const auto& leg : legs) {
    check_input(leg.input, leg.name + ": ");
    if (!std::isfinite(leg.weight) || leg.weight < 0) throw core::UsageError(fmt::format("{}: weight must be >= 0", leg.name));
    if (!std::equal(times.begin(), times.end(), leg.input.bars.time.begin(), leg.input.bars.time.end())) {
      throw core::UsageError(fmt::format("{}: bar times differ from {}'s; portfolio legs must share one time axis", leg.name, legs[0].name));
    }
    funding = funding || (config.funding && !leg.input.funding.empty());
  }
  // Legs without funding data pay none: give them zeros so one loop serves all.
  std::vector<std::vector<double>> zero_funding;
  std::vector<Leg> effective(legs.begin(), legs.end());
  if (funding) {
    for (auto& leg : effective) {
      if (leg.input.funding.empty()) {
        zero_funding.emplace_back(times.size(), 0.0);
        leg.input.funding = zero_funding.back();
      }
    }
  }
  PortfolioResult out;
  const std::size_t n = times.size();
  out.equity.resize(n);
  out.exposure.resize(n);
  out.legs.resize(legs.size());
  std::vector<LegOut> outs(legs.size());
  for (std::size_t j = 0; j < legs.size(); ++j) {
    out.legs[j].name = legs[j].name;
    out.legs[j].exposure.resize(n);
    outs[j].exposure = out.legs[j].exposure;
    outs[j].trades = &out.legs[j].trades;
  }
  KernelArgs k{effective, outs, out.equity, out.exposure, {}};
  pick(config, funding, false, effective.size() == 1)(config, k);
  out.liquidated = k.liquidated;
  for (std::size_t j = 0; j < legs.size(); ++j) {
    auto& leg = out.legs[j];
    leg.fees = outs[j].fees;
    leg.funding = outs[j].funding;
    leg.fills = outs[j].fills;
    for (const auto& t : leg.trades) leg.pnl += t.pnl;
    out.fees += leg.fees;
    out.funding += leg.funding;
    out.fills += leg.fills;
  }
  return out;
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

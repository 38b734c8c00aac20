#include "backtest/simulator.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "backtest/account.hpp"
#include "core/error.hpp"

namespace organism::backtest {
namespace {

// One bar of every leg, read from the legs' columns at bar t, with the target decided at bar
// t - kLag's close (lag 1 under next_open, 0 under close): what Account::advance reads.
template <std::size_t kLag>
struct ColumnBars {
  std::span<const Leg> legs;
  std::size_t t = 0;
  core::TimeMs time(std::size_t j) const { return legs[j].input.bars.time[t]; }
  double open(std::size_t j) const { return legs[j].input.bars.open[t]; }
  double high(std::size_t j) const { return legs[j].input.bars.high[t]; }
  double low(std::size_t j) const { return legs[j].input.bars.low[t]; }
  double close(std::size_t j) const { return legs[j].input.bars.close[t]; }
  double funding(std::size_t j) const { return legs[j].input.funding[t]; }
  double target(std::size_t j) const { return std::clamp(legs[j].input.target[t - kLag], -1.0, 1.0); }
  bool rearmed(std::size_t j) const { return !legs[j].input.rearm.empty() && legs[j].input.rearm[t - kLag] != 0; }
};

// Under next_open, the first bar: no decision has been taken before it.
struct FirstBar : ColumnBars<0> {
  double target(std::size_t) const { return 0; }
  bool rearmed(std::size_t) const { return false; }
};

// The bars with every target 0 while the drawdown stop holds the strategy flat (`flat` is the
// stop's verdict at the last close: under next_open the decision of that close, filled at this
// open; under close, one bar later than the close it fired at).
template <std::size_t kLag>
struct StoppableBars : ColumnBars<kLag> {
  bool flat = false;
  double target(std::size_t j) const { return flat ? 0.0 : ColumnBars<kLag>::target(j); }
};

// Where the loop writes each bar's values.
struct Outputs {
  std::span<double> equity;
  std::span<double> exposure;  // total signed exposure; may be empty
  std::span<double> cash;      // empty unless positions are recorded
  std::span<const std::span<double>> leg_exposure;
  std::span<const std::span<double>> leg_units;  // empty unless positions are recorded
};

// The simulation: a loop over an Account. A single coin is the common case (every fitness
// evaluation): a leg count known at compile time lets the compiler drop the per-leg loops.
// With kDrawdownStop the account's equity at each close feeds a DrawdownStop whose verdict zeroes
// the targets; without it that code is not compiled in.
template <Rules kRules, FillModel kFill, bool kRecord, bool kSingle, bool kDrawdownStop>
[[gnu::noinline]] void simulate(std::span<const Leg> legs, Account& account, Outputs o, DrawdownStopRule rule) {
  constexpr std::size_t kLegs = kSingle ? 1 : 0;
  const std::size_t n = o.equity.size(), count = kSingle ? 1 : legs.size();
  // Under next_open the target decided at bar t-1's close fills at bar t; under close, at bar t.
  constexpr std::size_t kLag = kFill == FillModel::NextOpen ? 1 : 0;
  // Advances bar t and writes its values; false once the account is liquidated (the only way
  // advance() returns an equity <= 0).
  DrawdownStop stop(rule);
  bool flat = false;
  auto bar = [&account, &o, count, &stop, &flat](std::size_t t, auto source) {
    const double eq = account.template advance<kRules, kFill, kLegs>(source);
    if (eq <= 0) return false;
    if constexpr (kDrawdownStop) flat = stop.flat_after(eq);
    o.equity[t] = eq;
    double total = 0;
    for (std::size_t j = 0; j < count; ++j) {
      const double x = account.position(j).exposure();
      o.leg_exposure[j][t] = x;
      total += x;
      if constexpr (kRecord) o.leg_units[j][t] = account.position(j).units();
    }
    if (!o.exposure.empty()) o.exposure[t] = total;
    if constexpr (kRecord) o.cash[t] = account.cash();
    return true;
  };
  // Bars on which a single leg holds its position (no fill due, and no stop or funding to apply:
  // the rules have none, or the leg is flat): the equity is cash + units x close (as
  // Account::mark takes it) and the exposure is unchanged, so they are written from registers
  // until a bar that asks for a fill or whose equity is not above 0, which advance() then takes
  // as usual. Returns the first bar not written. A drawdown stop sees every bar: not held.
  constexpr bool kHolding = kSingle && !kDrawdownStop;
  const auto hold = [&account, &o, &legs](std::size_t from, std::size_t to) {
    const auto& position = account.position(0);
    const double units = position.units();
    if (kRules.stops() || kRules.funding) {
      if (units != 0) return from;
    }
    const Position::Idle idle = position.idle();
    const double cash = account.cash(), x = position.exposure();
    const double total = 0.0 + x;  // the legs' sum as bar() takes it (0 + -0 is +0)
    const auto& in = legs[0].input;
    const double* const close = in.bars.close.data();
    const double* const target = in.target.data();
    const std::uint8_t* const rearm = in.rearm.empty() ? nullptr : in.rearm.data();
    // Local pointers: a store through o's spans could otherwise alias them, reloaded every bar.
    double* const equity = o.equity.data();
    double* const exposure = o.leg_exposure[0].data();
    double* const total_exposure = o.exposure.empty() ? nullptr : o.exposure.data();
    std::size_t t = from;
    for (; t < to; ++t) {
      const bool rearmed = rearm != nullptr && rearm[t - kLag] != 0;
      // std::clamp's value for a finite target, without its branches (only compared here).
      const double want = std::min(std::max(target[t - kLag], -1.0), 1.0);
      if (!idle.at(want, rearmed)) break;
      const double eq = cash + units * close[t];
      if (!(eq > 0)) break;
      equity[t] = eq;
      exposure[t] = x;
      if (total_exposure != nullptr) total_exposure[t] = total;
      if constexpr (kRecord) {
        o.leg_units[0][t] = units;
        o.cash[t] = cash;
      }
    }
    return t;
  };
  std::size_t t = 0;
  bool alive = true;
  // Under next_open nothing has been decided before the first bar: target 0 fills nothing.
  if (kLag == 1 && n > 0) {
    alive = bar(0, FirstBar{{legs, 0}});
    if (alive) t = 1;
  }
  if (alive) {
    for (; t < n; ++t) {
      if constexpr (kHolding) {
        t = hold(t, n);
        if (t == n) break;
      }
      if constexpr (kDrawdownStop) {
        if (!bar(t, StoppableBars<kLag>{{legs, t}, flat})) break;
      } else {
        if (!bar(t, ColumnBars<kLag>{legs, t})) break;
      }
    }
  }
  // After a liquidation the account is empty for the rest of the run.
  for (; t < n; ++t) {
    o.equity[t] = 0;
    if (!o.exposure.empty()) o.exposure[t] = 0;
    for (std::size_t j = 0; j < count; ++j) {
      o.leg_exposure[j][t] = 0;
      if constexpr (kRecord) o.leg_units[j][t] = 0;
    }
    if constexpr (kRecord) o.cash[t] = 0;
  }
  if (n > 0 && !account.liquidated()) {
    for (std::size_t j = 0; j < count; ++j) account.close_books(j, legs[j].input.bars.close[n - 1], legs[j].input.bars.time[n - 1]);
  }
}

// Picks the compiled variant for the run's rules once, then runs it.
void run(std::span<const Leg> legs, Account& account, const Outputs& o, Rules r, bool record, DrawdownStopRule dd) {
  with_flags(
      [&]<bool kStopLoss, bool kTakeProfit, bool kTrailing, bool kFunding, bool kNextOpen, bool kRecord, bool kSingle,
          bool kDrawdownStop>() {
        constexpr Rules kRules{kStopLoss, kTakeProfit, kTrailing, kFunding};
        constexpr FillModel kFill = kNextOpen ? FillModel::NextOpen : FillModel::Close;
        simulate<kRules, kFill, kRecord, kSingle, kDrawdownStop>(legs, account, o, dd);
      },
      r.stop_loss, r.take_profit, r.trailing, r.funding, account.fill_model() == FillModel::NextOpen, record,
      legs.size() == 1, dd.on());
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
  constexpr double kWeight = 1;
  Account account(config, {&kWeight, 1});
  check_input(in, "");
  const std::size_t n = in.bars.size();
  out.equity.resize(n);
  out.exposure.resize(n);
  out.cash.resize(in.record_positions ? n : 0);
  out.units.resize(in.record_positions ? n : 0);
  account.reuse_trade_buffer(0, std::move(out.trades));
  const Leg leg{std::string(), in, 1.0};
  const std::span<double> exposure(out.exposure), units(out.units);
  run({&leg, 1}, account, {out.equity, {}, out.cash, {&exposure, 1}, {&units, 1}},
      rules_of(config, !in.funding.empty()), in.record_positions, config.drawdown_stop);
  const auto& position = account.position(0);
  out.trades = account.take_trades(0);
  out.fees = position.fees();
  out.funding = position.funding();
  out.fills = position.fills();
  out.liquidated = account.liquidated();
}

BacktestResult run_backtest(const BacktestInput& input, const BacktestConfig& config) {
  BacktestResult out;
  run_backtest(input, config, out);
  return out;
}

PortfolioResult run_portfolio(std::span<const Leg> legs, const BacktestConfig& config) {
  check_config(config);
  if (legs.empty()) throw core::UsageError("a portfolio needs at least one leg");
  if (legs.size() > Account::kMaxLegs) throw core::UsageError(fmt::format("a portfolio has at most {} legs", Account::kMaxLegs));
  const auto times = legs[0].input.bars.time;
  bool funding = false;
  std::vector<double> weights;
  for (const auto& leg : legs) {
    check_input(leg.input, leg.name + ": ");
    if (!std::isfinite(leg.weight) || leg.weight < 0) throw core::UsageError(fmt::format("{}: weight must be >= 0", leg.name));
    if (!std::equal(times.begin(), times.end(), leg.input.bars.time.begin(), leg.input.bars.time.end())) {
      throw core::UsageError(fmt::format("{}: bar times differ from {}'s; portfolio legs must share one time axis", leg.name, legs[0].name));
    }
    funding = funding || (config.funding && !leg.input.funding.empty());
    weights.push_back(leg.weight);
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
  Account account(config, weights);
  PortfolioResult out;
  const std::size_t n = times.size();
  out.equity.resize(n);
  out.exposure.resize(n);
  out.legs.resize(legs.size());
  std::vector<std::span<double>> exposure(legs.size());
  for (std::size_t j = 0; j < legs.size(); ++j) {
    out.legs[j].name = legs[j].name;
    out.legs[j].exposure.resize(n);
    exposure[j] = out.legs[j].exposure;
  }
  run(effective, account, {out.equity, out.exposure, {}, exposure, {}}, rules_of(config, funding), false, config.drawdown_stop);
  out.liquidated = account.liquidated();
  collect_legs(account, out);
  return out;
}

void collect_legs(Account& account, PortfolioResult& out) {
  for (std::size_t j = 0; j < out.legs.size(); ++j) {
    auto& leg = out.legs[j];
    const auto& position = account.position(j);
    leg.trades = account.take_trades(j);
    leg.fees = position.fees();
    leg.funding = position.funding();
    leg.fills = position.fills();
    for (const auto& t : leg.trades) leg.pnl += t.pnl;
    out.fees += leg.fees;
    out.funding += leg.funding;
    out.fills += leg.fills;
  }
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

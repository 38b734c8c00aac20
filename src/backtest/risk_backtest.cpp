// The backtest under the risk manager's limits (risk_backtest.hpp).
#include "backtest/risk_backtest.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "backtest/account.hpp"
#include "core/error.hpp"

namespace organism::backtest {

namespace {

// The bars' spacing: the smallest step between consecutive open times (a gap in the data is a
// longer step, never a shorter one); 0 for a single bar.
core::TimeMs bar_interval(std::span<const core::TimeMs> time) {
  core::TimeMs step = std::numeric_limits<core::TimeMs>::max();
  for (std::size_t t = 1; t < time.size(); ++t) step = std::min(step, time[t] - time[t - 1]);
  return time.size() < 2 ? 0 : step;
}

// What run_portfolio refuses, refused here too (before any bar is read).
void check_legs(std::span<const Leg> legs, std::span<const std::size_t> coin_of_leg) {
  if (legs.empty()) throw core::UsageError("a portfolio needs at least one leg");
  if (!coin_of_leg.empty() && coin_of_leg.size() != legs.size()) {
    throw core::UsageError(
        fmt::format("{} coin indices for {} legs", coin_of_leg.size(), legs.size()));
  }
  const auto times = legs[0].input.bars.time;
  for (const auto& leg : legs) {
    const auto& in = leg.input;
    const std::size_t n = in.bars.size();
    if (in.target.size() != n) {
      throw core::UsageError(
          fmt::format("{}: signal has {} values for {} bars", leg.name, in.target.size(), n));
    }
    if ((!in.rearm.empty() && in.rearm.size() != n) ||
        (!in.funding.empty() && in.funding.size() != n)) {
      throw core::UsageError(
          fmt::format("{}: re-arm events and funding must have one value per bar", leg.name));
    }
    if (!std::equal(times.begin(), times.end(), in.bars.time.begin(), in.bars.time.end())) {
      throw core::UsageError(
          fmt::format("{}: bar times differ from {}'s; portfolio legs must share one time axis",
                      leg.name, legs[0].name));
    }
  }
}

// The per-bar target rules: the breakers' state, then the per-coin cap, then the gross cap.
class TargetCaps {
 public:
  TargetCaps(std::span<const Leg> legs, std::span<const std::size_t> coin_of_leg,
             const RiskLimits& limits, double leverage)
      : limits_(limits), coin_(legs.size()), scale_(legs.size()), last_(legs.size(), 0.0) {
    for (std::size_t j = 0; j < legs.size(); ++j) {
      coin_[j] = coin_of_leg.empty() ? j : coin_of_leg[j];
      coins_ = std::max(coins_, coin_[j] + 1);
      scale_[j] = legs[j].weight * leverage;
    }
  }

  std::size_t coins() const { return coins_; }
  std::size_t coin(std::size_t j) const { return coin_[j]; }

  // The targets `want` (clamped to [-1, 1] by the caller's rules) become what may be set, given
  // the state and each leg's exposure held; returns how many legs a cap cut.
  std::int64_t apply(std::vector<double>& want, TradingState state, const Account& account) {
    const std::size_t n = want.size();
    for (std::size_t j = 0; j < n; ++j) {
      if (state == TradingState::halted) want[j] = 0;
      if (state == TradingState::reducing) want[j] = reduced(j, want[j], account);
    }
    std::vector<bool> cut(n, false);
    // Per coin: legs of one coin are summed; the legs are scaled down together.
    std::vector<double> net(coins_, 0.0);
    for (std::size_t j = 0; j < n; ++j) net[coin_[j]] += want[j] * scale_[j];
    if (limits_.asset_cap > 0) {
      for (std::size_t j = 0; j < n; ++j) {
        const double x = std::abs(net[coin_[j]]);
        if (x > limits_.asset_cap && want[j] != 0) {
          want[j] *= limits_.asset_cap / x;
          cut[j] = true;
        }
      }
      for (auto& x : net) x = std::clamp(x, -limits_.asset_cap, limits_.asset_cap);
    }
    double gross = 0;
    for (double x : net) gross += std::abs(x);
    if (limits_.max_leverage > 0 && gross > limits_.max_leverage) {
      for (std::size_t j = 0; j < n; ++j) {
        if (want[j] == 0) continue;
        want[j] *= limits_.max_leverage / gross;
        cut[j] = true;
      }
    }
    for (std::size_t j = 0; j < n; ++j) last_[j] = want[j];
    return std::count(cut.begin(), cut.end(), true);
  }

 private:
  // REDUCING: no larger than the target held and never of the other sign. The target held is
  // the last one set when the position still carries it (exactly, so that an unchanged target
  // asks for no fill), else read back from the exposure (after a stop exit, say).
  double reduced(std::size_t j, double want, const Account& account) const {
    const double x = account.position(j).exposure();
    double held = 0;
    if (last_[j] * scale_[j] == x) {
      held = last_[j];
    } else if (scale_[j] > 0) {
      held = x / scale_[j];
    }
    if (want * held <= 0) return 0;
    return std::abs(want) > std::abs(held) ? held : want;
  }

  RiskLimits limits_;
  std::vector<std::size_t> coin_;
  std::vector<double> scale_;  // weight x leverage: exposure per unit of target
  std::vector<double> last_;   // the target last set per leg
  std::size_t coins_ = 0;
};

}  // namespace

RiskBacktestResult run_portfolio_with_risk(std::span<const Leg> legs, const BacktestConfig& config,
                                           const RiskLimits& limits,
                                           std::span<const std::size_t> coin_of_leg) {
  check_config(config);
  check_legs(legs, coin_of_leg);
  std::vector<double> weights;
  bool funding = false;
  for (const auto& leg : legs) {
    weights.push_back(leg.weight);
    funding = funding || (config.funding && !leg.input.funding.empty());
  }
  Account account(config, weights);  // checks the weights and the number of legs
  const std::size_t m = legs.size(), n = legs[0].input.bars.size();
  const auto times = legs[0].input.bars.time;
  // A bar's close is the next bar's open: the breakers observe bar t at time[t] + interval, as
  // the live engine sees a bar when it closes (and a UTC day's loss counts the bar closing at
  // midnight in the day it closed in).
  const core::TimeMs interval = bar_interval(times);
  TargetCaps caps(legs, coin_of_leg, limits, config.leverage);
  CircuitBreakers breakers(limits, caps.coins());
  const bool next_open = config.fill == FillModel::NextOpen;

  RiskBacktestResult out;
  auto& r = out.portfolio;
  r.equity.assign(n, 0.0);
  r.exposure.assign(n, 0.0);
  r.legs.resize(m);
  for (std::size_t j = 0; j < m; ++j) {
    r.legs[j].name = legs[j].name;
    r.legs[j].exposure.assign(n, 0.0);
  }

  std::vector<data::Bar> bars(m);
  std::vector<double> rates(funding ? m : 0, 0.0), want(m);
  std::vector<std::size_t> closed(m, 0);  // trades per leg already fed to the breakers
  // Sets the targets of bar t's decision, under the state the breakers are in.
  auto decide = [&](std::size_t t) {
    for (std::size_t j = 0; j < m; ++j) want[j] = std::clamp(legs[j].input.target[t], -1.0, 1.0);
    out.targets_capped += caps.apply(want, breakers.state(), account);
    for (std::size_t j = 0; j < m; ++j) {
      const auto& rearm = legs[j].input.rearm;
      account.set_target(j, want[j], !rearm.empty() && rearm[t] != 0);
    }
  };
  auto record = [&](std::vector<Transition> made, std::size_t t) {
    for (auto& tr : made) {
      if (tr.to == TradingState::halted && !out.halt_bar) out.halt_bar = t;
      out.transitions.push_back(std::move(tr));
    }
  };

  for (std::size_t t = 0; t < n; ++t) {
    if (!next_open) decide(t);  // under the close model the decision fills at its own close
    for (std::size_t j = 0; j < m; ++j) {
      const auto& b = legs[j].input.bars;
      bars[j] = {b.time[t], b.open[t], b.high[t], b.low[t], b.close[t], 0};
      if (funding && !legs[j].input.funding.empty()) rates[j] = legs[j].input.funding[t];
    }
    const double eq = account.step(bars, rates);
    const core::TimeMs close_time = times[t] + interval;
    if (account.liquidated()) {
      record(breakers.on_equity(close_time, 0), t);
      break;  // the account is empty for the rest of the run: zeros, as assigned
    }
    r.equity[t] = eq;
    double total = 0;
    for (std::size_t j = 0; j < m; ++j) {
      const double x = account.position(j).exposure();
      r.legs[j].exposure[t] = x;
      total += x;
    }
    r.exposure[t] = total;

    record(breakers.on_equity(close_time, eq), t);
    for (std::size_t j = 0; j < m; ++j) {
      const auto& trades = account.closed_trades(j);
      for (; closed[j] < trades.size(); ++closed[j])
        record(breakers.on_trade(close_time, trades[closed[j]].pnl), t);
    }
    if (t > 0) {
      // One return per coin, from its first leg (legs of one coin share its bars).
      std::vector<bool> fed(caps.coins(), false);
      for (std::size_t j = 0; j < m; ++j) {
        const std::size_t c = caps.coin(j);
        if (fed[c]) continue;
        fed[c] = true;
        const auto close = legs[j].input.bars.close;
        record(breakers.on_bar_return(close_time, c, close[t] / close[t - 1] - 1), t);
      }
    }
    if (breakers.state() == TradingState::reducing) ++out.bars_reducing;
    if (breakers.state() == TradingState::halted) ++out.bars_halted;
    if (next_open && t + 1 < n) decide(t);
  }

  r.liquidated = account.liquidated();
  if (n > 0 && !r.liquidated) {
    for (std::size_t j = 0; j < m; ++j)
      account.close_books(j, legs[j].input.bars.close[n - 1], times[n - 1]);
  }
  collect_legs(account, r);
  return out;
}

}  // namespace organism::backtest

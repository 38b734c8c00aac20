#include "exec/allocation_stage.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <utility>

#include "core/error.hpp"
#include "evolve/genome_config.hpp"
#include "exec/trading_loop.hpp"
#include "indicators/regime.hpp"
#include "portfolio/strategy_streams.hpp"

namespace organism::exec {
namespace {

template <class T>
void push_bounded(std::deque<T>& q, T value, std::size_t keep) {
  q.push_back(std::move(value));
  while (q.size() > keep) q.pop_front();
}

// Every bar's regime code (indicators::Regime::code()), no sentiment: the stage has no history of
// the index, only the current value per bar (a later change can keep one).
std::vector<std::uint8_t> regime_codes(const data::CandleView& bars) {
  const auto regimes = indicators::classify_regimes(bars, {});
  std::vector<std::uint8_t> codes;
  codes.reserve(regimes.size());
  for (const auto& r : regimes) codes.push_back(r.code());
  return codes;
}

}  // namespace

AllocationStage::AllocationStage(std::vector<AllocationSlot> slots, portfolio::AllocatorOptions options)
    : slots_(std::move(slots)), options_(options) {
  if (slots_.empty()) throw core::UsageError("the allocation stage needs at least one strategy");
  portfolio::check_options(options_);
  for (const auto& slot : slots_) {
    if (slot.coins.empty()) throw core::UsageError(fmt::format("strategy {} trades no coin", slot.id));
    std::vector<Leg> legs;
    for (const auto& coin : slot.coins) {
      auto config = slot.config;
      config.initial_cash = 1;  // unit capital: its equity is the leg's growth
      const double weight = 1;
      legs.push_back(Leg{backtest::Account(config, std::span<const double>(&weight, 1)), 1, {}});
      const bool known = std::any_of(coins_.begin(), coins_.end(), [&](const auto& c) { return c.first == coin; });
      if (!known) coins_.push_back({coin, {}});
    }
    legs_.push_back(std::move(legs));
    last_exposure_.emplace_back(slot.coins.size(), 0.0);
    last_target_.emplace_back(slot.coins.size(), 0.0);
  }
  clamp_noted_.assign(slots_.size(), false);
}

const std::deque<double>& AllocationStage::leg_returns(std::size_t s, std::size_t j) const {
  return legs_.at(s).at(j).returns;
}

void AllocationStage::observe(std::size_t s, std::size_t j, const data::Bar& bar, double funding, double target) {
  auto& leg = legs_.at(s).at(j);
  if (first_time_ < 0) first_time_ = bar.time;
  // The backtest's order: under next_open the target set at the last close fills at this open;
  // under close this bar's target fills at this close (simulator.cpp, Account::advance).
  const bool close_fill = leg.shadow.fill_model() == backtest::FillModel::Close;
  if (close_fill) leg.shadow.set_target(0, target);
  const bool pay = slots_[s].config.funding && std::isfinite(funding);
  const std::span<const data::Bar> bars(&bar, 1);
  const double eq = pay ? leg.shadow.step(bars, std::span<const double>(&funding, 1)) : leg.shadow.step(bars);
  if (!close_fill) leg.shadow.set_target(0, target);
  const double r = leg.last_equity > 0 ? eq / leg.last_equity - 1 : 0;
  leg.last_equity = eq;
  push_bounded(leg.returns, r, keep());
  // The coin's bars, once per time whichever strategy brings it.
  auto& coin = std::find_if(coins_.begin(), coins_.end(), [&](const auto& c) { return c.first == slots_[s].coins[j]; })
                   ->second;
  if (coin.bars.empty() || coin.bars.back().time < bar.time) push_bounded(coin.bars, bar, keep());
}

portfolio::AllocatorInput AllocationStage::input(std::vector<std::vector<std::vector<double>>>& returns,
                                                 std::vector<std::vector<std::uint8_t>>& regimes,
                                                 std::vector<std::vector<double>>& features,
                                                 std::vector<std::string>& coins) const {
  // One bar index for every leg: the last n bars, n the shortest history (a strategy whose coin
  // has not completed this time yet lags by a bar at most).
  std::size_t n = keep();
  for (const auto& legs : legs_)
    for (const auto& leg : legs) n = std::min(n, leg.returns.size());
  for (const auto& c : coins_) n = std::min(n, c.second.bars.size());
  portfolio::AllocatorInput in;
  in.bars = n;
  returns.assign(legs_.size(), {});
  regimes.assign(coins_.size(), {});
  features.assign(coins_.size() * 3, {});
  coins.clear();
  for (std::size_t c = 0; c < coins_.size(); ++c) {
    data::Candles bars;
    for (const auto& b : coins_[c].second.bars) bars.push_back(b);
    auto codes = regime_codes(bars.view());
    regimes[c].assign(codes.end() - static_cast<std::ptrdiff_t>(n), codes.end());
    auto coin_f = portfolio::coin_features(bars.view());
    features[3 * c] = std::move(coin_f.liquidity);
    features[3 * c + 1] = std::move(coin_f.volatility);
    features[3 * c + 2] = std::move(coin_f.momentum);
    for (std::size_t f = 0; f < 3; ++f)
      features[3 * c + f].erase(features[3 * c + f].begin(), features[3 * c + f].end() - static_cast<std::ptrdiff_t>(n));
    coins.push_back(coins_[c].first);
    in.coins.push_back({coins_[c].first, features[3 * c], features[3 * c + 1], features[3 * c + 2]});
  }
  for (std::size_t s = 0; s < legs_.size(); ++s) {
    portfolio::StrategyHistory h;
    h.id = slots_[s].id;
    // Age at the input's bar 0: its age at the stage's first bar plus the bars seen since.
    const std::size_t seen = legs_[s][0].returns.size();
    const double at_first_bar =
        slots_[s].born ? static_cast<double>(first_time_ - *slots_[s].born) / static_cast<double>(core::kDayMs) : 0;
    h.age_days_at_start = at_first_bar + static_cast<double>(seen - n) * 365.0 / options_.bars_per_year;
    returns[s].resize(legs_[s].size());
    for (std::size_t j = 0; j < legs_[s].size(); ++j) {
      const auto& q = legs_[s][j].returns;
      returns[s][j].assign(q.end() - static_cast<std::ptrdiff_t>(n), q.end());
      const std::size_t c = static_cast<std::size_t>(
          std::find(coins.begin(), coins.end(), slots_[s].coins[j]) - coins.begin());
      h.legs.push_back({slots_[s].coins[j], returns[s][j], regimes[c]});
    }
    in.strategies.push_back(std::move(h));
  }
  return in;
}

AllocationDecision AllocationStage::decide(core::TimeMs time, const std::vector<std::vector<double>>& targets,
                                           const std::vector<double>& equity) {
  if (targets.size() != slots_.size() || equity.size() != slots_.size())
    throw core::UsageError(fmt::format("{} targets for {} strategies", targets.size(), slots_.size()));
  AllocationDecision out;
  if (time != last_time_) {
    last_time_ = time;
    const std::size_t index = live_bars_++;
    if (!allocation_ || index - live_bars_at_rebalance_ >= options_.rebalance_bars) {
      std::vector<std::vector<std::vector<double>>> returns;
      std::vector<std::vector<std::uint8_t>> regimes;
      std::vector<std::vector<double>> features;
      std::vector<std::string> coins;
      const auto in = input(returns, regimes, features, coins);
      auto next = portfolio::allocate(in, in.bars, options_, allocation_ ? &*allocation_ : nullptr);
      allocation_ = std::move(next);
      live_bars_at_rebalance_ = index;
      out.rebalanced = true;
    }
  }
  if (!allocation_) throw core::Error("allocation stage: no allocation");
  std::vector<std::vector<double>> x(slots_.size());
  for (std::size_t s = 0; s < slots_.size(); ++s) {
    for (double t : targets.at(s)) x[s].push_back(std::clamp(t, -1.0, 1.0) * slots_[s].config.leverage);
  }
  out.exposures = portfolio::target_exposures(*allocation_, x, options_.caps);
  double total = 0;
  for (double e : equity) total += std::max(e, 0.0);
  out.account_target.resize(slots_.size());
  for (std::size_t s = 0; s < slots_.size(); ++s) {
    const auto& slot = slots_[s];
    const double n = static_cast<double>(slot.coins.size());
    const double denominator = slot.config.leverage * equity[s];
    for (std::size_t j = 0; j < slot.coins.size(); ++j) {
      const double e = out.exposures.exposure.at(s).at(j);
      if (e == last_exposure_[s][j] && !out.rebalanced) {
        out.account_target[s].push_back(last_target_[s][j]);  // unchanged: no resize for drift
        continue;
      }
      const double raw = denominator > 0 ? e * total * n / denominator : 0;
      const double a = std::clamp(raw, -1.0, 1.0);
      if (a != raw && !clamp_noted_[s]) {
        clamp_noted_[s] = true;
        out.lines.push_back(fmt::format(
            "strategy {} {}: exposure {:.4f} of portfolio equity {:.2f} needs target {:.4f} of its own equity {:.2f} "
            "at leverage {:g} over {} coin(s); clamped to {:g} (its cash stays in its own book)",
            slot.id, slot.coins[j], e, total, raw, equity[s], slot.config.leverage, slot.coins.size(), a));
      }
      last_exposure_[s][j] = e;
      last_target_[s][j] = a;
      out.account_target[s].push_back(a);
    }
  }
  if (out.rebalanced) {
    for (std::size_t s = 0; s < slots_.size(); ++s) {
      const auto& w = allocation_->strategies.at(s);
      out.lines.insert(
          out.lines.begin() + static_cast<std::ptrdiff_t>(s),
          w.dropped.empty()
              ? fmt::format("allocation {}: weight {:.4f} score {:.4f} kelly {:.4f}", w.id, w.weight, w.score, w.kelly)
              : fmt::format("allocation {}: weight 0 ({})", w.id, w.dropped));
      for (std::size_t j = 0; j < slots_[s].coins.size(); ++j) {
        const double leg_weight = j < w.legs.size() ? w.legs[j].weight : 0;
        out.rows.push_back({time, w.id, slots_[s].coins[j], leg_weight, out.exposures.exposure[s][j]});
      }
    }
  }
  return out;
}

std::unique_ptr<AllocationStage> make_allocation_stage(const std::vector<StrategySlot>& slots,
                                                       const backtest::BacktestConfig& costs,
                                                       const std::vector<std::optional<core::TimeMs>>& born,
                                                       const portfolio::AllocatorOptions& options) {
  if (!born.empty() && born.size() != slots.size())
    throw core::UsageError(fmt::format("{} birth times for {} strategies", born.size(), slots.size()));
  std::vector<AllocationSlot> out;
  for (std::size_t i = 0; i < slots.size(); ++i) {
    out.push_back({slots[i].id, slots[i].coins, evolve::backtest_config(slots[i].genome, costs),
                   born.empty() ? std::nullopt : born[i]});
  }
  return std::make_unique<AllocationStage>(std::move(out), options);
}

}  // namespace organism::exec

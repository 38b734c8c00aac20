// The trading loop's allocation stage: the portfolio allocator (portfolio/allocator.hpp) between
// the strategies' signals and their orders, in place of the identity stage (each strategy trading
// its own capital share at its own target).
//
// What it keeps, bar by bar (warm-up and live):
//   - per (strategy, leg) a shadow backtest::Account of that one leg at unit capital, stepped with
//     the coin's bar and set to the leg's runtime target exactly as a backtest of that leg alone
//     would be: its equity returns are the leg's return history (LegHistory::returns);
//   - per coin its bars, for the regimes (indicators::classify_regimes) and the coin features of
//     the leg tilts (liquidity, volatility, momentum).
// Both keep at most lookback_bars + kSlackBars entries, so memory is bounded over a long session.
//
// At each live decision (decide()): at the first live bar time and then every rebalance_bars bar
// times, allocate() with the previous allocation (its no-trade band). Then, with x[s][j] =
// clamp(target, -1, 1) x leverage_s the strategies' latest targets, target_exposures() gives e[s][j]
// (a fraction of the portfolio's equity E = the sum of the strategies' Account equities), and a
// strategy's Account target becomes
//     a[s][j] = clamp(e[s][j] x E x n_s / (leverage_s x eq_s), -1, 1)
// (its Account sizes leg j to a x leverage x eq_s / n_s of notional, so that is e x E). A leg is
// resized only when its e changes (its target changed, a rebalance, or a cap's scale moved), not
// because E and eq_s drifted with prices: the backtest's on_change rebalancing, no fee churn.
// Formulas and references: docs/portfolio.md.
#pragma once

#include <cstddef>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "backtest/account.hpp"
#include "backtest/models.hpp"
#include "core/time.hpp"
#include "data/series.hpp"
#include "exec/journal.hpp"
#include "portfolio/allocator.hpp"

namespace organism::exec {

// One strategy as the stage sees it (the trading loop's slot, its genome's backtest config).
struct AllocationSlot {
  std::string id{};
  std::vector<std::string> coins{};
  backtest::BacktestConfig config{};  // evolve::backtest_config(genome, costs): leverage, stops
  // When it was born (stored); its age counts from there (at the stage's first bar, as
  // StrategyHistory::age_days_at_start). nullopt (a genome file): age 0 at the stage's first bar.
  std::optional<core::TimeMs> born{};
};

// What one decision did.
struct AllocationDecision {
  bool rebalanced = false;
  std::vector<std::string> lines{};      // one per strategy at a rebalance, plus clamp notes
  std::vector<AllocationRow> rows{};     // at a rebalance: one per leg (Journal::record_allocations)
  portfolio::TargetExposures exposures{};
  std::vector<std::vector<double>> account_target{};  // [strategy][leg], in [-1, 1]
};

class AllocationStage {
 public:
  // Bars kept beyond lookback_bars (the regimes' own warm-up reads them too).
  static constexpr std::size_t kSlackBars = 1024;

  // Throws core::UsageError for no slot, a slot without coins, or bad options (check_options).
  AllocationStage(std::vector<AllocationSlot> slots, portfolio::AllocatorOptions options);

  // Leg j of strategy s: its coin's bar, the funding rate settled during it (NaN: none) and the
  // target its runtime decided at that close (before any allocation): steps its shadow Account and
  // keeps the bar. Warm-up and live bars alike, in time order per leg.
  void observe(std::size_t s, std::size_t j, const data::Bar& bar, double funding, double target);

  // A live decision at bar `time`: `targets` are every strategy's latest runtime targets,
  // `equity` its Account's equity now (the portfolio equity is their sum).
  AllocationDecision decide(core::TimeMs time, const std::vector<std::vector<double>>& targets,
                            const std::vector<double>& equity);

  // The allocation in force (nullopt before the first decision).
  const std::optional<portfolio::Allocation>& allocation() const { return allocation_; }
  // Leg j of strategy s: its kept return history, oldest first.
  const std::deque<double>& leg_returns(std::size_t s, std::size_t j) const;
  const std::vector<AllocationSlot>& slots() const { return slots_; }
  const portfolio::AllocatorOptions& options() const { return options_; }

 private:
  struct Leg {
    backtest::Account shadow;
    double last_equity = 1;
    std::deque<double> returns;
  };
  struct CoinBars {
    std::deque<data::Bar> bars;
  };
  portfolio::AllocatorInput input(std::vector<std::vector<std::vector<double>>>& returns,
                                  std::vector<std::vector<std::uint8_t>>& regimes,
                                  std::vector<std::vector<double>>& features,
                                  std::vector<std::string>& coins) const;
  std::size_t keep() const { return options_.lookback_bars + kSlackBars; }

  std::vector<AllocationSlot> slots_;
  portfolio::AllocatorOptions options_;
  std::vector<std::vector<Leg>> legs_;  // [strategy][leg]
  std::vector<std::pair<std::string, CoinBars>> coins_;
  std::optional<portfolio::Allocation> allocation_;
  std::vector<std::vector<double>> last_exposure_;  // e at the last decision, per leg
  std::vector<std::vector<double>> last_target_;    // the Account target set for it
  std::vector<bool> clamp_noted_;                   // a binding clamp is logged once per strategy
  core::TimeMs first_time_ = -1;  // the first bar observed
  core::TimeMs last_time_ = -1;
  std::size_t live_bars_ = 0;  // distinct live bar times decided
  std::size_t live_bars_at_rebalance_ = 0;
};

struct StrategySlot;
// The stage of a trading loop's slots: each genome's backtest config (evolve::backtest_config with
// `costs`), `born` per slot (empty: all nullopt). Throws core::UsageError as the constructor, or
// for births of another count.
std::unique_ptr<AllocationStage> make_allocation_stage(const std::vector<StrategySlot>& slots,
                                                       const backtest::BacktestConfig& costs,
                                                       const std::vector<std::optional<core::TimeMs>>& born,
                                                       const portfolio::AllocatorOptions& options);

}  // namespace organism::exec

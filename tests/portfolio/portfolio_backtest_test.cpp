#include "portfolio/portfolio_backtest.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.hpp"
#include "portfolio/planted_market.hpp"

namespace organism::portfolio {
namespace {

using test::flipped;
using test::planted_targets;
using test::random_walk_market;
using test::stream;

const PolicyResult& policy(const PortfolioBacktestResult& r, Policy p) {
  for (const auto& x : r.policies) {
    if (x.policy == p) return x;
  }
  throw std::runtime_error("policy missing");
}

// The planted set: 3 good strategies on independent coins (they know the sign of the next
// 6 bars with p = 0.55), 2 near-copies of the first (4% of its bars' signs flipped) and a loser
// (p = 0.45 on a fourth coin). The allocator must weight only the good three, and its Sharpe over
// the traded period must beat every baseline: equal weights and HRP carry the loser, the best
// single strategy has one coin's edge only.
TEST(PortfolioBacktest, PlantedSetAllocatorDropsCopiesAndLoserAndBeatsBaselines) {
  const auto market = random_walk_market(4, 6000, 2024);
  const double p = 0.55;
  const std::size_t hold = 6;
  const auto good0 = planted_targets(market, 0, p, hold, 1);
  std::vector<StrategyStream> set = {
      stream("good0", 0, good0),
      stream("good1", 1, planted_targets(market, 1, p, hold, 2)),
      stream("good2", 2, planted_targets(market, 2, p, hold, 3)),
      stream("copy_a", 0, flipped(good0, 0.04, 4)),
      stream("copy_b", 0, flipped(good0, 0.04, 5)),
      stream("loser", 3, planted_targets(market, 3, 1 - p, hold, 6)),
  };
  PortfolioBacktestOptions options;
  options.begin = options.allocator.lookback_bars;  // 2160: a full lookback before the first rebalance
  const auto result = run_portfolio_backtest(set, market, {Policy::Allocator, Policy::EqualWeight,
                                                           Policy::BestSingle, Policy::Hrp}, options);
  ASSERT_EQ(result.policies.size(), 4u);
  // The copies are near-copies: their returns correlate above 0.9 with the original's.
  EXPECT_GT(result.correlation[0][3], 0.9);
  EXPECT_GT(result.correlation[0][4], 0.9);

  const auto& alloc = policy(result, Policy::Allocator);
  ASSERT_EQ(alloc.rebalances.size(), (6000 - 2160 + 167) / 168);
  for (std::size_t k = 1; k < alloc.rebalances.size(); ++k) {
    const auto& a = alloc.rebalances[k];
    SCOPED_TRACE("rebalance " + std::to_string(k) + " at bar " + std::to_string(a.bar));
    for (std::size_t s = 0; s < 3; ++s) EXPECT_GT(a.strategies[s].weight, 0) << a.strategies[s].dropped;
    for (std::size_t s = 3; s < 5; ++s) {
      EXPECT_EQ(a.strategies[s].weight, 0);
      EXPECT_NE(a.strategies[s].dropped.find("correlated"), std::string::npos) << a.strategies[s].dropped;
    }
    EXPECT_EQ(a.strategies[5].weight, 0);
    const auto& why = a.strategies[5].dropped;
    EXPECT_TRUE(why.find("score") != std::string::npos || why.find("kelly") != std::string::npos) << why;
  }
  const double sharpe = alloc.metrics.sharpe;
  for (const auto baseline : {Policy::EqualWeight, Policy::BestSingle, Policy::Hrp}) {
    EXPECT_GT(sharpe, policy(result, baseline).metrics.sharpe) << policy_name(baseline);
  }
  for (const auto& r : result.policies) {
    std::printf("%-12s sharpe %6.3f cagr %7.4f maxdd %6.4f turnover %7.2f fees %8.2f final %9.2f\n",
                std::string(policy_name(r.policy)).c_str(), r.metrics.sharpe, r.metrics.cagr, r.metrics.max_drawdown,
                r.turnover, r.fees, r.metrics.final_equity);
  }
}

// Two strategies with opposite constant targets on one coin, equal weights: the account nets them
// to no position, so nothing trades (no fee, no turnover) and the equity stays at the capital.
TEST(PortfolioBacktest, OppositeStrategiesNetToNothingInOneAccount) {
  const auto market = random_walk_market(1, 800, 7);
  std::vector<StrategyStream> set = {stream("long", 0, std::vector<double>(800, 1.0)),
                                     stream("short", 0, std::vector<double>(800, -1.0))};
  PortfolioBacktestOptions options;
  options.begin = 400;
  const auto result = run_portfolio_backtest(set, market, {Policy::EqualWeight}, options);
  const auto& ew = result.policies.at(0);
  EXPECT_EQ(ew.fees, 0.0);
  EXPECT_EQ(ew.turnover, 0.0);
  ASSERT_EQ(ew.equity.size(), 400u);
  EXPECT_EQ(ew.equity.back(), 10'000.0);
  // Weight rows: one per (rebalance, strategy, leg), 0.5 each, exposures +-0.5 before the coin's
  // net cap (the rows show each strategy's own exposure).
  ASSERT_EQ(ew.weights.size(), 2u * 3u);  // rebalances at 400, 568, 736
  EXPECT_DOUBLE_EQ(ew.weights[0].weight, 0.5);
  EXPECT_EQ(ew.weights[0].time, test::kStart + 400 * test::kHour);
}

// One strategy always long at equal weight: its coin's net exposure is capped at per_asset = 0.15,
// reached once at the first bar, so the turnover is 0.15 per year of 400 bars (8760 / 400 years^-1).
// The decision at the first traded close fills at the next open: in the market 399 of 400 bars.
TEST(PortfolioBacktest, TurnoverIsNetExposureChangePerYear) {
  const auto market = random_walk_market(1, 800, 8);
  std::vector<StrategyStream> set = {stream("long", 0, std::vector<double>(800, 1.0))};
  PortfolioBacktestOptions options;
  options.begin = 400;
  const auto result = run_portfolio_backtest(set, market, {Policy::EqualWeight, Policy::BestSingle}, options);
  for (const auto& r : result.policies) {
    EXPECT_NEAR(r.turnover, 0.15 * 8760.0 / 400.0, 1e-12);
    EXPECT_GT(r.fees, 0.0);
    EXPECT_NEAR(r.metrics.exposure, 399.0 / 400.0, 1e-12);
  }
}

// No look-ahead: the weights every policy sets at a rebalance are the same when everything from
// that bar on (every coin's bars and every strategy's targets) is replaced by garbage.
TEST(PortfolioBacktest, WeightsAtRebalanceIgnoreEverythingFromItOn) {
  const std::size_t n = 3000, begin = 1000, cut = begin + 2 * 168;
  const auto market = random_walk_market(3, n, 99);
  std::vector<StrategyStream> set;
  for (std::size_t c = 0; c < 3; ++c) set.push_back(stream("s" + std::to_string(c), c, planted_targets(market, c, 0.55, 6, c)));
  set.push_back(stream("s3", 0, planted_targets(market, 0, 0.52, 4, 50)));

  auto garbage_market = random_walk_market(3, n, 99);
  const auto noise = random_walk_market(3, n, 12345, 0.08);
  for (std::size_t c = 0; c < 3; ++c) {
    data::Candles bars;
    const auto a = market.coins[c].bars.view(), g = noise.coins[c].bars.view();
    for (std::size_t i = 0; i < n; ++i) bars.push_back(i < cut ? a.bar(i) : g.bar(i));
    garbage_market.coins[c].bars = std::move(bars);
  }
  auto garbage_set = set;
  core::Rng rng(3, {});
  for (auto& s : garbage_set) {
    for (std::size_t i = cut; i < n; ++i) s.targets[0][i] = rng.uniform(-1, 1);
  }
  PortfolioBacktestOptions options;
  options.begin = begin;
  options.allocator.lookback_bars = 720;
  const std::vector<Policy> all = {Policy::Allocator, Policy::EqualWeight, Policy::BestSingle, Policy::Hrp};
  const auto clean = run_portfolio_backtest(set, market, all, options);
  const auto dirty = run_portfolio_backtest(garbage_set, garbage_market, all, options);
  for (std::size_t p = 0; p < all.size(); ++p) {
    SCOPED_TRACE(std::string(policy_name(all[p])));
    const auto& a = clean.policies[p].rebalances, &b = dirty.policies[p].rebalances;
    ASSERT_GE(a.size(), 3u);
    for (std::size_t k = 0; k <= 2; ++k) {
      ASSERT_LE(a[k].bar, cut);
      for (std::size_t s = 0; s < set.size(); ++s) {
        EXPECT_EQ(a[k].strategies[s].weight, b[k].strategies[s].weight);
        EXPECT_EQ(a[k].strategies[s].dropped, b[k].strategies[s].dropped);
      }
    }
    // ... and the garbage does change what comes after, so the test can fail.
    EXPECT_NE(clean.policies[p].equity.back(), dirty.policies[p].equity.back());
  }
}

TEST(PortfolioBacktest, PeriodTooShortForHistoryIsAUsageError) {
  const auto market = random_walk_market(1, 800, 7);
  std::vector<StrategyStream> set = {stream("long", 0, std::vector<double>(800, 1.0))};
  PortfolioBacktestOptions options;
  options.begin = 100;  // < min_history_bars 336
  EXPECT_THROW(run_portfolio_backtest(set, market, {Policy::EqualWeight}, options), core::UsageError);
  options.begin = 400;
  options.end = 900;  // past the last bar
  EXPECT_THROW(run_portfolio_backtest(set, market, {Policy::EqualWeight}, options), core::UsageError);
  set[0].targets[0].pop_back();
  EXPECT_THROW(prepare_portfolio(set, market), core::UsageError);
}

}  // namespace
}  // namespace organism::portfolio

#include "portfolio/portfolio_backtest.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <thread>

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

// The planted set: 3 good strategies on independent coins (they know the sign of the
// next 6 bars with p = 0.60), 2 near-copies of the first (4% of its bars' signs flipped, rho > 0.9)
// and a loser (p = 0.40 on a fourth coin), default costs (0.05% fee + 0.05% slippage per fill).
//
// Why p = 0.60 and not 0.55: with these costs a 6-bar edge of p nets an annualized Sharpe of about
// 0.8 (2p - 1) sqrt(8760 / 6) - 1.55, i.e. 1.5 at p = 0.55 and 4.6 at 0.60, while a 90-day lookback
// (2160 bars) estimates a Sharpe with a standard error of about 2. At 0.55 the allocator, reading
// only the past, drops good strategies in their bad windows and admits the loser in its lucky ones
// (seed 2024: the loser weighted at 8 of 22 rebalances, and equal weights beat it); over market
// seeds 1-20 it met every assertion below in 2 of 20 sets, at 0.60 in 19 of 20 (the other: best
// single 7.30 against the allocator's 7.13).
//
// The copies: the allocator keeps the best-scored strategy of a correlated group (step 3), and its
// score clamps Sharpe / 3 at 1, so among near-copies whose Sharpe exceeds 3 the pick rests on
// consistency and drawdown, and a copy is sometimes kept instead of the original. What holds, and
// is asserted: never more than one of the three is weighted, the others dropped as "correlated"
// (or, the copies paying fees on their flipped bars, for a score <= 0).
TEST(PortfolioBacktest, PlantedSetAllocatorKeepsOneOfTheCopiesDropsTheLoserAndBeatsBaselines) {
  const auto market = random_walk_market(4, 6000, 2024);
  const double p = 0.60;
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
  options.begin =
      options.allocator.lookback_bars;  // 2160: a full lookback before the first rebalance
  const auto result = run_portfolio_backtest(
      set, market, {Policy::Allocator, Policy::EqualWeight, Policy::BestSingle, Policy::Hrp},
      options);
  ASSERT_EQ(result.policies.size(), 4u);
  EXPECT_GT(result.correlation[0][3], 0.9);
  EXPECT_GT(result.correlation[0][4], 0.9);

  const auto& alloc = policy(result, Policy::Allocator);
  ASSERT_EQ(alloc.rebalances.size(), (6000u - 2160u + 167u) / 168u);
  for (std::size_t k = 1; k < alloc.rebalances.size(); ++k) {
    const auto& a = alloc.rebalances[k];
    SCOPED_TRACE("rebalance " + std::to_string(k) + " at bar " + std::to_string(a.bar));
    std::size_t kept = 0;
    for (const std::size_t s : {0u, 3u, 4u}) kept += a.strategies[s].weight > 0 ? 1 : 0;
    EXPECT_LE(kept, 1u);
    for (const std::size_t s : {0u, 3u, 4u}) {
      // A copy's flipped bars cost it fees, so its score can also fall to <= 0 before step 3.
      const auto& why = a.strategies[s].dropped;
      if (a.strategies[s].weight == 0) {
        EXPECT_TRUE(why.find("correlated") != std::string::npos ||
                    why.find("score") != std::string::npos)
            << why;
      }
    }
    EXPECT_EQ(a.strategies[5].weight, 0);
    const auto& why = a.strategies[5].dropped;
    EXPECT_TRUE(why.find("score") != std::string::npos || why.find("kelly") != std::string::npos)
        << why;
  }
  const double sharpe = alloc.metrics.sharpe;
  // The figures, for the log (the closing note quotes them).
  for (const auto& pr : result.policies)
    RecordProperty(std::string(policy_name(pr.policy)) + "_sharpe", std::to_string(pr.metrics.sharpe));
  for (const auto baseline : {Policy::EqualWeight, Policy::BestSingle, Policy::Hrp}) {
    EXPECT_GT(sharpe, policy(result, baseline).metrics.sharpe) << policy_name(baseline);
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
// reached once at the first bar, so the turnover is 0.15 per year of 400 bars (8760 / 400
// years^-1). The decision at the first traded close fills at the next open: in the market 399 of
// 400 bars.
TEST(PortfolioBacktest, TurnoverIsNetExposureChangePerYear) {
  const auto market = random_walk_market(1, 800, 8);
  std::vector<StrategyStream> set = {stream("long", 0, std::vector<double>(800, 1.0))};
  PortfolioBacktestOptions options;
  options.begin = 400;
  const auto result =
      run_portfolio_backtest(set, market, {Policy::EqualWeight, Policy::BestSingle}, options);
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
  for (std::size_t c = 0; c < 3; ++c)
    set.push_back(stream("s" + std::to_string(c), c, planted_targets(market, c, 0.55, 6, c)));
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
  const std::vector<Policy> all = {Policy::Allocator, Policy::EqualWeight, Policy::BestSingle,
                                   Policy::Hrp};
  const auto clean = run_portfolio_backtest(set, market, all, options);
  const auto dirty = run_portfolio_backtest(garbage_set, garbage_market, all, options);
  for (std::size_t p = 0; p < all.size(); ++p) {
    SCOPED_TRACE(std::string(policy_name(all[p])));
    const auto &a = clean.policies[p].rebalances, &b = dirty.policies[p].rebalances;
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
  EXPECT_THROW(run_portfolio_backtest(set, market, {Policy::EqualWeight}, options),
               core::UsageError);
  options.begin = 400;
  options.end = 900;  // past the last bar
  EXPECT_THROW(run_portfolio_backtest(set, market, {Policy::EqualWeight}, options),
               core::UsageError);
  set[0].targets[0].pop_back();
  EXPECT_THROW(prepare_portfolio(set, market), core::UsageError);
}

}  // namespace
}  // namespace organism::portfolio

namespace organism::portfolio {
namespace {

// The sizing evolution runs many backtests on one prepared set from several threads: each run
// must equal, bit for bit, the same run made alone.
TEST(PortfolioBacktest, RunsOnOnePreparedSetFromSeveralThreadsEqualTheSequentialRun) {
  const auto market = random_walk_market(3, 2000, 31);
  std::vector<StrategyStream> set;
  for (std::size_t c = 0; c < 3; ++c)
    set.push_back(stream("s" + std::to_string(c), c, planted_targets(market, c, 0.56, 6, c)));
  const auto prepared = prepare_portfolio(set, market);
  const std::vector<Policy> all = {Policy::Allocator, Policy::EqualWeight, Policy::BestSingle,
                                   Policy::Hrp};
  std::vector<PortfolioBacktestOptions> options(4);
  for (std::size_t k = 0; k < options.size(); ++k) {
    options[k].begin = 720;
    options[k].allocator.lookback_bars = 720;
    options[k].allocator.sizing.kelly_fraction = 0.25 * static_cast<double>(k + 1);
    options[k].target_volatility = 0.2;
  }
  std::vector<PortfolioBacktestResult> alone, together(options.size());
  for (const auto& o : options) alone.push_back(run_portfolio_backtest(prepared, all, o));
  std::vector<std::thread> threads;
  for (std::size_t k = 0; k < options.size(); ++k) {
    threads.emplace_back(
        [&, k] { together[k] = run_portfolio_backtest(prepared, all, options[k]); });
  }
  for (auto& t : threads) t.join();
  for (std::size_t k = 0; k < options.size(); ++k) {
    for (std::size_t p = 0; p < all.size(); ++p) {
      EXPECT_EQ(alone[k].policies[p].equity, together[k].policies[p].equity);
      EXPECT_EQ(alone[k].policies[p].scaled.sharpe, together[k].policies[p].scaled.sharpe);
    }
  }
  // The options matter (else the comparison above proves little).
  EXPECT_NE(alone[0].policies[0].equity.back(), alone[3].policies[0].equity.back());
}

}  // namespace
}  // namespace organism::portfolio

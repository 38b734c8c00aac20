// The allocator on hand-made cases: Kelly fractions by a hand 2x2 inverse, the correlation
// filter, the two ways a strategy with no edge gets nothing, the no-trade band, target exposures
// by hand, the schedule and bad input (allocator.hpp, kelly.hpp).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>

#include "allocator_fixture.hpp"
#include "core/error.hpp"
#include "portfolio/allocator.hpp"
#include "portfolio/kelly.hpp"
#include "portfolio/shrinkage.hpp"

namespace organism::portfolio {
namespace {

using test::OwnedInput;
using test::strategy_of;

constexpr std::size_t kBars = 200;

// base + amplitude sin(frequency i + phase): a deterministic stream with a known drift.
std::vector<double> wave(double base, double amplitude, double frequency, double phase = 0) {
  std::vector<double> r(kBars);
  for (std::size_t i = 0; i < kBars; ++i)
    r[i] = base + amplitude * std::sin(frequency * static_cast<double>(i) + phase);
  return r;
}

AllocatorOptions short_history() {
  AllocatorOptions o;
  o.min_history_bars = 20;
  return o;
}

const StrategyWeight& find(const Allocation& a, const std::string& id) {
  for (const auto& s : a.strategies) {
    if (s.id == id) return s;
  }
  throw std::runtime_error("no strategy " + id);
}

TEST(AllocatorKelly, TwoByTwoByHandAndTheActiveSet) {
  // S = [[4e-4, 1e-4], [1e-4, 2.5e-4]], det = 9e-8, S^-1 = [[2.5e-4, -1e-4], [-1e-4, 4e-4]] / 9e-8.
  const SquareMatrix s{2, {4e-4, 1e-4, 1e-4, 2.5e-4}};
  // mu = (1e-3, 5e-4): S^-1 mu = (2e-7, 1e-7) / 9e-8 = (20/9, 10/9); half Kelly (10/9, 5/9).
  const auto f = long_only_kelly(std::vector<double>{1e-3, 5e-4}, s, 0.5);
  EXPECT_NEAR(f[0], 10.0 / 9.0, 1e-12);
  EXPECT_NEAR(f[1], 5.0 / 9.0, 1e-12);
  // mu = (1e-3, 1e-4): the second entry is (-1e-7 + 0.4e-7) / 9e-8 = -2/3 < 0 although its mean is
  // positive (the first hedges it better); removed, the first alone is 0.5 x 1e-3 / 4e-4 = 1.25.
  const auto g = long_only_kelly(std::vector<double>{1e-3, 1e-4}, s, 0.5);
  EXPECT_NEAR(g[0], 1.25, 1e-12);
  EXPECT_EQ(g[1], 0.0);
  // Both negative: nothing.
  const auto h = long_only_kelly(std::vector<double>{-1e-3, -1e-4}, s, 0.5);
  EXPECT_EQ(h[0], 0.0);
  EXPECT_EQ(h[1], 0.0);
}

TEST(AllocatorKelly, AllocateUsesTheShrunkCovarianceOfTheStrategyReturns) {
  OwnedInput in;
  in.bars = kBars;
  const auto a = wave(0.002, 0.01, 1.0), b = wave(0.001, 0.008, 0.7, 0.3);
  in.strategies = {strategy_of("A", {a}), strategy_of("B", {b})};
  AllocatorOptions o = short_history();
  o.sizing.kelly_fraction = 0.3;
  const Allocation out = allocate(in.view(), kBars, o);
  // Expected: 0.3 x S^-1 mu with the 2x2 inverse written out, S = Ledoit-Wolf of (a, b).
  const ShrunkCovariance cov = ledoit_wolf(std::vector<std::vector<double>>{a, b});
  double ma = 0, mb = 0;
  for (std::size_t i = 0; i < kBars; ++i) ma += a[i], mb += b[i];
  ma /= kBars, mb /= kBars;
  const double s11 = cov.matrix(0, 0), s12 = cov.matrix(0, 1), s22 = cov.matrix(1, 1);
  const double det = s11 * s22 - s12 * s12;
  const double fa = 0.3 * (s22 * ma - s12 * mb) / det, fb = 0.3 * (-s12 * ma + s11 * mb) / det;
  ASSERT_GT(fa, 0);
  ASSERT_GT(fb, 0);
  EXPECT_NEAR(find(out, "A").kelly, fa, 1e-9 * fa);
  EXPECT_NEAR(find(out, "B").kelly, fb, 1e-9 * fb);
  // Both Kelly fractions exceed the 25% cap, so both are capped, and the sum 0.5 is under gross 1.
  EXPECT_DOUBLE_EQ(find(out, "A").weight, 0.25);
  EXPECT_DOUBLE_EQ(find(out, "B").weight, 0.25);
  EXPECT_TRUE(find(out, "A").dropped.empty());
}

TEST(AllocatorCorrelation, KeepsTheHigherScoreOfACorrelatedPairAndSaysWhy) {
  OwnedInput in;
  in.bars = kBars;
  const auto a = wave(0.002, 0.01, 1.0);
  auto b = wave(0.0, 0.003, 3.3, 1.0);
  for (std::size_t i = 0; i < kBars; ++i) b[i] += 0.9 * a[i];
  const auto c = wave(0.001, 0.008, 0.7, 0.3);
  // B is older, so its score is higher by the age term: B is kept, A (first in the input) dropped.
  in.strategies = {strategy_of("A", {a}, 0), strategy_of("B", {b}, 365), strategy_of("C", {c}, 0)};
  const Allocation out = allocate(in.view(), kBars, short_history());
  // rho by the textbook two-pass formula.
  double ma = 0, mb = 0;
  for (std::size_t i = 0; i < kBars; ++i) ma += a[i] / kBars, mb += b[i] / kBars;
  double sab = 0, saa = 0, sbb = 0;
  for (std::size_t i = 0; i < kBars; ++i) {
    sab += (a[i] - ma) * (b[i] - mb), saa += (a[i] - ma) * (a[i] - ma),
        sbb += (b[i] - mb) * (b[i] - mb);
  }
  const double rho = sab / std::sqrt(saa * sbb);
  ASSERT_GT(rho, 0.93);
  ASSERT_LT(rho, 0.96);
  EXPECT_GT(find(out, "B").score, find(out, "A").score);
  EXPECT_EQ(find(out, "A").dropped, fmt::format("correlated {:.4g} > 0.7 with B", rho));
  EXPECT_EQ(find(out, "A").weight, 0.0);
  EXPECT_GT(find(out, "B").weight, 0.0);
  EXPECT_GT(find(out, "C").weight, 0.0);  // uncorrelated with B: kept
}

TEST(AllocatorCorrelation, ANegativeCorrelationIsDiversificationAndKept) {
  OwnedInput in;
  in.bars = kBars;
  const auto a = wave(0.002, 0.01, 1.0);
  std::vector<double> b(kBars);
  for (std::size_t i = 0; i < kBars; ++i) b[i] = 0.004 - a[i];  // rho = -1, mean 0.002
  in.strategies = {strategy_of("A", {a}), strategy_of("B", {b})};
  const Allocation out = allocate(in.view(), kBars, short_history());
  EXPECT_TRUE(find(out, "A").dropped.empty()) << find(out, "A").dropped;
  EXPECT_TRUE(find(out, "B").dropped.empty()) << find(out, "B").dropped;
  EXPECT_GT(find(out, "B").weight, 0.0);
}

TEST(AllocatorEdge, ANegativeEdgeGetsNothingWithItsReason) {
  OwnedInput in;
  in.bars = kBars;
  // N loses (mean -0.0005) but is old enough for a positive score under a heavy age weight, so
  // it reaches the Kelly step; D loses and is not yet born (age clamped to 0): it stops at the
  // score.
  in.strategies = {strategy_of("P", {wave(0.002, 0.01, 1.0)}, 1000),
                   strategy_of("N", {wave(-0.0005, 0.01, 0.7, 0.3)}, 1000),
                   strategy_of("D", {wave(-0.002, 0.01, 0.5, 0.9)}, -1000)};
  AllocatorOptions o = short_history();
  o.sizing.score_age = 10;
  const Allocation out = allocate(in.view(), kBars, o);
  const auto& n = find(out, "N");
  EXPECT_GT(n.score, 0);
  EXPECT_LE(n.kelly, 0.0);
  EXPECT_EQ(n.weight, 0.0);
  EXPECT_EQ(n.dropped.rfind("kelly 0 (negative edge: mean -", 0), 0u) << n.dropped;
  const auto& d = find(out, "D");
  EXPECT_LE(d.score, 0);
  EXPECT_EQ(d.dropped, fmt::format("score {:.4g} <= 0", d.score));
  EXPECT_EQ(d.weight, 0.0);
  EXPECT_GT(find(out, "P").weight, 0.0);
}

TEST(AllocatorHistory, TooShortALookbackGivesNothing) {
  OwnedInput in;
  in.bars = kBars;
  in.strategies = {strategy_of("P", {wave(0.002, 0.01, 1.0)})};
  AllocatorOptions o;  // min_history_bars 336 > 100 bars before t
  const Allocation out = allocate(in.view(), 100, o);
  EXPECT_EQ(out.strategies[0].dropped, "history 100 < 336 bars");
  EXPECT_EQ(out.total_weight(), 0.0);
}

TEST(AllocatorBand, KeepsAnOldWeightWithinTheBandAndMovesOneOutside) {
  OwnedInput in;
  in.bars = kBars;
  in.strategies = {strategy_of("A", {wave(0.002, 0.01, 1.0)}),
                   strategy_of("B", {wave(0.001, 0.008, 0.7, 0.3)})};
  AllocatorOptions o = short_history();
  o.sizing.kelly_fraction = 0.002;  // small weights: no cap binds, so the band alone decides
  o.sizing.band = 0.02;
  const Allocation fresh = allocate(in.view(), kBars, o);
  const double a0 = fresh.strategies[0].legs[0].weight, b0 = fresh.strategies[1].legs[0].weight;
  ASSERT_GT(a0, 0.0);
  ASSERT_GT(b0, 0.0);
  ASSERT_LT(a0 + 0.05, 0.25);
  ASSERT_LT(b0 + 0.05, 0.25);
  Allocation previous = fresh;
  previous.strategies[0].legs[0].weight = a0 + 0.015;  // within 0.02: kept
  previous.strategies[1].legs[0].weight = b0 + 0.05;   // outside: moved to the new weight
  const Allocation out = allocate(in.view(), kBars, o, &previous);
  EXPECT_EQ(out.strategies[0].legs[0].weight, a0 + 0.015);
  EXPECT_EQ(out.strategies[0].weight, a0 + 0.015);
  EXPECT_EQ(out.strategies[1].legs[0].weight, b0);
}

TEST(AllocatorBand, CapsHoldAfterTheBand) {
  OwnedInput in;
  in.bars = kBars;
  in.strategies = {strategy_of("A", {wave(0.002, 0.01, 1.0)})};
  AllocatorOptions o = short_history();
  o.caps.per_strategy = 0.1;
  o.sizing.band = 0.05;
  Allocation previous = allocate(in.view(), kBars, o);
  ASSERT_DOUBLE_EQ(previous.strategies[0].weight, 0.1);  // capped
  previous.strategies[0].legs[0].weight = 0.13;  // an old weight above today's cap, within the band
  const Allocation out = allocate(in.view(), kBars, o, &previous);
  EXPECT_DOUBLE_EQ(out.strategies[0].weight, 0.1);
}

TEST(TargetExposures, NetPerCoinThenGrossByHand) {
  Allocation a;
  a.strategies = {StrategyWeight{"A", 0.4, 1, 1, "", {{"BTC", 0.3, 1}, {"ETH", 0.1, 1}}},
                  StrategyWeight{"B", 0.2, 1, 1, "", {{"BTC", 0.2, 1}}}};
  const std::vector<std::vector<double>> x{{1.0, -2.0}, {0.5}};
  // Exposures 0.3, -0.2, 0.1. BTC net 0.4 > 0.15: x 0.375 -> 0.1125, 0.0375. ETH -0.2: x 0.75 ->
  // -0.15.
  Caps caps;
  caps.per_asset = 0.15;
  caps.gross = 1.0;
  const TargetExposures t = target_exposures(a, x, caps);
  EXPECT_NEAR(t.exposure[0][0], 0.1125, 1e-15);
  EXPECT_NEAR(t.exposure[0][1], -0.15, 1e-15);
  EXPECT_NEAR(t.exposure[1][0], 0.0375, 1e-15);
  EXPECT_EQ(t.coins, (std::vector<std::string>{"BTC", "ETH"}));
  EXPECT_NEAR(t.net[0], 0.15, 1e-15);
  EXPECT_NEAR(t.net[1], -0.15, 1e-15);
  EXPECT_NEAR(t.gross, 0.3, 1e-15);
  // Gross cap 0.2 < 0.3: everything x 2/3.
  caps.gross = 0.2;
  const TargetExposures g = target_exposures(a, x, caps);
  EXPECT_NEAR(g.exposure[0][0], 0.075, 1e-15);
  EXPECT_NEAR(g.exposure[0][1], -0.1, 1e-15);
  EXPECT_NEAR(g.exposure[1][0], 0.025, 1e-15);
  EXPECT_NEAR(g.net[0], 0.1, 1e-15);
  EXPECT_NEAR(g.gross, 0.2, 1e-15);
  EXPECT_THROW(target_exposures(a, {{1.0}, {0.5}}, caps), core::UsageError);
}

TEST(AllocatorSchedule, RebalanceDueEveryRebalanceBarsFromTheFirst) {
  AllocatorOptions o;  // 168
  EXPECT_TRUE(rebalance_due(500, 500, o));
  EXPECT_TRUE(rebalance_due(500 + 168, 500, o));
  EXPECT_TRUE(rebalance_due(500 + 2 * 168, 500, o));
  EXPECT_FALSE(rebalance_due(501, 500, o));
  EXPECT_FALSE(rebalance_due(332, 500, o));  // before the first, even on the grid
}

TEST(AllocatorInputCheck, RefusesBadInputNamingIt) {
  OwnedInput in;
  in.bars = kBars;
  in.strategies = {strategy_of("A", {wave(0.002, 0.01, 1.0)})};
  const AllocatorOptions o = short_history();
  EXPECT_THROW(allocate(in.view(), kBars + 1, o), core::UsageError);
  OwnedInput shorter = in;
  shorter.strategies[0].legs[0].returns.resize(kBars - 1);
  try {
    allocate(shorter.view(), 100, o);
    FAIL() << "no throw";
  } catch (const core::UsageError& e) {
    EXPECT_EQ(std::string(e.what()),
              "allocate: strategy A leg C0 returns has 199 values, the input has 200 bars");
  }
  OwnedInput nan = in;
  nan.strategies[0].legs[0].returns[50] = std::nan("");
  EXPECT_THROW(allocate(nan.view(), 100, o), core::UsageError);
  EXPECT_NO_THROW(allocate(nan.view(), 50, o));  // bar 50 is not read by a decision at 50
  Allocation other = allocate(in.view(), 100, o);
  other.strategies[0].id = "Z";
  EXPECT_THROW(allocate(in.view(), 100, o, &other), core::UsageError);
  AllocatorOptions bad = o;
  bad.caps.per_strategy = 0.5;
  EXPECT_THROW(allocate(in.view(), 100, bad), core::UsageError);
}

}  // namespace
}  // namespace organism::portfolio

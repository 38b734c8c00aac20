// Hand-checked bars for the rules: where a family enters and exits on a pattern follows from its
// documented rule, not just "somewhere". Complements family_signals_test's counts.
#include <gtest/gtest.h>

#include "strategy/family.hpp"
#include "strategy/patterns.hpp"

namespace organism::strategy {
namespace {

std::vector<double> run(std::string_view family, const MarketView& view, ParamValues p = {}) {
  const Family& f = find_family(family);
  if (p.empty()) p = default_params(f.params());
  std::vector<double> e(view.bars.size());
  f.signal(view, clamp_params(f.params(), p), e);
  return e;
}

TEST(FamilyRules, DonchianEntersOnTheStepBarAndFlipsOnTheStepDown) {
  const auto pat = test::step();  // 100 until bar 199, 120 until 399, then 90
  const auto e = run("donchian_breakout", pat.view());
  EXPECT_EQ(e[199], 0.0);
  EXPECT_EQ(e[200], 1.0);   // close 120 > the highest high (100) of the 20 bars before
  EXPECT_EQ(e[399], 1.0);   // flat at 120: no exit
  EXPECT_EQ(e[400], -1.0);  // close 90 < the lowest low: exit and short
  EXPECT_EQ(e[599], -1.0);
}

TEST(FamilyRules, DonchianThresholdGatesTheBreakout) {
  // A 4% step up: a breakout with a 3% threshold, none with 5%.
  std::vector<double> c(test::kBars, 100.0);
  for (std::size_t i = 300; i < c.size(); ++i) c[i] = 104;
  const auto pat = test::make_pattern("small_step", c);
  EXPECT_EQ(run("donchian_breakout", pat.view(), {20, 0.03, 0, 10})[300], 1.0);
  for (double x : run("donchian_breakout", pat.view(), {20, 0.05, 0, 10})) EXPECT_EQ(x, 0.0);
}

TEST(FamilyRules, DonchianShorterExitLeavesEarlier) {
  // Up 100 -> 120, then down to 115 for good: below the 5-bar channel's low (120) but not the
  // 20-bar channel's (which still holds the step bar's wick at 95): only the shorter exit leaves.
  std::vector<double> c(test::kBars, 100.0);
  for (std::size_t i = 200; i < c.size(); ++i) c[i] = i < 210 ? 120 : 115;
  const auto pat = test::make_pattern("pullback", c);
  const auto opposite = run("donchian_breakout", pat.view(), {20, 0, 0, 5});
  const auto shorter = run("donchian_breakout", pat.view(), {20, 0, 1, 5});
  EXPECT_EQ(opposite[200], 1.0);
  EXPECT_EQ(shorter[200], 1.0);
  EXPECT_EQ(opposite[210], 1.0);
  EXPECT_EQ(shorter[210], 0.0);
}

TEST(FamilyRules, EmaCrossFollowsTheTrendAndFlipsAfterTheTop) {
  const auto pat = test::trend();  // top at bar 300
  const auto e = run("ema_cross", pat.view());
  EXPECT_EQ(e[24], 0.0);  // warm-up: EMA(26) first defined at bar 25
  EXPECT_EQ(e[25], 1.0);
  EXPECT_EQ(e[300], 1.0);
  // The fast EMA falls below the slow one a few bars after the top, and stays below.
  std::size_t flip = 0;
  for (std::size_t i = 300; i < e.size() && flip == 0; ++i) flip = e[i] < 0 ? i : 0;
  EXPECT_GT(flip, 300u);
  EXPECT_LT(flip, 330u);
  for (std::size_t i = flip; i < e.size(); ++i) ASSERT_EQ(e[i], -1.0) << i;
}

TEST(FamilyRules, EmaCrossMomentumConfirmationDelaysNothingOnACleanTrend) {
  const auto pat = test::trend();
  const auto plain = run("ema_cross", pat.view());
  const auto confirmed = run("ema_cross", pat.view(), {12, 26, 1, 10});
  EXPECT_EQ(plain, confirmed);  // on a straight line the momentum always agrees with the cross
}

TEST(FamilyRules, RsiRevertsOnTheSine) {
  const auto pat = test::oscillation();  // period 50: troughs at bars 37, 87, ...
  const auto e = run("rsi_reversion", pat.view());
  // Long somewhere on the way down to each trough, short near each peak.
  bool long_near_trough = false, short_near_peak = false;
  for (std::size_t i = 80; i < 95; ++i) long_near_trough = long_near_trough || e[i] > 0;
  for (std::size_t i = 55; i < 70; ++i) short_near_peak = short_near_peak || e[i] < 0;
  EXPECT_TRUE(long_near_trough);
  EXPECT_TRUE(short_near_peak);
}

TEST(FamilyRules, FundingThresholdsArePerHourWhateverTheInterval) {
  auto pat = test::trend();
  const auto hourly = run("funding_carry", pat.view());
  // The same rates settled four per 4h bar: per bar 4x, per hour the same.
  auto view = pat.view();
  view.interval = *core::Interval::parse("4h");
  std::vector<double> four(pat.funding.size());
  for (std::size_t i = 0; i < four.size(); ++i) four[i] = 4 * pat.funding[i];
  view.funding_per_bar = four;
  EXPECT_EQ(run("funding_carry", view), hourly);
}

TEST(FamilyRules, FundingCarryHoldsAtLeastMinHold) {
  // High for 40 bars, then 0: the short opened at bar 23 exits at once when min_hold is 0 and
  // the mean falls below exit, but not before min_hold bars when it is 30.
  auto pat = test::flat();
  for (std::size_t i = 0; i < pat.funding.size(); ++i) pat.funding[i] = i < 40 ? 0.0005 : 0.0;
  const auto quick = run("funding_carry", pat.view(), {24, 0.0001, 0.00002, 0});
  const auto held = run("funding_carry", pat.view(), {24, 0.0001, 0.00002, 200});
  EXPECT_EQ(quick[23], -1.0);
  EXPECT_EQ(held[23], -1.0);
  std::size_t exit_quick = 0;
  for (std::size_t i = 24; i < quick.size() && exit_quick == 0; ++i)
    exit_quick = quick[i] == 0 ? i : 0;
  EXPECT_GT(exit_quick, 40u);  // the 24-bar mean falls below exit once enough zero bars enter it
  EXPECT_LT(exit_quick, 70u);
  EXPECT_EQ(held[exit_quick], -1.0);
  EXPECT_EQ(held[23 + 200], -1.0);
  EXPECT_EQ(held[23 + 201], 0.0);
}

TEST(FamilyRules, VolScalingSizesToTheTarget) {
  const auto pat = test::random_walk(5);
  const auto e = run("vol_scaling", pat.view(), {50, 24, 0.05});
  // 1% hourly moves are about 94% a year: a 5% target holds about 5% / 94% of equity.
  double most = 0;
  for (double x : e) most = std::max(most, std::abs(x));
  EXPECT_GT(most, 0.02);
  EXPECT_LT(most, 0.15);
}

}  // namespace
}  // namespace organism::strategy

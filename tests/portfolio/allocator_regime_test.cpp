// The regime scale (allocator.hpp step 5): a leg that wins in normal volatility and loses only in
// high volatility is multiplied by regime_scale when the current regime is high volatility, and
// not when it is normal.
#include <gtest/gtest.h>

#include <cmath>

#include "allocator_fixture.hpp"
#include "portfolio/allocator.hpp"

namespace organism::portfolio {
namespace {

constexpr std::size_t kBars = 300;
constexpr std::uint8_t kNormalVol = 2 * 24;  // Regime{Normal, Unknown, Unknown}.code()
constexpr std::uint8_t kHighVol = 3 * 24;    // Regime{High, Unknown, Unknown}.code()

// Blocks of 10 bars: two in normal volatility, one in high. The return over bar i is decided
// under the regime at i - 1: +0.3% there in normal volatility, -0.4% in high (plus a wiggle).
test::OwnedInput loses_in_high_volatility() {
  test::OwnedLeg leg{"BTC", std::vector<double>(kBars, 0.0), std::vector<std::uint8_t>(kBars)};
  for (std::size_t i = 0; i < kBars; ++i)
    leg.regimes[i] = (i / 10) % 3 == 2 ? kHighVol : kNormalVol;
  for (std::size_t i = 1; i < kBars; ++i) {
    leg.returns[i] = (leg.regimes[i - 1] == kHighVol ? -0.004 : 0.003) +
                     0.002 * std::sin(1.7 * static_cast<double>(i));
  }
  test::OwnedInput in;
  in.bars = kBars;
  in.strategies = {test::OwnedStrategy{"S", {leg}, 0}};
  return in;
}

AllocatorOptions options() {
  AllocatorOptions o;
  o.min_history_bars = 100;
  o.min_regime_bars = 30;
  o.sizing.kelly_fraction = 0.002;  // below every cap, so the weights compare unscaled
  o.sizing.regime_scale = 0.25;
  return o;
}

TEST(AllocatorRegime, ALegThatLostInHighVolatilityIsScaledThereOnly) {
  const std::size_t t = 250;  // regimes[249] is normal volatility (block 24)
  test::OwnedInput normal = loses_in_high_volatility();
  ASSERT_EQ(normal.strategies[0].legs[0].regimes[t - 1], kNormalVol);
  test::OwnedInput high = normal;
  high.strategies[0].legs[0].regimes[t - 1] = kHighVol;  // only the current regime differs

  const Allocation in_normal = allocate(normal.view(), t, options());
  const Allocation in_high = allocate(high.view(), t, options());
  const auto &n = in_normal.strategies[0], &h = in_high.strategies[0];
  ASSERT_TRUE(n.dropped.empty()) << n.dropped;
  ASSERT_GT(n.weight, 0.0);
  ASSERT_LT(n.weight, 0.25);
  EXPECT_EQ(n.legs[0].regime_scale, 1.0);
  EXPECT_EQ(h.legs[0].regime_scale, 0.25);
  EXPECT_EQ(h.kelly, n.kelly);                           // the same past: the same Kelly fraction
  EXPECT_EQ(h.legs[0].weight, 0.25 * n.legs[0].weight);  // exact: x 0.25 is a power of two

  // One strategy: Kelly = 0.002 x mean / variance (1/n) of its 250 past returns, by hand.
  const auto& r = normal.strategies[0].legs[0].returns;
  double mean = 0, var = 0;
  for (std::size_t i = 0; i < t; ++i) mean += r[i] / t;
  for (std::size_t i = 0; i < t; ++i) var += (r[i] - mean) * (r[i] - mean) / t;
  EXPECT_NEAR(n.kelly, 0.002 * mean / var, 1e-10 * n.kelly);
  EXPECT_EQ(n.weight, n.kelly);  // one leg, no cap, no scale
}

TEST(AllocatorRegime, TooFewBarsInTheRegimeIsNoEvidence) {
  const std::size_t t = 250;
  test::OwnedInput high = loses_in_high_volatility();
  high.strategies[0].legs[0].regimes[t - 1] = kHighVol;
  AllocatorOptions o = options();
  o.min_regime_bars = 200;  // about 83 high-volatility bars in the lookback
  EXPECT_EQ(allocate(high.view(), t, o).strategies[0].legs[0].regime_scale, 1.0);
  o.min_regime_bars = 80;
  EXPECT_EQ(allocate(high.view(), t, o).strategies[0].legs[0].regime_scale, 0.25);
}

}  // namespace
}  // namespace organism::portfolio

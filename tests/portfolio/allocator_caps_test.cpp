// Property test of the allocator's caps: over 10,000 random strategy sets, histories, caps and
// sizing parameters, with and without a previous allocation (the band path), no output breaks a
// cap (allocator.hpp steps 6-7 and target_exposures).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "allocator_fixture.hpp"
#include "portfolio/allocator.hpp"

namespace organism::portfolio {
namespace {

AllocatorOptions random_options(core::Rng& rng, std::size_t bars) {
  AllocatorOptions o;
  o.caps.per_strategy = rng.uniform(1e-3, kHardStrategyCap);
  o.caps.per_asset = rng.uniform(1e-3, 1.0);
  o.caps.gross = rng.uniform(1e-3, 10.0);
  o.caps.correlation = rng.bernoulli(0.1) ? 1.0 : rng.uniform(1e-3, 1.0);
  o.sizing.kelly_fraction = rng.uniform(1e-3, 1.0);
  o.sizing.band = rng.uniform(0, 0.2);
  o.sizing.regime_scale = rng.uniform(0, 1);
  o.sizing.score_sharpe = rng.uniform(0, 2);
  o.sizing.score_consistency = rng.uniform(0, 2);
  o.sizing.score_drawdown = rng.uniform(0, 2);
  o.sizing.score_age = rng.uniform(0, 2);
  o.sizing.tilt_liquidity = rng.uniform(-5, 5);
  o.sizing.tilt_volatility = rng.uniform(-5, 5);
  o.sizing.tilt_momentum = rng.uniform(-5, 5);
  o.lookback_bars = 2 + rng.below(bars);
  o.min_history_bars = 2 + rng.below(40);
  o.min_regime_bars = 1 + rng.below(30);
  o.consistency_windows = 1 + static_cast<int>(rng.below(12));
  return o;
}

// A previous allocation of the same strategies with arbitrary leg weights (caps not respected:
// the band must not carry an old breach through).
Allocation random_previous(core::Rng& rng, const Allocation& shape) {
  Allocation prev = shape;
  for (auto& s : prev.strategies) {
    s.weight = 0;
    for (auto& leg : s.legs)
      s.weight += leg.weight = rng.bernoulli(0.3) ? 0.0 : rng.uniform(0, 0.5);
  }
  return prev;
}

void expect_caps_hold(const Allocation& a, const AllocatorOptions& o, core::Rng& rng,
                      std::uint64_t trial) {
  const double cap = std::min(o.caps.per_strategy, kHardStrategyCap);
  double sum = 0;
  for (const auto& s : a.strategies) {
    double legs = 0;
    for (const auto& leg : s.legs) {
      ASSERT_TRUE(std::isfinite(leg.weight)) << "trial " << trial;
      ASSERT_GE(leg.weight, 0.0) << "trial " << trial;
      legs += leg.weight;
    }
    ASSERT_TRUE(std::isfinite(s.weight)) << "trial " << trial;
    ASSERT_GE(s.weight, 0.0) << "trial " << trial;
    ASSERT_LE(s.weight, cap + 1e-12) << "trial " << trial << " " << s.id;
    ASSERT_NEAR(s.weight, legs, 1e-12) << "trial " << trial;
    if (!s.dropped.empty()) {
      ASSERT_EQ(s.weight, 0.0) << "trial " << trial << " " << s.dropped;
    }
    sum += s.weight;
  }
  ASSERT_LE(sum, o.caps.gross + 1e-12) << "trial " << trial;

  std::vector<std::vector<double>> x;
  for (const auto& s : a.strategies) {
    std::vector<double> row;
    for (std::size_t j = 0; j < s.legs.size(); ++j) row.push_back(rng.uniform(-3, 3));
    x.push_back(std::move(row));
  }
  const TargetExposures t = target_exposures(a, x, o.caps);
  // Net per coin recomputed here from the exposures, not taken from t.net.
  std::map<std::string, double> net;
  double gross = 0;
  for (std::size_t s = 0; s < a.strategies.size(); ++s) {
    for (std::size_t j = 0; j < a.strategies[s].legs.size(); ++j) {
      ASSERT_TRUE(std::isfinite(t.exposure[s][j])) << "trial " << trial;
      net[a.strategies[s].legs[j].coin] += t.exposure[s][j];
      gross += std::abs(t.exposure[s][j]);
    }
  }
  for (const auto& [coin, v] : net)
    ASSERT_LE(std::abs(v), o.caps.per_asset + 1e-12) << "trial " << trial << " " << coin;
  ASSERT_LE(gross, o.caps.gross + 1e-12) << "trial " << trial;
  ASSERT_LE(t.gross, o.caps.gross + 1e-12) << "trial " << trial;
}

TEST(AllocatorCaps, HoldOverTenThousandRandomSetsWithAndWithoutBand) {
  core::Rng rng(20260521);
  std::size_t weighted = 0, capped = 0;
  for (std::uint64_t trial = 0; trial < 10'000; ++trial) {
    const std::size_t bars = 20 + rng.below(240);
    const test::OwnedInput owned = test::random_input(rng, bars);
    const AllocatorInput input = owned.view();
    const AllocatorOptions o = random_options(rng, bars);
    const std::size_t t = rng.below(bars + 1);
    const Allocation a = allocate(input, t, o);
    expect_caps_hold(a, o, rng, trial);
    if (HasFatalFailure()) return;
    for (const auto& s : a.strategies) {
      weighted += s.weight > 0 ? 1 : 0;
      capped += s.weight > 0 && s.weight >= std::min(o.caps.per_strategy, kHardStrategyCap) - 1e-12
                    ? 1
                    : 0;
    }
    const Allocation previous = random_previous(rng, a);
    expect_caps_hold(allocate(input, t, o, &previous), o, rng, trial);
    if (HasFatalFailure()) return;
  }
  // The property is not vacuous: many strategies got weight, and the cap often bound.
  EXPECT_GT(weighted, 5'000u);
  EXPECT_GT(capped, 1'000u);
}

}  // namespace
}  // namespace organism::portfolio

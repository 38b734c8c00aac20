// No look-ahead: a decision at bar t is bitwise the same on the full data, on the data cut at t,
// on data whose bars >= t are shuffled and on data whose bars >= t are garbage (allocator.hpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <limits>
#include <type_traits>

#include "allocator_fixture.hpp"
#include "portfolio/allocator.hpp"

namespace organism::portfolio {
namespace {

using test::OwnedInput;

// Applies `change(series, t)` to every series of the input at once.
template <class Change>
OwnedInput changed_after(OwnedInput in, Change change) {
  for (auto& s : in.strategies) {
    for (auto& leg : s.legs) {
      change(leg.returns);
      change(leg.regimes);
    }
  }
  for (auto& c : in.coins) {
    for (auto* f : {&c.liquidity, &c.volatility, &c.momentum}) change(*f);
  }
  return in;
}

void expect_same(const Allocation& a, const Allocation& b) {
  ASSERT_EQ(a.bar, b.bar);
  ASSERT_EQ(a.strategies.size(), b.strategies.size());
  for (std::size_t s = 0; s < a.strategies.size(); ++s) {
    const auto &x = a.strategies[s], &y = b.strategies[s];
    EXPECT_EQ(x.weight, y.weight) << x.id;  // bitwise: the same operations on the same numbers
    EXPECT_EQ(x.score, y.score) << x.id;
    EXPECT_EQ(x.kelly, y.kelly) << x.id;
    EXPECT_EQ(x.dropped, y.dropped) << x.id;
    ASSERT_EQ(x.legs.size(), y.legs.size());
    for (std::size_t j = 0; j < x.legs.size(); ++j) {
      EXPECT_EQ(x.legs[j].weight, y.legs[j].weight) << x.id;
      EXPECT_EQ(x.legs[j].regime_scale, y.legs[j].regime_scale) << x.id;
    }
  }
}

TEST(AllocatorLookAhead, DataAtOrAfterTheDecisionBarChangesNothing) {
  core::Rng rng(77);
  std::size_t weighted = 0;
  for (int trial = 0; trial < 200; ++trial) {
    const std::size_t bars = 120 + rng.below(200);
    const OwnedInput full = test::random_input(rng, bars);
    const std::size_t t = 60 + rng.below(bars - 60);
    AllocatorOptions o;
    o.lookback_bars = 30 + rng.below(100);
    o.min_history_bars = 20;
    o.min_regime_bars = 5;
    o.caps.correlation = 0.9;
    o.sizing.tilt_liquidity = 1;
    o.sizing.tilt_volatility = -0.5;
    o.sizing.tilt_momentum = 0.7;

    OwnedInput cut = changed_after(full, [&](auto& v) {
      if (!v.empty()) v.resize(t);
    });
    cut.bars = t;
    core::Rng shuffle_rng(static_cast<std::uint64_t>(trial));
    const OwnedInput shuffled = changed_after(full, [&](auto& v) {
      for (std::size_t i = v.size(); i > t + 1; --i)
        std::swap(v[i - 1], v[t + shuffle_rng.below(i - t)]);
    });
    const OwnedInput garbage = changed_after(full, [&](auto& v) {
      using T = typename std::decay_t<decltype(v)>::value_type;
      for (std::size_t i = t; i < v.size(); ++i) {
        if constexpr (std::is_floating_point_v<T>) {
          v[i] = i % 2 ? std::numeric_limits<double>::quiet_NaN() : 1e300;
        } else {
          v[i] = 255;  // not even a regime code
        }
      }
    });

    const Allocation reference = allocate(full.view(), t, o);
    for (const auto& s : reference.strategies) weighted += s.weight > 0 ? 1 : 0;
    for (const OwnedInput* other :
         std::initializer_list<const OwnedInput*>{&cut, &shuffled, &garbage}) {
      expect_same(reference, allocate(other->view(), t, o));
      // And with a previous allocation (the band reads it, never the data after t).
      expect_same(allocate(full.view(), t, o, &reference),
                  allocate(other->view(), t, o, &reference));
    }
    if (HasFailure()) return;
  }
  EXPECT_GT(weighted, 100u);  // decisions that weighted something were compared
}

}  // namespace
}  // namespace organism::portfolio

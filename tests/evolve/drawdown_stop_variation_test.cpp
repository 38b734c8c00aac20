// The drawdown-stop genes under crossover and mutation: varied only where on, after every other
// draw, so that a genome without them sees exactly the draws it saw before they existed.
#include <gtest/gtest.h>

#include "core/random.hpp"
#include "evolve/variation.hpp"
#include "strategy/genome.hpp"

namespace organism::evolve {
namespace {

using strategy::Genome;

// The genome with its breaker genes set aside, for comparing every other gene.
std::string without_breakers(Genome g) {
  g.risk.dd_stop = 0;
  g.risk.dd_cooldown = 24;
  return strategy::canonical_json(g);
}

TEST(DrawdownStopVariation, OtherGenesSeeTheSameDrawsWithTheStopOnOrOff) {
  VariationOptions options;
  options.mutation_rate = 0.5;  // most genes move, the breaker genes too
  options.family_switch_probability = 0;
  int stops_moved = 0;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    core::Rng draw(seed, {7});
    const Genome off = strategy::random_genome("rsi_reversion", draw);
    Genome on = off;
    on.risk.dd_stop = 0.1;
    on.risk.dd_cooldown = 100;
    Genome a = off, b = on;
    core::Rng ra(seed, {8}), rb(seed, {8});
    mutate(a, options, ra);
    mutate(b, options, rb);
    EXPECT_EQ(without_breakers(a), without_breakers(b)) << seed;
    EXPECT_EQ(a.risk.dd_stop, 0) << seed;  // never switched on by mutation
    EXPECT_GE(b.risk.dd_stop, strategy::kMinDdStop) << seed;  // never switched off
    EXPECT_LE(b.risk.dd_stop, 0.5) << seed;
    stops_moved += b.risk.dd_stop != 0.1 ? 1 : 0;

    core::Rng rc(seed, {9}), rd(seed, {9});
    const auto [c1, c2] = crossover(off, off, options, rc);
    const auto [d1, d2] = crossover(on, on, options, rd);
    EXPECT_EQ(without_breakers(c1), without_breakers(d1)) << seed;
    EXPECT_EQ(without_breakers(c2), without_breakers(d2)) << seed;
  }
  EXPECT_GT(stops_moved, 5);
}

TEST(DrawdownStopVariation, OneParentsStopMovesAsAPair) {
  VariationOptions options;
  options.crossover_probability = 1;
  Genome off = strategy::default_genome("ema_cross");
  Genome on = off;
  on.risk.dd_stop = 0.2;
  on.risk.dd_cooldown = 10;
  int moved = 0;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    core::Rng rng(seed, {3});
    const auto [x, y] = crossover(off, on, options, rng);
    // Exactly one child carries the stop, with both its genes.
    EXPECT_EQ((x.risk.dd_stop > 0) + (y.risk.dd_stop > 0), 1) << seed;
    const Genome& carrier = x.risk.dd_stop > 0 ? x : y;
    EXPECT_EQ(carrier.risk.dd_stop, 0.2);
    EXPECT_EQ(carrier.risk.dd_cooldown, 10);
    moved += x.risk.dd_stop > 0 ? 1 : 0;
  }
  EXPECT_GT(moved, 5);
  EXPECT_LT(moved, 35);
}

}  // namespace
}  // namespace organism::evolve

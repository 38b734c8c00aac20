// Genomes of the tree family: JSON round trip of random rule trees, exposures from the rule
// evaluator, and no look-ahead through the genome (regime filter and vol targeting included).
#include <gtest/gtest.h>

#include "core/random.hpp"
#include "strategy/genome.hpp"
#include "strategy/gp/interpreter.hpp"

namespace organism::strategy {
namespace {

data::Candles walk(std::size_t n, std::uint64_t seed) {
  core::Rng rng(seed);
  data::Candles c;
  double p = 100;
  for (std::size_t i = 0; i < n; ++i) {
    const double o = p;
    p *= std::exp(0.01 * rng.normal());
    c.push_back({1704067200000 + static_cast<std::int64_t>(i) * 3'600'000, o, std::max(o, p) * 1.002,
                 std::min(o, p) * 0.998, p, 1 + rng.uniform() * 10});
  }
  return c;
}

TEST(TreeGenome, JsonRoundTripOfRandomTrees) {
  for (std::uint64_t seed = 0; seed < 1000; ++seed) {
    core::Rng rng(seed);
    const Genome g = random_genome(kTreeFamily, rng);
    EXPECT_TRUE(g.params.empty());
    const auto text = to_json(g);
    const Genome back = from_json(text);
    ASSERT_EQ(to_json(back), text) << seed;
    EXPECT_EQ(back.rule, g.rule);
    EXPECT_EQ(genome_id(back), genome_id(g));
  }
}

TEST(TreeGenome, ExposuresAreTheRuleInterpretersWhenFiltersAreOff) {
  const auto bars = walk(3000, 7);
  MarketView view{bars.view()};
  for (std::uint64_t seed = 0; seed < 50; ++seed) {
    core::Rng rng(seed);
    Genome g = random_genome(kTreeFamily, rng);
    g.regime = RegimeFilter{};
    g.risk.vol_target_on = false;
    gp::Interpreter ev;
    EXPECT_EQ(exposures(g, view), ev.exposure(g.rule, view)) << seed;
  }
}

TEST(TreeGenome, NoLookAhead) {
  const auto bars = walk(1500, 9);
  std::size_t trading = 0;
  for (std::uint64_t seed = 100; seed < 300; ++seed) {
    core::Rng rng(seed);
    const Genome g = random_genome(kTreeFamily, rng);
    const auto whole = exposures(g, MarketView{bars.view()});
    for (std::size_t cut : {1u, 50u, 700u, 1499u}) {
      const auto part = exposures(g, MarketView{bars.view(0, cut)});
      ASSERT_TRUE(std::equal(part.begin(), part.end(), whole.begin())) << "seed " << seed << " cut " << cut;
    }
    trading += std::any_of(whole.begin(), whole.end(), [](double x) { return x != 0; });
  }
  EXPECT_GT(trading, 20u);  // the property is not vacuous
}

TEST(TreeGenome, DefaultRuleIsTheEmaCrossover) {
  const Genome g = default_genome(kTreeFamily);
  EXPECT_EQ(g.family, "tree");
  EXPECT_NE(describe(g).find("(crosses_above ema_12 ema_26)"), std::string::npos);
  EXPECT_EQ(genome_families().back(), "tree");
  EXPECT_EQ(genome_families().size(), family_names().size() + 1);
}

}  // namespace
}  // namespace organism::strategy

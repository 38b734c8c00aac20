// Crossover and mutation of whole genomes over every family: children within bounds, copies where
// there is nothing to cross, genes mutated at the configured rate, the family switch, valid trees
// under tight limits, determinism, and ids that tell children from parents.
#include "evolve/variation.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "strategy/genome_fields.hpp"
#include "strategy/gp/random_tree.hpp"

namespace organism::evolve {
namespace {

namespace gp = strategy::gp;
using strategy::Genome;
using strategy::ParamSpec;
using strategy::ParamType;
using strategy::ParamValues;

struct Genes {
  std::vector<ParamSpec> specs;
  ParamValues values;
};

// Every gene of a genome with its spec, in the order variation walks them.
Genes genes(const Genome& g) {
  Genes out;
  if (g.family != strategy::kTreeFamily) {
    const auto& specs = strategy::find_family(g.family).params();
    out.specs.assign(specs.begin(), specs.end());
    out.values = g.params;
  }
  const auto add = [&](const std::vector<ParamSpec>& specs, const ParamValues& values) {
    out.specs.insert(out.specs.end(), specs.begin(), specs.end());
    out.values.insert(out.values.end(), values.begin(), values.end());
  };
  add(strategy::risk_specs(), strategy::risk_values(g.risk));
  add(strategy::regime_specs(), strategy::regime_values(g.regime));
  return out;
}

void expect_valid(const Genome& g, const gp::Limits& limits, const std::string& context) {
  const Genes all = genes(g);
  ASSERT_EQ(all.specs.size(), all.values.size()) << context;
  for (std::size_t i = 0; i < all.specs.size(); ++i) {
    const ParamSpec& spec = all.specs[i];
    const double v = all.values[i];
    EXPECT_EQ(v, strategy::clamp_param(spec, v)) << context << " " << spec.name;
    if (spec.type != ParamType::Real) {
      EXPECT_EQ(v, std::round(v)) << context << " " << spec.name;
    }
    if (spec.type == ParamType::Choice) {
      EXPECT_LT(v, static_cast<double>(spec.choices.size())) << context;
    }
  }
  EXPECT_LE(g.regime.fg_low, g.regime.fg_high) << context;
  if (g.family == strategy::kTreeFamily) {
    EXPECT_EQ(gp::check(g.rule, limits), "") << context;
  } else {
    EXPECT_TRUE(g.params.size() == all.specs.size() - 14) << context;
  }
}

// A random genome whose rule trees fit the limits.
Genome random_within(const std::string& family, const gp::Limits& limits, core::Rng& rng) {
  Genome g = strategy::random_genome(family, rng);
  if (family == strategy::kTreeFamily) {
    gp::GenOptions o;
    o.max_depth = std::min(o.max_depth, limits.max_depth);
    o.min_depth = std::min(o.min_depth, o.max_depth);
    o.max_nodes = std::min(o.max_nodes, limits.max_nodes);
    g.rule = gp::random_rule(rng, o);
  }
  return g;
}

TEST(Variation, ChildrenStayWithinBoundsForEveryFamily) {
  for (const auto& family : strategy::genome_families()) {
    for (double rate : {-1.0, 0.3, 1.0}) {
      VariationOptions options;
      options.mutation_rate = rate;
      for (std::uint64_t seed = 0; seed < 150; ++seed) {
        core::Rng rng(seed, {7});
        const Genome a = strategy::random_genome(family, rng);
        const Genome b = strategy::random_genome(family, rng);
        auto [x, y] = crossover(a, b, options, rng);
        const std::string context = family + " seed " + std::to_string(seed);
        expect_valid(x, options.tree_limits, context + " crossed");
        expect_valid(y, options.tree_limits, context + " crossed");
        mutate(x, options, rng);
        mutate(y, options, rng);
        expect_valid(x, options.tree_limits, context + " mutated");
        expect_valid(y, options.tree_limits, context + " mutated");
      }
    }
  }
}

TEST(Variation, CrossoverOfIdenticalParentsGivesThemBack) {
  const VariationOptions options;
  for (const auto& family : strategy::genome_families()) {
    for (std::uint64_t seed = 0; seed < 50; ++seed) {
      core::Rng rng(seed);
      const Genome g = strategy::random_genome(family, rng);
      const auto [x, y] = crossover(g, g, options, rng);
      EXPECT_EQ(strategy::canonical_json(x), strategy::canonical_json(g)) << family;
      EXPECT_EQ(strategy::canonical_json(y), strategy::canonical_json(g)) << family;
    }
  }
}

TEST(Variation, CrossoverOfDifferentFamiliesGivesCopies) {
  const auto families = strategy::genome_families();
  const VariationOptions options;
  for (std::uint64_t seed = 0; seed < 200; ++seed) {
    core::Rng rng(seed);
    const Genome a = strategy::random_genome(families[seed % families.size()], rng);
    const Genome b =
        strategy::random_genome(families[(seed + 1 + seed / 7 % 5) % families.size()], rng);
    ASSERT_NE(a.family, b.family);
    const auto [x, y] = crossover(a, b, options, rng);
    EXPECT_EQ(strategy::canonical_json(x), strategy::canonical_json(a));
    EXPECT_EQ(strategy::canonical_json(y), strategy::canonical_json(b));
    EXPECT_EQ(x.generation, a.generation);
  }
}

TEST(Variation, CrossoverMixesParentGenes) {
  // Choices and bools come from one parent or the other; reals land in the bounds, and half the
  // genes differ from the first parent on average.
  VariationOptions options;
  options.crossover_probability = 1;
  for (const auto& family : strategy::family_names()) {
    int changed = 0, total = 0;
    for (std::uint64_t seed = 0; seed < 100; ++seed) {
      core::Rng rng(seed, {3});
      const Genome a = strategy::random_genome(family, rng);
      const Genome b = strategy::random_genome(family, rng);
      const auto [x, y] = crossover(a, b, options, rng);
      const Genes ga = genes(a), gb = genes(b), gx = genes(x), gy = genes(y);
      for (std::size_t i = 0; i < ga.specs.size(); ++i) {
        const ParamType type = ga.specs[i].type;
        if (type == ParamType::Choice || type == ParamType::Bool) {
          EXPECT_TRUE(gx.values[i] == ga.values[i] || gx.values[i] == gb.values[i]) << family;
          // Swapped or not, the pair keeps both values.
          EXPECT_EQ(gx.values[i] + gy.values[i], ga.values[i] + gb.values[i]) << family;
        }
        if (ga.values[i] != gb.values[i]) {
          ++total;
          changed += gx.values[i] != ga.values[i];
        }
      }
    }
    const double share = static_cast<double>(changed) / total;
    EXPECT_GT(share, 0.3) << family;
    EXPECT_LT(share, 0.8) << family;
  }
}

TEST(Variation, TreeSlotsOnlyOneParentHasMoveHalfTheTime) {
  VariationOptions options;
  options.crossover_probability = 1;
  int moved = 0;
  const int trials = 2000;
  for (int seed = 0; seed < trials; ++seed) {
    core::Rng rng(static_cast<std::uint64_t>(seed));
    Genome a = strategy::random_genome(strategy::kTreeFamily, rng);
    Genome b = strategy::random_genome(strategy::kTreeFamily, rng);
    a.rule.long_exit = gp::random_tree(rng, gp::Type::Bool);
    b.rule.long_exit.reset();
    const int total = gp::node_count(*a.rule.long_entry) + gp::node_count(*b.rule.long_entry);
    const auto [x, y] = crossover(a, b, options, rng);
    moved += !x.rule.long_exit.has_value();
    EXPECT_NE(x.rule.long_exit.has_value(), y.rule.long_exit.has_value());
    // Subtree crossover moves nodes between the two children's trees of a slot, never loses any.
    EXPECT_EQ(gp::node_count(*x.rule.long_entry) + gp::node_count(*y.rule.long_entry), total);
  }
  // Binomial(2000, 1/2): standard deviation 22.4; 5 of them.
  EXPECT_NEAR(moved, trials / 2, 112);
}

TEST(Variation, EveryGeneMutatesAtRateOne) {
  VariationOptions options;
  options.mutation_rate = 1;
  options.family_switch_probability = 0;
  for (const auto& family : strategy::family_names()) {
    std::vector<int> changes;
    for (std::uint64_t seed = 0; seed < 200; ++seed) {
      core::Rng rng(seed, {5});
      const Genome before = strategy::random_genome(family, rng);
      Genome after = before;
      mutate(after, options, rng);
      const Genes gb = genes(before), ga = genes(after);
      changes.resize(gb.values.size());
      for (std::size_t i = 0; i < gb.values.size(); ++i) {
        changes[i] += ga.values[i] != gb.values[i];
        if (gb.specs[i].type == ParamType::Bool) {
          EXPECT_NE(ga.values[i], gb.values[i]) << family << " " << gb.specs[i].name;
        }
      }
    }
    const Genes specs = genes(strategy::default_genome(family));
    for (std::size_t i = 0; i < changes.size(); ++i) {
      if (specs.specs[i].evolved) {
        EXPECT_GT(changes[i], 20) << family << " " << specs.specs[i].name;
      } else {  // leverage: a live bound set by the allocator, never varied by evolution
        EXPECT_EQ(changes[i], 0) << family << " " << specs.specs[i].name;
      }
    }
  }
}

TEST(Variation, DefaultRateMutatesAboutOneGene) {
  VariationOptions options;
  options.family_switch_probability = 0;
  for (const auto& family : strategy::family_names()) {
    int changed = 0;
    const int trials = 2000;
    for (int seed = 0; seed < trials; ++seed) {
      core::Rng rng(static_cast<std::uint64_t>(seed), {9});
      const Genome before = strategy::random_genome(family, rng);
      Genome after = before;
      mutate(after, options, rng);
      const Genes gb = genes(before), ga = genes(after);
      for (std::size_t i = 0; i < gb.values.size(); ++i) changed += ga.values[i] != gb.values[i];
    }
    // One gene drawn per genome on average; a few draws land on the same value (ints, bounds).
    const double mean = static_cast<double>(changed) / trials;
    EXPECT_GT(mean, 0.6) << family;
    EXPECT_LT(mean, 1.15) << family;
  }
}

TEST(Variation, LargerDistributionIndexKeepsMutantsCloser) {
  const auto mean_step = [](double eta) {
    VariationOptions options;
    options.mutation_rate = 1;
    options.mutation_eta = eta;
    options.family_switch_probability = 0;
    double sum = 0;
    for (std::uint64_t seed = 0; seed < 2000; ++seed) {
      core::Rng rng(seed);
      Genome g = strategy::default_genome("ema_cross");
      g.risk.vol_target = 1.5;
      mutate(g, options, rng);
      sum += std::fabs(g.risk.vol_target - 1.5);
    }
    return sum / 2000;
  };
  const double wide = mean_step(2), narrow = mean_step(50);
  EXPECT_GT(wide, 2 * narrow);
  EXPECT_GT(narrow, 0);
}

TEST(Variation, FamilySwitchHappensAtItsRateAndKeepsRiskAndRegime) {
  VariationOptions options;
  options.family_switch_probability = 0.1;
  std::map<std::string, int> targets;
  int switched = 0;
  const int trials = 5000;
  for (int seed = 0; seed < trials; ++seed) {
    core::Rng rng(static_cast<std::uint64_t>(seed), {11});
    const Genome before = strategy::random_genome("rsi_reversion", rng);
    Genome after = before;
    mutate(after, options, rng);
    if (after.family == before.family) continue;
    ++switched;
    ++targets[after.family];
    EXPECT_EQ(strategy::risk_values(after.risk), strategy::risk_values(before.risk));
    EXPECT_EQ(strategy::regime_values(after.regime), strategy::regime_values(before.regime));
    EXPECT_EQ(after.generation, before.generation);
    expect_valid(after, options.tree_limits, "switched to " + after.family);
  }
  // Binomial(5000, 0.1): standard deviation 21.2; 5 of them.
  EXPECT_NEAR(switched, 500, 106);
  EXPECT_EQ(targets.size(), strategy::genome_families().size() - 1);

  options.family_switch_probability = 0;
  for (std::uint64_t seed = 0; seed < 500; ++seed) {
    core::Rng rng(seed);
    Genome g = strategy::random_genome("tree", rng);
    mutate(g, options, rng);
    EXPECT_EQ(g.family, "tree");
  }
}

TEST(Variation, TreeGenomesStayValidUnderTightLimits) {
  for (const gp::Limits limits : {gp::Limits{3, 7}, gp::Limits{}, gp::Limits{5, 15}}) {
    VariationOptions options;
    options.tree_limits = limits;
    options.mutation_rate = 0.5;
    options.family_switch_probability = 0.05;
    core::Rng rng(limits.max_depth * 1000 + limits.max_nodes);
    std::vector<Genome> pool;
    for (int i = 0; i < 10; ++i) pool.push_back(random_within("tree", limits, rng));
    for (int step = 0; step < 10'000; step += 2) {
      const Genome& a = pool[rng.below(pool.size())];
      const Genome& b = pool[rng.below(pool.size())];
      auto [x, y] = crossover(a, b, options, rng);
      mutate(x, options, rng);
      mutate(y, options, rng);
      for (const Genome* child : {&x, &y}) {
        if (child->family != "tree") continue;
        ASSERT_EQ(gp::check(child->rule, limits), "") << "step " << step;
      }
      // Keep the pool made of tree genomes so the chain keeps working on trees.
      if (x.family == "tree") pool[rng.below(pool.size())] = std::move(x);
      if (y.family == "tree") pool[rng.below(pool.size())] = std::move(y);
    }
  }
}

TEST(Variation, FamilySwitchToTreesDrawsRulesWithinTightLimits) {
  VariationOptions options;
  options.family_switch_probability = 1;
  options.tree_limits = {3, 7};
  int trees = 0;
  for (std::uint64_t seed = 0; seed < 1000; ++seed) {
    core::Rng rng(seed, {19});
    Genome g = strategy::random_genome("sma_trend", rng);
    mutate(g, options, rng);
    ASSERT_NE(g.family, "sma_trend");
    if (g.family != strategy::kTreeFamily) continue;
    ++trees;
    EXPECT_EQ(gp::check(g.rule, options.tree_limits), "") << seed;
  }
  EXPECT_GT(trees, 50);
}

TEST(Variation, SameSeedSameChildren) {
  VariationOptions options;
  options.family_switch_probability = 0.2;
  for (const auto& family : strategy::genome_families()) {
    const auto run = [&](std::uint64_t seed) {
      core::Rng rng(seed, {13});
      const Genome a = strategy::random_genome(family, rng);
      const Genome b = strategy::random_genome(family, rng);
      auto [x, y] = crossover(a, b, options, rng);
      mutate(x, options, rng);
      mutate(y, options, rng);
      return strategy::canonical_json(x) + "\n" + strategy::canonical_json(y);
    };
    for (std::uint64_t seed = 0; seed < 20; ++seed) EXPECT_EQ(run(seed), run(seed)) << family;
    EXPECT_NE(run(1), run(2)) << family;
  }
}

TEST(Variation, ChildrenIdsDifferFromTheirParents) {
  const VariationOptions options;
  for (const auto& family : strategy::genome_families()) {
    int fresh = 0;
    const int trials = 300;
    for (int seed = 0; seed < trials; ++seed) {
      core::Rng rng(static_cast<std::uint64_t>(seed), {17});
      const Genome a = strategy::random_genome(family, rng);
      Genome b = strategy::random_genome(family, rng);
      b.generation = a.generation;
      auto [x, y] = crossover(a, b, options, rng);
      mutate(x, options, rng);
      const auto id = strategy::genome_id(x);
      fresh += id != strategy::genome_id(a) && id != strategy::genome_id(b);
      // Equal genomes share their id.
      const Genome copy = x;
      EXPECT_EQ(strategy::genome_id(copy), id);
    }
    EXPECT_GT(fresh, trials * 8 / 10) << family;
  }
}

TEST(Variation, RejectsOptionsOutOfRange) {
  core::Rng rng(1);
  Genome g = strategy::default_genome("tree");
  VariationOptions options;
  options.tree_limits = {1, 64};
  EXPECT_THROW(mutate(g, options, rng), std::invalid_argument);
  options = {};
  options.crossover_probability = 1.5;
  EXPECT_THROW(crossover(g, g, options, rng), std::invalid_argument);
}

TEST(Variation, GeneCountIsTheDefaultRatesDenominator) {
  // 14 risk and regime genes, less leverage (not evolved).
  EXPECT_EQ(gene_count(strategy::default_genome("ema_cross")),
            static_cast<int>(strategy::find_family("ema_cross").params().size() + 13));
  // The default tree rule has a long and a short entry.
  EXPECT_EQ(gene_count(strategy::default_genome("tree")), 15);
}

}  // namespace
}  // namespace organism::evolve

// Normalized genomes: genes a switch leaves without effect do not change the id, active genes do,
// normalization never changes the exposures, and active genes are counted as documented.
#include <gtest/gtest.h>

#include <functional>
#include <set>

#include "strategy/genome.hpp"
#include "strategy/patterns.hpp"

namespace organism::strategy {
namespace {

struct Variant {
  const char* what;
  std::function<void(Genome&)> change;
};

// Changes of inactive genes only: each must keep the id.
std::vector<Variant> inert_changes() {
  return {
      {"vol_target off: target and window",
       [](Genome& g) { g.risk.vol_target = 1.7, g.risk.vol_window = 99; }},
      {"vol filter off: k, window, median",
       [](Genome& g) {
         g.regime.vol_k = 3.3, g.regime.vol_window = 50, g.regime.median_window = 900;
       }},
      {"F&G off: band", [](Genome& g) { g.regime.fg_low = 5, g.regime.fg_high = 60; }},
      {"no confirmation: its period", [](Genome& g) { g.params[3] = 42; }},
      {"periods swapped", [](Genome& g) { std::swap(g.params[0], g.params[1]); }},
  };
}

TEST(Normalize, InactiveGenesShareOneId) {
  const Genome base = default_genome("ema_cross");
  const std::string id = genome_id(base);
  for (const auto& v : inert_changes()) {
    Genome g = base;
    v.change(g);
    EXPECT_NE(canonical_json(g), canonical_json(base)) << v.what;  // the genome itself differs
    EXPECT_EQ(genome_id(g), id) << v.what;
    EXPECT_EQ(canonical_json(normalized(g)), canonical_json(base)) << v.what;
  }
  // All at once too.
  Genome all = base;
  for (const auto& v : inert_changes()) v.change(all);
  EXPECT_EQ(genome_id(all), id);
}

TEST(Normalize, SameChangesUnderAnActiveSwitchChangeTheId) {
  Genome base = default_genome("ema_cross");
  base.risk.vol_target_on = true;
  base.regime.vol_filter_on = true;
  base.regime.fg_on = true;
  base.params[2] = 1;  // momentum confirmation
  std::set<std::string> ids = {genome_id(base)};
  for (const auto& v : inert_changes()) {
    if (std::string(v.what) == "periods swapped") continue;  // a symmetry whatever the switches
    Genome g = base;
    v.change(g);
    EXPECT_TRUE(ids.insert(genome_id(g)).second) << v.what;
  }
  // Switching a filter on is itself a change, and so is any active gene.
  Genome on = default_genome("ema_cross");
  on.regime.vol_filter_on = true;
  EXPECT_NE(genome_id(on), genome_id(default_genome("ema_cross")));
  Genome lev = default_genome("ema_cross");
  lev.risk.leverage = 2;
  EXPECT_NE(genome_id(lev), genome_id(default_genome("ema_cross")));
}

TEST(Normalize, FamilyRulesForInertParameters) {
  auto same_id = [](const char* family, int index, double a, double b,
                    std::function<void(Genome&)> set = {}) {
    Genome x = default_genome(family), y = x;
    if (set) set(x), set(y);
    x.params[static_cast<std::size_t>(index)] = a;
    y.params[static_cast<std::size_t>(index)] = b;
    return genome_id(x) == genome_id(y);
  };
  // donchian_breakout exit_period (3) matters only with exit = shorter (2 = 1).
  EXPECT_TRUE(same_id("donchian_breakout", 3, 5, 30));
  EXPECT_FALSE(same_id("donchian_breakout", 3, 5, 30, [](Genome& g) { g.params[2] = 1; }));
  // sma_trend slow_period (2) only with two_sma (1).
  EXPECT_TRUE(same_id("sma_trend", 2, 30, 300));
  EXPECT_FALSE(same_id("sma_trend", 2, 30, 300, [](Genome& g) { g.params[1] = 1; }));
  // svm_classifier loss (3) only with the L2 penalty (2 = 1, the default).
  EXPECT_FALSE(same_id("svm_classifier", 3, 0, 1));
  EXPECT_TRUE(same_id("svm_classifier", 3, 0, 1, [](Genome& g) { g.params[2] = 0; }));
  // ema_cross confirm_period (3) only with a confirmation (2).
  EXPECT_FALSE(same_id("ema_cross", 3, 5, 30, [](Genome& g) { g.params[2] = 2; }));
  // Rules without inert parameters keep every one.
  EXPECT_FALSE(same_id("rsi_reversion", 3, 45, 55));
}

TEST(Normalize, DefaultsAreNormalAndOffSwitchesStayOff) {
  for (const auto& family : genome_families()) {
    const Genome g = default_genome(family);
    EXPECT_EQ(canonical_json(normalized(g)), canonical_json(g)) << family;
  }
}

TEST(Normalize, ExposuresAreUnchangedAndNormalizationIsIdempotent) {
  const auto market = test::random_walk(11, 1500);
  int changed = 0;
  for (const auto& family : genome_families()) {
    // The machine-learning families refit models on this market: fewer of them.
    const bool ml = family != kTreeFamily && find_family(family).number() > 10;
    for (std::uint64_t seed = 0; seed < (ml ? 3u : 12u); ++seed) {
      core::Rng rng(seed, {31});
      const Genome g = random_genome(family, rng);
      const Genome n = normalized(g);
      changed += canonical_json(n) != canonical_json(g);
      ASSERT_EQ(canonical_json(normalized(n)), canonical_json(n)) << family << " " << seed;
      ASSERT_EQ(active_genes(n), active_genes(g)) << family << " " << seed;
      ASSERT_EQ(genome_id(n), genome_id(g));
      ASSERT_EQ(exposures(n, market.view()), exposures(g, market.view())) << canonical_json(g);
    }
  }
  EXPECT_GT(changed, 80);  // random genomes mostly carry inert genes: the check is not vacuous
}

TEST(Normalize, ActiveGenesCountSwitchesOnlyWhenOn) {
  Genome g = default_genome("ema_cross");
  EXPECT_EQ(active_genes(g), 3);  // fast, slow and the leverage cap
  g.params[2] = 1;                // momentum confirmation: confirm and its period
  EXPECT_EQ(active_genes(g), 5);
  g.risk.stop_loss = 0.05;
  EXPECT_EQ(active_genes(g), 6);
  g.risk.vol_target_on = true;  // the switch, the target, the window
  EXPECT_EQ(active_genes(g), 9);
  g.regime.vol_filter_on = true;
  EXPECT_EQ(active_genes(g), 13);
  g.regime.fg_on = true;
  EXPECT_EQ(active_genes(g), 16);
  EXPECT_EQ(active_genes(default_genome("tree")), 1);  // the rule counts in nodes, not genes
}

}  // namespace
}  // namespace organism::strategy

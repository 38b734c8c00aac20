// No look-ahead: exposures computed on a series cut at bar T equal, for every bar before T, those
// computed on the whole series; for every family, with defaults and with random genomes (risk
// block and regime filter included).
#include <gtest/gtest.h>

#include <algorithm>

#include "strategy/genome.hpp"
#include "strategy/patterns.hpp"

namespace organism::strategy {
namespace {

void expect_prefix_equal(const Genome& g, const test::Pattern& pat) {
  const auto whole = exposures(g, pat.view());
  for (std::size_t cut : {std::size_t{0}, std::size_t{1}, std::size_t{30}, std::size_t{97},
                          std::size_t{250}, std::size_t{401}, pat.bars.size() - 1}) {
    const auto part = exposures(g, pat.view(cut));
    ASSERT_EQ(part.size(), cut);
    for (std::size_t i = 0; i < cut; ++i) {
      // Bitwise: a cut must not change a single value, not even by rounding.
      ASSERT_EQ(part[i], whole[i])
          << g.family << " on " << pat.name << " cut at " << cut << ", bar " << i << "\n"
          << to_json(g);
    }
  }
}

TEST(NoLookAhead, DefaultsOnEveryPattern) {
  auto patterns = test::all_patterns();
  patterns.push_back(test::random_walk(1));
  for (const Family* f : all_families()) {
    for (const auto& pat : patterns) expect_prefix_equal(default_genome(*f), pat);
  }
}

TEST(NoLookAhead, RandomGenomesOnRandomWalks) {
  int active = 0, total = 0;  // the check means little unless most genomes trade
  for (std::uint64_t seed = 0; seed < 40; ++seed) {
    const auto pat = test::random_walk(100 + seed);
    for (const Family* f : all_families()) {
      core::Rng rng(seed, {static_cast<std::uint64_t>(f->number())});
      Genome g = random_genome(*f, rng);
      // Short windows so the regime filter opens inside the 600 bars.
      g.regime.median_window = std::min(g.regime.median_window, 200);
      expect_prefix_equal(g, pat);
      const auto e = exposures(g, pat.view());
      active += std::any_of(e.begin(), e.end(), [](double x) { return x != 0; });
      ++total;
    }
  }
  EXPECT_GT(active, total / 2) << active << " of " << total << " random genomes trade";
}

}  // namespace
}  // namespace organism::strategy

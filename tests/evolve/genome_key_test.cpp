// The engine's dedupe key: one key per rule whatever the generation and the inactive genes, so a
// genome differing from an evaluated one only in switched-off genes is not backtested again.
#include <gtest/gtest.h>

#include <set>

#include "evolve/engine.hpp"

namespace organism::evolve {
namespace {

TEST(GenomeKey, InactiveGenesAndGenerationShareOneKey) {
  const strategy::Genome base = strategy::default_genome("sma_trend");
  strategy::Genome g = base;
  g.generation = 17;
  g.params[2] = 333;  // slow_period, without two_sma
  g.risk.vol_target = 2.5;
  g.regime.vol_k = 4;
  g.regime.fg_low = 1;
  EXPECT_EQ(genome_key(g), genome_key(base));
  EXPECT_NE(strategy::genome_id(g), strategy::genome_id(base));  // the id names the generation
  EXPECT_EQ(strategy::genome_id(g).substr(strategy::genome_id(g).size() - 8),
            strategy::genome_id(base).substr(strategy::genome_id(base).size() - 8));
}

TEST(GenomeKey, ActiveGenesChangeTheKey) {
  const strategy::Genome base = strategy::default_genome("sma_trend");
  strategy::Genome two = base;
  two.params[1] = 1;  // two_sma: slow_period now counts
  strategy::Genome slower = two;
  slower.params[2] = 333;
  strategy::Genome stop = base;
  stop.risk.trailing = 0.02;
  const std::set<std::uint64_t> keys = {genome_key(base), genome_key(two), genome_key(slower),
                                        genome_key(stop)};
  EXPECT_EQ(keys.size(), 4u);
}

}  // namespace
}  // namespace organism::evolve

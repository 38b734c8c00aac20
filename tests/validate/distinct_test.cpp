// Distinct front members on the small synthetic market: genomes that trade alike everywhere are
// one member (the simplest genome, the others its aliases); stops that trigger make them distinct.
#include "validate/distinct.hpp"

#include <gtest/gtest.h>

#include "small_market.hpp"

namespace organism::validate {
namespace {

evolve::Individual individual(strategy::Genome g) {
  evolve::Individual ind;
  ind.id = strategy::genome_id(g);
  ind.genome = std::move(g);
  return ind;
}

strategy::Genome trend(int generation) {
  auto g = strategy::default_genome("ema_cross");
  g.generation = generation;
  return g;
}

class Distinct : public ::testing::Test {
 protected:
  test::SmallMarket market{3};
};

TEST_F(Distinct, SwitchedOffFilterDifferingOnlyInInertGenesIsOneMember) {
  auto a = trend(2);
  auto b = trend(9);  // another id: the generation is part of it
  b.regime.vol_k = 4.5;
  b.regime.median_window = 1500;
  b.risk.vol_target = 2;
  const std::vector<evolve::Individual> front = {individual(b), individual(a)};
  ASSERT_NE(front[0].id, front[1].id);
  const auto d = distinct_front(market.evaluator, front);
  ASSERT_EQ(d.size(), 1u);
  // Same active genes and nodes: the smaller id represents.
  const auto& [first, second] = std::minmax(front[0].id, front[1].id);
  EXPECT_EQ(d[0].representative.id, first);
  EXPECT_EQ(d[0].aliases, std::vector<std::string>{second});
}

TEST_F(Distinct, StopThatNeverTriggersIsAnAliasOfTheGenomeWithout) {
  const auto plain = trend(4);
  auto far = trend(1);
  far.risk.stop_loss = 0.5;    // a 50% adverse move within one trade: not on this market
  far.risk.take_profit = 2.0;  // nor a 200% gain
  ASSERT_EQ(exposure_signature(market.evaluator, far), exposure_signature(market.evaluator, plain));
  auto near = trend(1);
  near.risk.stop_loss = 0.004;  // triggers
  auto nearer = trend(1);
  nearer.risk.stop_loss = 0.002;  // triggers on other bars
  const std::vector<evolve::Individual> front = {individual(far), individual(plain),
                                                 individual(near), individual(nearer)};
  const auto d = distinct_front(market.evaluator, front);
  ASSERT_EQ(d.size(), 3u);
  std::size_t with_alias = 0;
  for (const auto& m : d) {
    if (m.aliases.empty()) continue;
    ++with_alias;
    // The genome without stops has fewer active genes, whatever the ids' order.
    EXPECT_EQ(m.representative.id, front[1].id);
    EXPECT_EQ(m.aliases, std::vector<std::string>{front[0].id});
  }
  EXPECT_EQ(with_alias, 1u);
  EXPECT_NE(exposure_signature(market.evaluator, near),
            exposure_signature(market.evaluator, nearer));
  // Ordered by representative id.
  for (std::size_t i = 1; i < d.size(); ++i)
    EXPECT_LT(d[i - 1].representative.id, d[i].representative.id);
}

TEST_F(Distinct, EveryCoinAndStageIsInTheSignature) {
  const auto s = exposure_signature(market.evaluator, trend(0));
  std::size_t bars = 0;
  for (const auto& c : market.universe.coins) {
    bars +=
        c.splits.in_sample.size() + c.splits.out_of_sample.size() + c.splits.walk_forward.size();
  }
  EXPECT_EQ(s.size(), 2 * bars);  // exposure, then equity
  EXPECT_GT(std::count_if(s.begin(), s.end(), [](double e) { return e != 0; }), 1000);
}

TEST_F(Distinct, SimplerCountsActiveGenesThenTreeNodesThenId) {
  auto small = individual(strategy::default_genome("tree"));
  auto big_genome = strategy::default_genome("tree");
  big_genome.rule.long_exit = big_genome.rule.short_entry;
  auto big = individual(big_genome);
  EXPECT_TRUE(simpler(small, big));
  EXPECT_FALSE(simpler(big, small));
  auto filtered = strategy::default_genome("tree");
  filtered.regime.fg_on = true;
  EXPECT_TRUE(simpler(big, individual(filtered)));  // genes before nodes
  auto other = small;
  other.id = small.id + "x";
  EXPECT_TRUE(simpler(small, other));
  EXPECT_FALSE(simpler(small, small));
}

TEST_F(Distinct, ResultDoesNotDependOnFrontOrderOrThreads) {
  std::vector<evolve::Individual> front;
  for (int k = 0; k < 6; ++k) {
    auto g = trend(k);
    g.risk.stop_loss = k % 2 ? 0.5 : 0.003 * (k + 1);
    front.push_back(individual(g));
  }
  auto reversed = front;
  std::reverse(reversed.begin(), reversed.end());
  test::SmallMarket one_thread{3, 1};
  const auto a = distinct_front(market.evaluator, front);
  const auto b = distinct_front(one_thread.evaluator, reversed);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].representative.id, b[i].representative.id);
    EXPECT_EQ(a[i].aliases, b[i].aliases);
  }
  std::size_t aliases = 0;
  for (const auto& m : a) aliases += m.aliases.size();
  EXPECT_EQ(aliases + a.size(), front.size());
  EXPECT_EQ(aliases, 2u);  // the three far stops are one strategy
}

}  // namespace
}  // namespace organism::validate

// The evolution engine: determinism across thread counts, bit-for-bit resume from a checkpoint,
// islands with migration, duplicate genomes evaluated once, the archive non-dominated.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "engine_support.hpp"
#include "evolve/engine.hpp"

namespace organism::evolve {
namespace {

EvolveOptions small_options(int islands = 1) {
  EvolveOptions o;
  o.seed = 11;
  o.population = 24;
  o.generations = 4;
  o.islands = islands;
  o.migration_interval = 2;
  o.constraints.min_trades = 3;
  return o;
}

// Runs an engine to the end and returns its final checkpoint (the whole state) as text.
std::string run_to_end(const Universe& u, const EvolveOptions& o, int threads) {
  indicators::IndicatorCache cache(256u << 20);
  const BacktestProblem evaluator(u, backtest::BacktestConfig{}, cache, threads);
  Engine engine(o, evaluator);
  engine.initialize();
  while (!engine.done()) engine.step();
  return engine.checkpoint().dump();
}

TEST(Engine, SameSeedSameStateOnOneTwoAndFourThreads) {
  const auto u = test::small_universe();
  const auto one = run_to_end(u, small_options(2), 1);
  EXPECT_EQ(one, run_to_end(u, small_options(2), 2));
  EXPECT_EQ(one, run_to_end(u, small_options(2), 4));
  auto other = small_options(2);
  other.seed = 12;
  EXPECT_NE(one, run_to_end(u, other, 2));
}

TEST(Engine, ResumeFromACheckpointContinuesBitForBit) {
  const auto u = test::small_universe();
  const auto options = small_options(2);
  const auto straight = run_to_end(u, options, 2);

  indicators::IndicatorCache cache(256u << 20);
  const BacktestProblem evaluator(u, backtest::BacktestConfig{}, cache, 2);
  std::string saved;
  {
    Engine first(options, evaluator);
    first.initialize();
    first.step();
    first.step();
    saved = first.checkpoint().dump();
  }
  Engine resumed(options, evaluator);
  resumed.restore(nlohmann::json::parse(saved));
  EXPECT_EQ(resumed.generation(), 2);
  while (!resumed.done()) resumed.step();
  EXPECT_EQ(resumed.checkpoint().dump(), straight);
}

TEST(Engine, CancelLeavesTheStateAsItWas) {
  const auto u = test::small_universe();
  indicators::IndicatorCache cache(256u << 20);
  const BacktestProblem evaluator(u, backtest::BacktestConfig{}, cache, 2);
  Engine engine(small_options(), evaluator);
  engine.initialize();
  const auto before = engine.checkpoint().dump();
  std::atomic<bool> cancel{true};
  engine.set_cancel(&cancel);
  EXPECT_THROW(engine.step(), core::Interrupted);
  EXPECT_EQ(engine.checkpoint().dump(), before);
  cancel = false;
  engine.step();
  EXPECT_EQ(engine.generation(), 1);
}

TEST(Engine, DuplicatesAreEvaluatedOnceAndPopulationsStayDistinct) {
  const auto u = test::small_universe();
  indicators::IndicatorCache cache(256u << 20);
  const BacktestProblem evaluator(u, backtest::BacktestConfig{}, cache, 2);
  auto o = small_options();
  o.variation.crossover_probability = 0;  // copies of parents...
  o.variation.mutation_rate = 0;          // ...unchanged: every child is a duplicate
  o.variation.family_switch_probability = 0;
  Engine engine(o, evaluator);
  engine.initialize();
  EXPECT_EQ(engine.evaluations(), 24);
  engine.step();
  // Tree children may still change (tree mutation has a floor); seed families cannot.
  EXPECT_LT(engine.evaluations(), 24 + 24);
  EXPECT_EQ(engine.last_stats().evaluated + engine.last_stats().reused, 24);
  std::set<std::uint64_t> keys;
  for (const auto& ind : engine.islands()[0]) keys.insert(genome_key(ind.genome));
  EXPECT_EQ(keys.size(), 24u);
}

TEST(Engine, InitialPopulationHoldsEveryFamilysDefaults) {
  const auto u = test::small_universe();
  indicators::IndicatorCache cache(256u << 20);
  const BacktestProblem evaluator(u, backtest::BacktestConfig{}, cache, 2);
  auto o = small_options();
  o.population = 40;
  Engine engine(o, evaluator);
  engine.initialize();
  std::set<std::string> families;
  std::set<std::uint64_t> defaults;
  for (const auto& f : default_search_families()) defaults.insert(genome_key(strategy::default_genome(f)));
  std::size_t found = 0;
  for (const auto& ind : engine.islands()[0]) {
    families.insert(ind.genome.family);
    found += defaults.count(genome_key(ind.genome));
    EXPECT_EQ(ind.genome.generation, 0);
  }
  EXPECT_EQ(families.size(), default_search_families().size());
  EXPECT_EQ(found, default_search_families().size());
  EXPECT_EQ(default_search_families().size(), 11u);  // ten seeds and trees; ML is opt-in
}

TEST(Engine, ArchiveIsFeasibleAndMutuallyNonDominated) {
  const auto u = test::small_universe();
  indicators::IndicatorCache cache(256u << 20);
  const BacktestProblem evaluator(u, backtest::BacktestConfig{}, cache, 2);
  Engine engine(small_options(2), evaluator);
  engine.initialize();
  while (!engine.done()) engine.step();
  const auto front = engine.front();
  ASSERT_FALSE(front.empty());
  for (const auto& a : front) {
    EXPECT_EQ(a.fitness.violation, 0);
    for (const auto& b : front) EXPECT_FALSE(constrained_dominates(a.fitness, b.fitness));
  }
  // Nothing in the final populations dominates an archive member.
  for (const auto& island : engine.islands()) {
    for (const auto& ind : island) {
      for (const auto& a : front) EXPECT_FALSE(constrained_dominates(ind.fitness, a.fitness));
    }
  }
}

// No genome can meet an impossible trade count: the front falls back to the populations' first
// front by violation (once a crash: the loop read a destroyed temporary).
TEST(Engine, InfeasibleRunFrontIsThePopulationsLeastViolatingGenomes) {
  const auto u = test::small_universe();
  indicators::IndicatorCache cache(256u << 20);
  const BacktestProblem evaluator(u, backtest::BacktestConfig{}, cache, 2);
  auto o = small_options();
  o.generations = 1;
  o.constraints.min_trades = 1e9;
  Engine engine(o, evaluator);
  engine.initialize();
  while (!engine.done()) engine.step();
  const auto front = engine.front();
  ASSERT_FALSE(front.empty());
  double least = front.front().fitness.violation;
  for (const auto& island : engine.islands()) {
    for (const auto& ind : island) least = std::min(least, ind.fitness.violation);
  }
  for (const auto& a : front) {
    EXPECT_GT(a.fitness.violation, 0);
    EXPECT_EQ(a.fitness.violation, least);
  }
}

// Indices of a population from best to worst by (rank, crowding), ties by index.
std::vector<std::size_t> best_first(const std::vector<Individual>& people) {
  std::vector<Fitness> fit;
  for (const auto& p : people) fit.push_back(p.fitness);
  const auto ranking = rank_population(fit);
  std::vector<std::size_t> order(people.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return crowded_less(ranking, a, b); });
  return order;
}

TEST(Engine, MigrationSendsEachIslandsBestToTheNextOnTheRing) {
  const auto u = test::small_universe();
  indicators::IndicatorCache cache(256u << 20);
  const BacktestProblem evaluator(u, backtest::BacktestConfig{}, cache, 2);
  auto with = small_options(3);
  with.migration_interval = 1;
  with.migrants = 2;
  auto without = with;
  without.migrants = 0;
  // Migration happens after survival, so the engine without it shows the state just before.
  Engine a(without, evaluator), b(with, evaluator);
  a.initialize();
  b.initialize();
  a.step();
  b.step();
  for (std::size_t k = 0; k < 3; ++k) {
    const auto& source = a.islands()[k];
    const auto& target_before = a.islands()[(k + 1) % 3];
    const auto& target_after = b.islands()[(k + 1) % 3];
    const auto src_order = best_first(source);
    const auto dst_order = best_first(target_before);
    std::vector<std::string> expected;
    for (std::size_t i = 0; i < target_before.size(); ++i) expected.push_back(target_before[i].id);
    for (std::size_t i = 0; i < 2; ++i) expected[dst_order[dst_order.size() - 1 - i]] = source[src_order[i]].id;
    std::vector<std::string> got;
    for (const auto& ind : target_after) got.push_back(ind.id);
    EXPECT_EQ(got, expected) << "island " << (k + 1) % 3;
  }
}

TEST(Engine, FamilySwitchesStayWithinTheSearchedFamilies) {
  const auto u = test::small_universe();
  indicators::IndicatorCache cache(256u << 20);
  const BacktestProblem evaluator(u, backtest::BacktestConfig{}, cache, 2);
  auto o = small_options();
  o.families = {"ema_cross", "rsi_reversion"};
  o.variation.family_switch_probability = 1;  // every mutated child switches family
  Engine engine(o, evaluator);
  engine.initialize();
  engine.step();
  engine.step();
  for (const auto& ind : engine.islands()[0]) {
    EXPECT_TRUE(ind.genome.family == "ema_cross" || ind.genome.family == "rsi_reversion") << ind.genome.family;
  }
}

TEST(Engine, AllFamiliesIncludesTheMachineLearningOnes) {
  const auto u = test::small_universe();
  indicators::IndicatorCache cache(256u << 20);
  const BacktestProblem evaluator(u, backtest::BacktestConfig{}, cache, 2);
  auto o = small_options();
  o.families = {"all"};
  o.population = 26;
  o.generations = 1;
  Engine engine(o, evaluator);
  engine.initialize();
  std::set<std::string> families;
  for (const auto& ind : engine.islands()[0]) families.insert(ind.genome.family);
  EXPECT_EQ(families.size(), strategy::genome_families().size());
  EXPECT_TRUE(families.count("svm_classifier"));
  EXPECT_TRUE(families.count("pca_tree_quantile"));
}

TEST(Engine, BadOptionsAreUsageErrors) {
  auto o = small_options();
  o.population = 10;
  o.islands = 3;
  EXPECT_THROW(check_options(o), core::UsageError);
  o = small_options();
  o.population = 2;
  EXPECT_THROW(check_options(o), core::UsageError);
  o = small_options();
  o.families = {"nope"};
  EXPECT_THROW(check_options(o), core::UsageError);
  EXPECT_THROW(parse_objectives("sharpe,unknown"), core::UsageError);
  EXPECT_THROW(parse_objectives("sharpe,sharpe"), core::UsageError);
}

}  // namespace
}  // namespace organism::evolve

namespace organism::evolve {
namespace {

// evolve.breaker_genes: about half the random genomes of generation 0 carry a drawdown stop in
// its bounds; off, none does, and the other genes are the same draws either way (the breaker
// genes come from a stream of their own). Same seed, same genes.
TEST(Engine, BreakerGenesSeedTheDrawdownStopIntoTheInitialPopulation) {
  const auto u = test::small_universe(1000);
  indicators::IndicatorCache cache(64u << 20);
  const BacktestProblem evaluator(u, backtest::BacktestConfig{}, cache, 2);
  auto initial = [&](bool on) {
    EvolveOptions o = small_options();
    o.population = 60;
    o.generations = 0;
    o.breaker_genes = on;
    Engine engine(o, evaluator);
    engine.initialize();
    return engine.islands().at(0);
  };
  const auto off = initial(false), on = initial(true), again = initial(true);
  ASSERT_EQ(off.size(), on.size());
  int with_stop = 0;
  for (std::size_t i = 0; i < on.size(); ++i) {
    EXPECT_EQ(off[i].genome.risk.dd_stop, 0.0);
    EXPECT_EQ(on[i].genome.risk.dd_stop, again[i].genome.risk.dd_stop);
    EXPECT_EQ(on[i].genome.risk.dd_cooldown, again[i].genome.risk.dd_cooldown);
    auto same = on[i].genome;
    same.risk.dd_stop = 0;
    same.risk.dd_cooldown = off[i].genome.risk.dd_cooldown;
    EXPECT_EQ(strategy::canonical_json(same), strategy::canonical_json(off[i].genome)) << i;
    if (on[i].genome.risk.dd_stop > 0) {
      ++with_stop;
      EXPECT_GE(on[i].genome.risk.dd_stop, strategy::kMinDdStop);
      EXPECT_LE(on[i].genome.risk.dd_stop, 0.5);
      EXPECT_GE(on[i].genome.risk.dd_cooldown, 1);
      EXPECT_LE(on[i].genome.risk.dd_cooldown, 720);
    }
  }
  // 60 genomes, the first ones the families' defaults (never drawn): about half of the rest.
  EXPECT_GT(with_stop, 10);
  EXPECT_LT(with_stop, 45);
}

}  // namespace
}  // namespace organism::evolve

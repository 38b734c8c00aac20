// Warm start and the graveyard in the engine: stored genomes open generation 0 (island j mod K),
// a resume with them (and with a graveyard) continues bit for bit, one seed gives one state at
// any thread count, the similarity measure against hand-computed values, and the penalty steering
// a population away from a retired rule that is good on the market.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "engine_support.hpp"
#include "evolve/engine.hpp"
#include "evolve/graveyard.hpp"
#include "strategy/gp/node.hpp"

namespace organism::evolve {
namespace {

strategy::Genome ema_cross(double fast, double slow, double confirm, double period) {
  auto g = strategy::default_genome("ema_cross");
  g.params = {fast, slow, confirm, period};
  return g;
}

std::string stored(const strategy::Genome& g) { return strategy::canonical_json(strategy::normalized(g)); }

EvolveOptions options(int islands = 1) {
  EvolveOptions o;
  o.seed = 11;
  o.population = 24;
  o.generations = 4;
  o.islands = islands;
  o.migration_interval = 2;
  o.constraints.min_trades = 3;
  return o;
}

std::string run_to_end(const Universe& u, const EvolveOptions& o, int threads) {
  indicators::IndicatorCache cache(256u << 20);
  const BacktestProblem evaluator(u, backtest::BacktestConfig{}, cache, threads);
  Engine engine(o, evaluator);
  engine.initialize();
  while (!engine.done()) engine.step();
  return engine.checkpoint().dump();
}

TEST(GenomeSimilarity, SameFamilyIsOneLessTheMeanNormalizedParameterDistance) {
  const auto a = ema_cross(12, 26, 0, 10);  // confirm none: its period is inactive (10, the default)
  const auto b = ema_cross(22, 126, 1, 30);  // momentum, 30 bars
  // fast in [2, 100], slow in [3, 400], confirm a choice (differs: 1), confirm_period in [2, 100].
  const double expected = 1 - (10.0 / 98 + 100.0 / 397 + 1.0 + 20.0 / 98) / 4;
  EXPECT_NEAR(genome_similarity(a, b), expected, 1e-12);
  EXPECT_NEAR(genome_similarity(b, a), expected, 1e-12);
  EXPECT_DOUBLE_EQ(genome_similarity(a, a), 1.0);
  // The inactive confirmation period and the risk block do not count.
  auto c = ema_cross(12, 26, 0, 77);
  c.risk.stop_loss = 0.05;
  EXPECT_DOUBLE_EQ(genome_similarity(a, c), 1.0);
  // fast/slow swapped is the same rule (the family sorts the pair).
  EXPECT_DOUBLE_EQ(genome_similarity(a, ema_cross(26, 12, 0, 10)), 1.0);
  EXPECT_DOUBLE_EQ(genome_similarity(a, strategy::default_genome("rsi_reversion")), 0.0);
}

TEST(GenomeSimilarity, RuleTreesCompareTheirSetsOfSubtrees) {
  using namespace strategy::gp;
  auto a = strategy::default_genome("tree");
  auto b = a;
  a.rule = {};
  b.rule = {};
  a.rule.long_entry = binary(Op::Gt, indicator("ema", 12), field(Field::Close));
  b.rule.long_entry = binary(Op::Gt, indicator("ema", 12), field(Field::Open));
  // {gt(ema12, close), ema12, close} against {gt(ema12, open), ema12, open}: 1 shared of 5.
  EXPECT_NEAR(genome_similarity(a, b), 1.0 / 5, 1e-12);
  EXPECT_DOUBLE_EQ(genome_similarity(a, a), 1.0);
  // The same tree in another slot is another rule.
  b.rule.long_entry.reset();
  b.rule.short_entry = a.rule.long_entry;
  EXPECT_DOUBLE_EQ(genome_similarity(a, b), 0.0);
}

TEST(Graveyard, PenaltyMovesEachObjectiveTowardWorseByWeightTimesSimilarity) {
  const Fitness f{{-2.0, 0.1, 0.0, 1.5}, 0.25};
  const auto p = penalized(f, 0.5, 0.8);  // 40% of each magnitude
  ASSERT_EQ(p.objectives.size(), 4u);
  EXPECT_DOUBLE_EQ(p.objectives[0], -1.2);  // a Sharpe of 2 counts as 1.2
  EXPECT_DOUBLE_EQ(p.objectives[1], 0.14);
  EXPECT_DOUBLE_EQ(p.objectives[2], 0.0);
  EXPECT_DOUBLE_EQ(p.objectives[3], 2.1);
  EXPECT_DOUBLE_EQ(p.violation, 0.25);
  EXPECT_EQ(penalized(f, 0, 1).objectives, f.objectives);

  const Graveyard yard({ema_cross(12, 26, 0, 10), ema_cross(50, 200, 0, 10)});
  EXPECT_DOUBLE_EQ(yard.similarity(ema_cross(50, 200, 0, 10)), 1.0);
  EXPECT_NEAR(yard.similarity(ema_cross(14, 26, 0, 10)), 1 - (2.0 / 98) / 4, 1e-12);
  EXPECT_DOUBLE_EQ(Graveyard().similarity(ema_cross(14, 26, 0, 10)), 0.0);
}

TEST(WarmStart, StoredGenomesOpenGenerationZeroIslandByIsland) {
  const auto u = test::small_universe();
  indicators::IndicatorCache cache(256u << 20);
  const BacktestProblem evaluator(u, backtest::BacktestConfig{}, cache, 2);
  const std::vector<strategy::Genome> warm = {ema_cross(7, 90, 0, 10), ema_cross(33, 140, 2, 20),
                                              ema_cross(5, 300, 1, 44)};
  auto o = options(2);
  for (const auto& g : warm) o.warm_start.push_back(stored(g));
  Engine engine(o, evaluator);
  engine.initialize();
  ASSERT_EQ(engine.islands().size(), 2u);
  // Genome j is place j / 2 of island j mod 2.
  for (std::size_t j = 0; j < warm.size(); ++j) {
    const auto& ind = engine.islands()[j % 2][j / 2];
    EXPECT_EQ(genome_key(ind.genome), genome_key(warm[j])) << j;
    EXPECT_EQ(ind.genome.generation, 0);
  }
  // The rest of generation 0 is what a cold start draws for those places.
  Engine cold(options(2), evaluator);
  cold.initialize();
  EXPECT_EQ(genome_key(engine.islands()[0][2].genome), genome_key(cold.islands()[0][2].genome));
  EXPECT_EQ(genome_key(engine.islands()[1][5].genome), genome_key(cold.islands()[1][5].genome));

  auto too_many = options(1);
  too_many.warm_start.assign(13, stored(warm[0]));  // half of 24 is 12
  EXPECT_THROW(check_options(too_many), core::UsageError);
  too_many.warm_start.resize(12);
  EXPECT_NO_THROW(check_options(too_many));
}

TEST(WarmStart, OptionsRoundTripAndAResumeContinuesBitForBit) {
  const auto u = test::small_universe();
  auto o = options(2);
  o.warm_start = {stored(ema_cross(7, 90, 0, 10)), stored(ema_cross(33, 140, 2, 20))};
  o.graveyard = {stored(ema_cross(12, 26, 0, 10))};
  o.graveyard_weight = 0.7;
  const auto straight = run_to_end(u, o, 2);
  EXPECT_EQ(straight, run_to_end(u, o, 1));  // one seed, one state at any thread count

  // The stored form of the options rebuilds the same run.
  const auto restored_options = options_from_json(to_json(o));
  EXPECT_EQ(restored_options.warm_start, o.warm_start);
  EXPECT_EQ(restored_options.graveyard, o.graveyard);
  EXPECT_EQ(restored_options.graveyard_weight, 0.7);
  // Unused, they are absent: older records keep their bytes.
  EXPECT_FALSE(to_json(options()).contains("warm_start"));
  EXPECT_FALSE(to_json(options()).contains("graveyard_weight"));

  indicators::IndicatorCache cache(256u << 20);
  const BacktestProblem evaluator(u, backtest::BacktestConfig{}, cache, 2);
  std::string saved;
  {
    Engine first(o, evaluator);
    first.initialize();
    first.step();
    saved = first.checkpoint().dump();
  }
  Engine resumed(restored_options, evaluator);
  resumed.restore(nlohmann::json::parse(saved));
  while (!resumed.done()) resumed.step();
  EXPECT_EQ(resumed.checkpoint().dump(), straight);
}

double mean_similarity(const std::vector<Individual>& front, const strategy::Genome& to) {
  double sum = 0;
  for (const auto& ind : front) sum += genome_similarity(ind.genome, to);
  return sum / static_cast<double>(front.size());
}

// The test: the best rule an unpenalized run finds (good on this market by construction)
// is retired; the same seed evolved with it in the graveyard ends farther from it.
TEST(Graveyard, PenaltySteersThePopulationAwayFromARetiredRule) {
  const auto u = test::small_universe();
  indicators::IndicatorCache cache(256u << 20);
  const BacktestProblem evaluator(u, backtest::BacktestConfig{}, cache, 2);
  auto o = options(1);
  o.families = {"ema_cross"};
  o.population = 32;
  o.generations = 8;

  auto evolve = [&](const EvolveOptions& opts) {
    Engine engine(opts, evaluator);
    engine.initialize();
    while (!engine.done()) engine.step();
    return engine.front();
  };
  const auto free_front = evolve(o);
  ASSERT_FALSE(free_front.empty());
  // The retired rule: the free front's best in-sample Sharpe (objective 0, negated).
  const auto best = std::min_element(free_front.begin(), free_front.end(), [](const Individual& a, const Individual& b) {
    return a.fitness.objectives[0] < b.fitness.objectives[0];
  });
  const auto retired = best->genome;
  const double retired_sharpe = -best->fitness.objectives[0];
  EXPECT_GT(retired_sharpe, 0.5) << "the retired rule should be good on this market";

  auto penalized_options = o;
  penalized_options.graveyard = {stored(retired)};
  penalized_options.graveyard_weight = 1.0;
  const auto steered = evolve(penalized_options);
  ASSERT_FALSE(steered.empty());

  const double free_mean = mean_similarity(free_front, retired);
  const double steered_mean = mean_similarity(steered, retired);
  auto within = [&](const std::vector<Individual>& front) {
    return std::count_if(front.begin(), front.end(),
                         [&](const Individual& i) { return genome_similarity(i.genome, retired) >= 0.9; });
  };
  std::printf("retired rule %s (in-sample Sharpe %.3f): mean similarity of the front %.4f free, %.4f with the "
              "graveyard; members within 0.9: %ld of %zu free, %ld of %zu with it\n",
              strategy::genome_id(retired).c_str(), retired_sharpe, free_mean, steered_mean,
              static_cast<long>(within(free_front)), free_front.size(), static_cast<long>(within(steered)),
              steered.size());
  // Measured: 0.5084 free, 0.4144 with the graveyard; 1 of 32 members within 0.9 free, 0 of 53.
  EXPECT_LT(steered_mean, free_mean - 0.05);
  EXPECT_GE(within(free_front), 1);
  EXPECT_EQ(within(steered), 0);
  // The retired rule itself does not survive on the penalized front.
  for (const auto& i : steered) EXPECT_NE(genome_key(i.genome), genome_key(retired));
}

}  // namespace
}  // namespace organism::evolve

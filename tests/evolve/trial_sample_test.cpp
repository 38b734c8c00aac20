// The engine's bottom-k sample of distinct trial genomes: a function of the set of genomes (the
// same whatever the insertion order, generations ignored), equal to every trial while they fit,
// kept in the checkpoint, and absent (nullptr) after restoring a checkpoint that predates it.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <set>

#include "core/random.hpp"
#include "engine_support.hpp"
#include "evolve/engine.hpp"

namespace organism::evolve {
namespace {

std::vector<strategy::Genome> random_genomes(std::size_t n) {
  std::vector<strategy::Genome> out;
  const auto families = default_search_families();
  for (std::size_t i = 0; i < n; ++i) {
    core::Rng rng(5, {i});
    out.push_back(strategy::random_genome(families[i % families.size()], rng));
  }
  return out;
}

std::vector<std::string> texts(const std::vector<strategy::Genome>& genomes) {
  std::vector<std::string> out;
  for (const auto& g : genomes) out.push_back(strategy::canonical_json(g));
  return out;
}

TEST(TrialSample, KeepsTheSmallestKeysWhateverTheInsertionOrder) {
  const auto genomes = random_genomes(60);
  std::vector<std::size_t> order(genomes.size());
  std::iota(order.begin(), order.end(), 0);
  TrialSample forward(16);
  for (std::size_t i : order) forward.add(genome_key(genomes[i]), genomes[i]);
  ASSERT_EQ(forward.size(), 16u);
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    core::Rng rng(seed);
    for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
    TrialSample shuffled(16);
    for (std::size_t i : order) {
      auto g = genomes[i];
      g.generation = static_cast<int>(seed);  // a later generation is the same trial
      shuffled.add(genome_key(g), g);
      shuffled.add(genome_key(g), g);  // and a duplicate counts once
    }
    EXPECT_EQ(texts(shuffled.genomes()), texts(forward.genomes())) << seed;
  }
  // The kept ones are the 16 smallest keys, in key order, at generation 0.
  std::vector<std::uint64_t> keys;
  for (const auto& g : genomes) keys.push_back(genome_key(g));
  std::sort(keys.begin(), keys.end());
  const auto kept = forward.genomes();
  for (std::size_t i = 0; i < kept.size(); ++i) {
    EXPECT_EQ(genome_key(kept[i]), keys[i]);
    EXPECT_EQ(kept[i].generation, 0);
  }
  const auto back = TrialSample::from_json(nlohmann::json::parse(forward.to_json().dump()));
  EXPECT_EQ(back.capacity(), 16u);
  EXPECT_EQ(texts(back.genomes()), texts(kept));
}

EvolveOptions options() {
  EvolveOptions o;
  o.seed = 21;
  o.population = 16;
  o.generations = 2;
  o.islands = 2;
  o.constraints.min_trades = 3;
  return o;
}

TEST(TrialSample, EngineSamplesEveryDistinctTrialAndSurvivesCheckpointRestore) {
  const auto u = test::small_universe(1500);
  indicators::IndicatorCache cache(128u << 20);
  const BacktestProblem evaluator(u, backtest::BacktestConfig{}, cache, 2);
  Engine engine(options(), evaluator);
  engine.initialize();
  while (!engine.done()) engine.step();
  const auto* sample = engine.trial_sample();
  ASSERT_NE(sample, nullptr);
  ASSERT_LT(engine.trials().count, static_cast<std::int64_t>(kTrialSampleSize));
  EXPECT_EQ(static_cast<std::int64_t>(sample->size()), engine.trials().count);  // all of them fit
  // The sample's keys are exactly the memo's: every distinct genome evaluated.
  const auto state = engine.checkpoint();
  std::set<std::uint64_t> memo, sampled;
  for (const auto& e : state.at("memo"))
    memo.insert(std::stoull(e.at(0).get<std::string>(), nullptr, 16));
  for (const auto& g : sample->genomes()) sampled.insert(genome_key(g));
  EXPECT_EQ(sampled, memo);

  Engine restored(options(), evaluator);
  restored.restore(nlohmann::json::parse(state.dump()));
  ASSERT_NE(restored.trial_sample(), nullptr);
  EXPECT_EQ(texts(restored.trial_sample()->genomes()), texts(sample->genomes()));
  EXPECT_EQ(restored.checkpoint().dump(), state.dump());

  // A checkpoint from before the sample existed: none, and it stays none when saved again.
  auto old = state;
  old.erase("trial_sample");
  Engine legacy(options(), evaluator);
  legacy.restore(old);
  EXPECT_EQ(legacy.trial_sample(), nullptr);
  EXPECT_TRUE(legacy.checkpoint().at("trial_sample").is_null());
}

}  // namespace
}  // namespace organism::evolve

// What a new run reads of earlier ones: the living genomes of a warm start (best state first),
// strategy ids (an unknown one named), the graveyard of retired genomes, both recorded in the run's
// options; a warm-started run holds the stored genome in generation 0, and a resume of it (its
// options read back from the store) ends exactly as the uninterrupted run.
#include <gtest/gtest.h>

#include <algorithm>

#include "core/error.hpp"
#include "lifecycle/lifecycle.hpp"
#include "run_fixture.hpp"
#include "support/test_support.hpp"

namespace organism::runs {
namespace {

using lifecycle::State;
using test::TempDir;

struct Seeded {
  std::string production, validated, retired;  // strategy ids
};

// A store with a finished tiny run and three strategies of that run with genomes of our own:
// one moved to production, one validated, one retired (the tiny run's own stay in testing).
Seeded seeded_store(const std::string& path) {
  const auto run_id = test::finished_tiny_run(path, false).result.run;
  auto store = data::Store::open(path);
  const auto t = test::kFixtureNow;
  std::vector<std::string> ids;
  for (const double fast : {7.0, 19.0, 41.0}) {
    auto g = strategy::default_genome("ema_cross");
    g.params[0] = fast;
    g.params[1] = 3 * fast + 50;
    data::StrategyRecord r;
    r.id = strategy::genome_id(g);
    r.run_id = run_id;
    r.family = g.family;
    r.genome = strategy::canonical_json(strategy::normalized(g));
    r.parents = "[]";
    r.metrics = "{}";
    lifecycle::birth(store, r, t, "test");
    ids.push_back(r.id);
  }
  Seeded s{ids[0], ids[1], ids[2]};
  for (auto to : {State::Validated, State::Paper, State::Production}) lifecycle::transition(store, s.production, to, "test", "{}", t);
  lifecycle::transition(store, s.validated, State::Validated, "test", "{}", t);
  for (auto to : {State::Validated, State::Retired}) lifecycle::transition(store, s.retired, to, "test", "{}", t);
  return s;
}

std::string genome_of(data::Store& store, const std::string& id) { return store.load_strategy(id)->genome; }

RunOptions warm_options() {
  auto o = test::tiny_options(3);
  o.evolve.seed = 9;
  o.evolve.graveyard_weight = 0.5;
  return o;
}

TEST(RunSeeds, LivingGenomesBestStateFirstAndTheGraveyardOfTheInterval) {
  TempDir dir;
  const auto path = (dir / "store.sqlite").string();
  const auto s = seeded_store(path);
  auto store = data::Store::open(path);
  const core::FixedClock clock(test::kFixtureNow);
  const RunService service(store, clock);

  const auto living = service.warm_start_genomes({"living"}, "1h");
  ASSERT_EQ(living.size(), 2u);  // testing and retired are not living
  EXPECT_EQ(living[0], genome_of(store, s.production));
  EXPECT_EQ(living[1], genome_of(store, s.validated));
  EXPECT_TRUE(service.warm_start_genomes({"living"}, "4h").empty());  // another interval's runs

  const auto chosen = service.warm_start_genomes({s.retired, s.production}, "1h");
  EXPECT_EQ(chosen, (std::vector<std::string>{genome_of(store, s.retired), genome_of(store, s.production)}));
  try {
    service.warm_start_genomes({s.production, "ema_cross_0_deadbeef"}, "1h");
    FAIL() << "an unknown id must be a usage error";
  } catch (const core::UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("'ema_cross_0_deadbeef'"), std::string::npos) << e.what();
  }

  EXPECT_EQ(service.graveyard_genomes("1h"), std::vector<std::string>{genome_of(store, s.retired)});
  EXPECT_TRUE(service.graveyard_genomes("4h").empty());

  auto o = warm_options();
  service.read_history(o, {"living"}, "1h");
  EXPECT_EQ(o.evolve.warm_start, living);
  EXPECT_EQ(o.evolve.graveyard, std::vector<std::string>{genome_of(store, s.retired)});
  // A population of 8 takes 4 at most: the best first.
  auto small = warm_options();
  service.read_history(small, {s.retired, s.production, s.validated, s.retired, s.production}, "1h");
  EXPECT_EQ(small.evolve.warm_start.size(), 4u);
  EXPECT_EQ(small.evolve.warm_start.front(), genome_of(store, s.retired));
  // No weight, no graveyard read.
  auto off = test::tiny_options();
  service.read_history(off, {}, "1h");
  EXPECT_TRUE(off.evolve.graveyard.empty());
  EXPECT_TRUE(off.evolve.warm_start.empty());
}

// A warm-started run through the run service; `stop_after` generations, then the session is
// dropped (as a killed process) and the run resumed from the store. Returns the run's result.
std::string warm_run(const std::string& path, int stop_after, std::uint64_t* production_key = nullptr) {
  const auto s = seeded_store(path);
  auto store = data::Store::open(path);
  const core::FixedClock clock(test::kFixtureNow);
  const RunService service(store, clock);
  const std::atomic<bool> cancel{false};
  auto options = warm_options();
  service.read_history(options, {"living"}, "1h");
  std::string id;
  {
    auto claimed = service.create(options, test::tiny_universe());
    id = claimed.record.id;
    Processes one;
    RunSession session(service, std::move(claimed.record), std::nullopt, test::tiny_settings(), one, cancel);
    session.start();
    if (production_key) {
      const auto wanted = evolve::genome_key(strategy::from_json(genome_of(store, s.production)));
      const auto& island = session.engine().islands().at(0);
      const bool present = std::any_of(island.begin(), island.end(), [&](const evolve::Individual& i) {
        return evolve::genome_key(i.genome) == wanted && i.genome.generation == 0;
      });
      EXPECT_TRUE(present) << "the production strategy's genome is not in generation 0";
      *production_key = wanted;
    }
    for (int g = 0; g < stop_after && !session.done(); ++g) session.step();
    if (session.done()) return to_json(session.finish(std::nullopt)->result).dump();
  }
  auto claimed = service.claim_resumable(id);
  EXPECT_EQ(claimed.record.options.evolve.warm_start, options.evolve.warm_start);  // read back from the store
  EXPECT_EQ(claimed.record.options.evolve.graveyard.size(), 1u);
  Processes one;
  RunSession session(service, std::move(claimed.record), std::move(claimed.checkpoint), test::tiny_settings(), one,
                     cancel);
  session.start();
  while (!session.done()) session.step();
  return to_json(session.finish(std::nullopt)->result).dump();
}

TEST(RunSeeds, AWarmStartedRunHasTheGenomeInGenerationZeroAndResumesToTheSameResult) {
  TempDir a, b;
  std::uint64_t key = 0;
  const auto straight = warm_run((a / "store.sqlite").string(), 99, &key);
  EXPECT_NE(key, 0u);
  const auto resumed = warm_run((b / "store.sqlite").string(), 1);
  EXPECT_EQ(resumed, straight);
}

}  // namespace
}  // namespace organism::runs

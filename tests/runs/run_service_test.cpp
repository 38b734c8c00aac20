// The run service: a run created, stepped, cancelled and resumed ends exactly as one run through
// without a stop; finished runs are found, stored and validated again to the same result.
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "run_fixture.hpp"
#include "support/test_support.hpp"

namespace organism::runs {
namespace {

using test::TempDir;

const std::atomic<bool> kNeverCancelled{false};

struct Fixture {
  TempDir dir;
  std::string path = (dir / "store.sqlite").string();
  Fixture() { test::store_synthetic_market(path); }
};

TEST(RunService, CreateNamesTheRunByTimeAndSeedAndAvoidsTakenIds) {
  Fixture f;
  auto store = data::Store::open(f.path);
  const core::FixedClock clock(test::kFixtureNow);  // 2025-11-24 16:00:00 UTC
  const RunService service(store, clock);
  const auto run = service.create(test::tiny_options(), test::tiny_universe()).record;
  EXPECT_EQ(run.id, "run_20251124160000_s5");
  EXPECT_EQ(run.created, test::kFixtureNow);
  EXPECT_EQ(run.status, RunStatus::Running);
  // Stored at once, so the next run created in the same second cannot take its id.
  ASSERT_TRUE(service.load(run.id));
  EXPECT_EQ(service.create(test::tiny_options(), test::tiny_universe()).record.id, "run_20251124160000_s5_2");
}

TEST(RunService, ACancelledRunResumesToTheSameResultAsAnUninterruptedOne) {
  Fixture straight, stopped;
  const auto expected = test::finished_tiny_run(straight.path, false);

  auto store = data::Store::open(stopped.path);
  const core::FixedClock clock(test::kFixtureNow);
  const RunService service(store, clock);
  std::atomic<bool> cancel{false};
  std::vector<int> reported;
  Callbacks callbacks;
  callbacks.generation = [&](const GenerationReport& g) { reported.push_back(g.stats.generation); };
  std::string id;
  {
    Processes one;
    RunSession session(service, service.create(test::tiny_options(), test::tiny_universe()).record, std::nullopt,
                       test::tiny_settings(), one, cancel, callbacks);
    id = session.record().id;
    session.start();
    cancel.store(true);  // as Ctrl-C during generation 1: the engine stops at its next backtest
    try {
      session.step();
      FAIL() << "a cancelled step must throw core::Interrupted";
    } catch (const core::Interrupted& e) {
      EXPECT_NE(std::string(e.what()).find("organism evolve --resume " + id), std::string::npos) << e.what();
    }
  }
  ASSERT_FALSE(reported.empty());
  EXPECT_EQ(reported.front(), 0);
  const auto interrupted = service.load(id);
  ASSERT_TRUE(interrupted.has_value());
  EXPECT_EQ(interrupted->status, RunStatus::Interrupted);
  EXPECT_EQ(interrupted->progress.generation, reported.back());  // the last checkpoint
  EXPECT_EQ(service.find_resumable("latest").id, id);

  cancel.store(false);
  auto run = service.find_resumable(id);
  Processes one;
  RunSession session(service, run, service.load_checkpoint(id), test::tiny_settings(), one, cancel, callbacks);
  session.start();
  while (!session.done()) session.step();
  const auto done = session.finish(std::nullopt);
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(reported.back(), 2);
  EXPECT_EQ(to_json(done->result).dump(), to_json(expected.result).dump());
  EXPECT_EQ(service.load(id)->status, RunStatus::Finished);
  EXPECT_THROW(service.find_resumable(id), core::Error);
  EXPECT_THROW(service.find_resumable("latest"), core::Error);
  // Unvalidated: every member is born in `testing`.
  const auto strategies = service.strategies(id);
  ASSERT_EQ(strategies.size(), done->result.front.size());
  for (const auto& s : strategies) EXPECT_EQ(s.state, "testing");
}

TEST(RunService, RevalidationWithTheSameOptionsGivesTheSameResult) {
  Fixture f;
  const auto first = test::finished_tiny_run(f.path);
  auto store = data::Store::open(f.path);
  const core::FixedClock clock(test::kFixtureNow);
  const RunService service(store, clock);
  EXPECT_EQ(service.find_finished("latest").id, first.result.run);
  const auto again = service.revalidate("", test::tiny_settings(), test::tiny_validation(), kNeverCancelled);
  EXPECT_EQ(to_json(again.result).dump(), to_json(first.result).dump());
  EXPECT_EQ(again.strategies_saved, 0u);  // every member was stored by the run
  ASSERT_TRUE(again.validation.has_value());
  EXPECT_EQ(again.validation->result.survivors, first.result.validation->survivors);

  // Stricter gates: nobody passes, and the store says so.
  auto strict = test::tiny_validation();
  strict.gates.sharpe = 1e9;
  const auto failed = service.revalidate(first.result.run, test::tiny_settings(), strict, kNeverCancelled);
  EXPECT_EQ(failed.result.validation->survivors, 0u);
  for (const auto& s : service.strategies(first.result.run)) EXPECT_EQ(s.state, "testing") << s.id;
  EXPECT_EQ(service.load(first.result.run)->result->validation->gates.sharpe, 1e9);
}

TEST(RunService, LookupsNameWhatIsMissing) {
  Fixture f;
  auto store = data::Store::open(f.path);
  const core::FixedClock clock(test::kFixtureNow);
  const RunService service(store, clock);
  EXPECT_THROW(service.find_finished("latest"), core::Error);
  EXPECT_THROW(service.find_finished("run_x"), core::Error);
  std::string strategy;
  EXPECT_THROW(service.find_run_or_strategy("nothing", strategy), core::Error);
  auto spec = test::tiny_universe();
  spec.market.coins = {"DOGE"};
  EXPECT_THROW(service.load_universe(spec, ""), core::Error);
}

TEST(RunService, ValidationOptionsAreCappedToTheRun) {
  auto v = test::tiny_validation();
  v.walk_forward.population = 100;
  v.walk_forward.generations = 100;
  const auto capped = options_for_run(v, test::tiny_options(2).evolve);
  EXPECT_EQ(capped.walk_forward.population, 8);
  EXPECT_EQ(capped.walk_forward.generations, 2);
  v.walk_forward.population = 5;
  EXPECT_THROW(options_for_run(v, test::tiny_options().evolve), core::UsageError);
}

}  // namespace
}  // namespace organism::runs

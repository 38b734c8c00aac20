// Events on a real SQLite file: birth, moves and validation outcomes stored with time, reason
// and evidence and read back after reopening; a schema-3 store migrates with synthetic events.
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "data/sqlite.hpp"
#include "lifecycle/lifecycle.hpp"
#include "support/test_support.hpp"

namespace organism::lifecycle {
namespace {

// Aggregate-initialized: GCC 12 reports a false -Wrestrict on assigning short literals here.
// The state given is ignored: a strategy is born testing.
data::StrategyRecord record(const std::string& id, const std::string& run_id) {
  return data::StrategyRecord{id, run_id, std::string("ema_cross"), std::string(R"({"family":"ema_cross"})"),
                              std::string("[]"), std::string(R"({"in_sample":{}})"), std::string("production"),
                              std::string(), 0, 0, 0, {}};
}

void save_run(data::Store& store, const std::string& id) {
  data::RunRecord run;
  run.id = id;
  run.options = "{}";
  run.universe = "{}";
  run.status = "finished";
  store.save_run(run);
}

TEST(LifecycleEvents, BirthMovesAndValidationsAreStoredAndReadBack) {
  test::TempDir dir;
  const auto path = (dir / "s.db").string();
  {
    auto store = data::Store::open(path);
    EXPECT_EQ(store.schema_version(), data::Store::kSchemaVersion);
    save_run(store, "r1");
    save_run(store, "r2");
    birth(store, record("a", "r1"), 1'700'000'000'000, "found by run r1");
    record_validation(store, "a", true, R"({"passed":true,"dsr":0.97})", 1'700'000'100'000);
    record_validation(store, "a", true, R"({"passed":true,"dsr":0.98})", 1'700'000'150'000);  // no move
    transition(store, "a", State::Paper, "promoted", R"({"by":"test"})", 1'700'000'200'000);
    record_validation(store, "a", false, R"({"passed":false})", 1'700'000'300'000);  // paper keeps its state
    // Found again by a later run: keeps state, creation time and history.
    birth(store, record("a", "r2"), 1'700'000'400'000, "found by run r2");
  }
  auto store = data::Store::open_existing(path);
  const auto s = store.load_strategy("a");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->state, "paper");
  // One id, found by two runs: it stays with the first and records both (not moved to r2).
  EXPECT_EQ(s->run_id, "r1");
  ASSERT_EQ(s->found_by.size(), 2u);
  EXPECT_EQ(s->found_by[0].run_id, "r1");
  EXPECT_EQ(s->found_by[0].found, 1'700'000'000'000);
  EXPECT_EQ(s->found_by[1].run_id, "r2");
  EXPECT_EQ(s->found_by[1].found, 1'700'000'400'000);
  EXPECT_EQ(store.list_strategies("r2").size(), 1u);  // a run's strategies include those found first elsewhere
  EXPECT_EQ(s->created, 1'700'000'000'000);
  EXPECT_EQ(s->updated, 1'700'000'400'000);
  EXPECT_EQ(s->validation, R"({"passed":false})");

  const auto h = history(store, "a");
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h[0].from, std::nullopt);
  EXPECT_EQ(h[0].to, State::Testing);
  EXPECT_EQ(h[0].time, 1'700'000'000'000);
  EXPECT_EQ(h[0].reason, "found by run r1");
  EXPECT_EQ(h[0].evidence, "{}");
  EXPECT_EQ(h[1].from, State::Testing);
  EXPECT_EQ(h[1].to, State::Validated);
  EXPECT_EQ(h[1].time, 1'700'000'100'000);
  EXPECT_EQ(h[1].reason, "passed validation");
  EXPECT_EQ(h[1].evidence, R"({"passed":true,"dsr":0.97})");
  EXPECT_EQ(h[2].from, State::Validated);
  EXPECT_EQ(h[2].to, State::Paper);
  EXPECT_EQ(h[2].time, 1'700'000'200'000);
  EXPECT_EQ(h[2].reason, "promoted");
  EXPECT_EQ(h[2].evidence, R"({"by":"test"})");
  EXPECT_THROW(history(store, "missing"), core::Error);
}

TEST(LifecycleEvents, AFailedValidationDemotesAndRecordsItsEvidence) {
  test::TempDir dir;
  auto store = data::Store::open((dir / "s.db").string());
  save_run(store, "r");
  birth(store, record("b", "r"), 10, "born");
  record_validation(store, "b", true, R"({"passed":true})", 20);
  record_validation(store, "b", false, R"({"passed":false,"failed":["pbo"]})", 30);
  EXPECT_EQ(current_state(store, "b"), State::Testing);
  const auto h = history(store, "b");
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h[2].from, State::Validated);
  EXPECT_EQ(h[2].to, State::Testing);
  EXPECT_EQ(h[2].reason, "failed validation");
  EXPECT_EQ(h[2].evidence, R"({"passed":false,"failed":["pbo"]})");
  EXPECT_EQ(store.load_strategy("b")->validation, R"({"passed":false,"failed":["pbo"]})");
}

TEST(LifecycleEvents, ASchema3StoreMigratesWithSyntheticEventsEndingAtTheStoredState) {
  test::TempDir dir;
  const auto path = (dir / "old.db").string();
  {
    // The runs and strategies tables as migrations 1->2 and 2->3 left them (the only ones 3->4
    // reads), and the market tables of 0->1 that later migrations extend.
    data::sqlite::Db db(path, data::sqlite::Db::Mode::ReadWrite);
    db.exec(R"sql(
      CREATE TABLE series (id INTEGER PRIMARY KEY, venue TEXT NOT NULL, coin TEXT NOT NULL, interval TEXT NOT NULL);
      CREATE TABLE candles (series_id INTEGER NOT NULL, time INTEGER NOT NULL, close REAL NOT NULL);
      CREATE TABLE funding_series (id INTEGER PRIMARY KEY, venue TEXT NOT NULL, coin TEXT NOT NULL);
      CREATE TABLE funding (series_id INTEGER NOT NULL, time INTEGER NOT NULL, rate REAL NOT NULL);
      CREATE TABLE sentiment (source TEXT NOT NULL, time INTEGER NOT NULL, value INTEGER NOT NULL);
      CREATE TABLE runs (id TEXT PRIMARY KEY, created INTEGER NOT NULL, options TEXT NOT NULL,
        universe TEXT NOT NULL, status TEXT NOT NULL, generation INTEGER NOT NULL,
        evaluations INTEGER NOT NULL, seconds REAL NOT NULL, result TEXT);
      CREATE TABLE strategies (id TEXT PRIMARY KEY, run_id TEXT REFERENCES runs(id), family TEXT NOT NULL,
        generation INTEGER NOT NULL, genome TEXT NOT NULL, parents TEXT NOT NULL, metrics TEXT NOT NULL,
        state TEXT NOT NULL, created INTEGER NOT NULL, updated INTEGER NOT NULL, validation TEXT);
      INSERT INTO runs VALUES ('r', 1, '{}', '{}', 'finished', 3, 10, 1.5, NULL);
      INSERT INTO strategies VALUES ('t', 'r', 'ema_cross', 1, '{}', '[]', '{}', 'testing', 100, 150, NULL);
      INSERT INTO strategies VALUES ('v', 'r', 'ema_cross', 2, '{}', '[]', '{}', 'validated', 200, 250,
        '{"passed":true}');
      PRAGMA user_version = 3;
    )sql");
  }
  EXPECT_THROW(data::Store::open_existing(path), core::Error);  // read-only: asks for a migration
  auto store = data::Store::open_existing_for_update(path);
  EXPECT_EQ(store.schema_version(), data::Store::kSchemaVersion);
  const auto t = history(store, "t");
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].from, std::nullopt);
  EXPECT_EQ(t[0].to, State::Testing);
  EXPECT_EQ(t[0].time, 100);
  const auto v = history(store, "v");
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].time, 200);
  EXPECT_EQ(v[1].from, State::Testing);
  EXPECT_EQ(v[1].to, State::Validated);
  EXPECT_EQ(v[1].time, 250);
  EXPECT_EQ(v[1].evidence, R"({"passed":true})");
  // Each migrated strategy is linked once, to the run it named, at its creation time.
  for (const auto& [id, created] : {std::pair{"t", 100}, std::pair{"v", 200}}) {
    const auto m = store.load_strategy(id);
    ASSERT_TRUE(m);
    ASSERT_EQ(m->found_by.size(), 1u) << id;
    EXPECT_EQ(m->found_by[0].run_id, "r");
    EXPECT_EQ(m->found_by[0].found, created);
  }
  // The migrated store carries on under the table.
  transition(store, "v", State::Paper, "promoted", "{}", 300);
  EXPECT_EQ(history(store, "v").size(), 3u);
  EXPECT_THROW(data::Store::open_existing_for_update((dir / "absent.db").string()), core::Error);
}

}  // namespace
}  // namespace organism::lifecycle

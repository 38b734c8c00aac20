// Schema 8: strategy marks (upserted by strategy, session and time; range loads; NaN returns) and
// post-mortems (one per strategy), on a real SQLite file, and the migration from schema 7.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cmath>

#include "core/error.hpp"
#include "data/store.hpp"
#include "support/test_stores.hpp"
#include "support/test_support.hpp"

namespace organism::data {
namespace {

constexpr TimeMs kT0 = 1704067200000;  // 2024-01-01 00:00 UTC
constexpr TimeMs kHour = 3'600'000;

StrategyRecord strategy(const std::string& id) {
  return StrategyRecord{id,
                        std::string("r"),
                        std::string("ema_cross"),
                        std::string("{}"),
                        std::string("[]"),
                        std::string("{}"),
                        std::string("paper"),
                        std::string(),
                        0,
                        0,
                        0,
                        {}};
}

void seed(Store& store) {
  RunRecord run;
  run.id = "r";
  run.options = R"({"seed":1})";  // (a 2-byte literal trips g++ 12 -Wmaybe-uninitialized at -O3)
  run.universe = "{}";
  run.status = "finished";
  store.save_run(run);
  store.save_strategy(strategy("a"));
  store.save_strategy(strategy("b"));
}

StrategyMark mark(const std::string& id, const std::string& session, int bar, double equity,
                  double ret) {
  StrategyMark m;
  m.strategy_id = id;
  m.session = session;
  m.time = kT0 + bar * kHour;
  m.equity = equity;
  m.ret = ret;
  m.gross_exposure = 0.5 * bar;
  return m;
}

std::int64_t count_rows(const std::string& location, const char* table) {
  return test::query_int(location, std::string("SELECT count(*) FROM ") + table);
}

class StoreMarksOnBoth : public testing::TestWithParam<test::Backend> {};

TEST_P(StoreMarksOnBoth, UpsertTwiceIsOneRowAndRangesLoad) {
  ORGANISM_TEST_STORE(loc, GetParam());
  const auto path = loc.location();
  {
    auto store = Store::open(path);
    seed(store);
    const std::vector<StrategyMark> first{
        mark("a", "paper", 0, 1000, std::nan("")), mark("a", "paper", 1, 1010, 0.01),
        mark("a", "paper", 2, 999.9, -0.01), mark("b", "paper", 1, 500, 0.0)};
    EXPECT_EQ(store.upsert_marks(first), 4u);
    // The same bar decided again after a restart, with another equity: rewritten, not doubled.
    const std::vector<StrategyMark> again{mark("a", "paper", 2, 1000.5, -0.0094059)};
    EXPECT_EQ(store.upsert_marks(again), 1u);
    // Same time in another session is another row.
    const std::vector<StrategyMark> prod{mark("a", "production", 2, 2000, std::nan(""))};
    store.upsert_marks(prod);
  }
  EXPECT_EQ(count_rows(path, "strategy_marks"), 5);
  auto store = Store::open_existing(path);
  const auto all = store.load_marks("a");
  ASSERT_EQ(all.size(), 4u);
  EXPECT_TRUE(std::isnan(all[0].ret));  // an epoch's first bar
  EXPECT_DOUBLE_EQ(all[1].ret, 0.01);
  EXPECT_EQ(all[2].session, "paper");  // time, then session
  EXPECT_DOUBLE_EQ(all[2].equity, 1000.5);
  EXPECT_DOUBLE_EQ(all[2].ret, -0.0094059);
  EXPECT_DOUBLE_EQ(all[2].gross_exposure, 1.0);
  EXPECT_EQ(all[3].session, "production");
  EXPECT_TRUE(std::isnan(all[3].ret));
  // from <= time < to
  const auto mid = store.load_marks("a", kT0 + kHour, kT0 + 2 * kHour);
  ASSERT_EQ(mid.size(), 1u);
  EXPECT_EQ(mid[0].time, kT0 + kHour);
  EXPECT_EQ(store.load_marks("a", kT0 + 2 * kHour).size(), 2u);
  EXPECT_EQ(store.load_marks("b").size(), 1u);
  EXPECT_TRUE(store.load_marks("nobody").empty());
}

TEST_P(StoreMarksOnBoth, MarkOfAnUnknownStrategyIsAnErrorAndWritesNothing) {
  ORGANISM_TEST_STORE(loc, GetParam());
  auto store = Store::open(loc.location());
  seed(store);
  const std::vector<StrategyMark> marks{mark("a", "paper", 0, 1000, 0.0),
                                        mark("ghost", "paper", 0, 1, 0.0)};
  try {
    store.upsert_marks(marks);
    FAIL() << "no error";
  } catch (const core::Error& e) {
    EXPECT_NE(std::string(e.what()).find("'ghost'"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(store.load_marks("a").empty());  // the savepoint rolled the first row back
}

TEST_P(StoreMarksOnBoth, PostmortemSavedReplacedAndListed) {
  ORGANISM_TEST_STORE(loc, GetParam());
  const auto path = loc.location();
  {
    auto store = Store::open(path);
    seed(store);
    EXPECT_FALSE(store.load_postmortem("a"));
    store.save_postmortem({"b", kT0 + 5, R"({"id":"b"})"});
    store.save_postmortem({"a", kT0 + 9, R"({"id":"a","v":1})"});
    store.save_postmortem({"a", kT0 + 9, R"({"id":"a","v":2})"});  // replaces
  }
  EXPECT_EQ(count_rows(path, "postmortems"), 2);
  auto store = Store::open_existing(path);
  const auto a = store.load_postmortem("a");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->time, kT0 + 9);
  EXPECT_EQ(a->json, R"({"id":"a","v":2})");
  const auto all = store.list_postmortems();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].strategy_id, "b");  // by time
  EXPECT_EQ(all[1].strategy_id, "a");
}

TEST(StoreMarks, MigrationFromVersion7AddsTheTablesAndKeepsStrategies) {
  test::TempDir dir;
  const auto path = (dir / "s.db").string();
  {
    auto store = Store::open(path);
    seed(store);
  }
  {
    // Version 7 is version 8 without the two tables.
    sqlite3* db = nullptr;
    sqlite3_open(path.c_str(), &db);
    ASSERT_EQ(sqlite3_exec(
                  db, "DROP TABLE strategy_marks; DROP TABLE postmortems; PRAGMA user_version = 7;",
                  nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  EXPECT_THROW(count_rows(path, "strategy_marks"), core::Error);  // no such table yet
  EXPECT_THROW(Store::open_existing(path), core::Error);  // read-only: asks for the migration
  auto store = Store::open_existing_for_update(path);
  EXPECT_EQ(store.schema_version(), 8);
  EXPECT_EQ(store.list_strategies().size(), 2u);
  const std::vector<StrategyMark> marks{mark("a", "paper", 0, 1000, 0.0)};
  EXPECT_EQ(store.upsert_marks(marks), 1u);
  EXPECT_EQ(count_rows(path, "strategy_marks"), 1);
  EXPECT_EQ(count_rows(path, "postmortems"), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreMarksOnBoth, test::kBothBackends, test::BackendName{});

}  // namespace
}  // namespace organism::data

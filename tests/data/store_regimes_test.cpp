// The store's regime labels: round trip, range loads, upserts, removal with their candles series,
// and the migration from schema version 6 that adds their table.
#include <sqlite3.h>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "data/store.hpp"
#include "support/test_stores.hpp"
#include "support/test_support.hpp"

namespace organism::data {
namespace {

using test::TempDir;

const core::Interval k1h = *core::Interval::parse("1h");
constexpr TimeMs kT0 = 1704067200000;  // 2024-01-01 00:00 UTC
const SeriesKey kKey{"synth", "BTC", k1h};

Candles make_bars(int n) {
  Candles c;
  for (int i = 0; i < n; ++i) {
    const double p = 100.0 + i;
    c.push_back({kT0 + i * core::kHourMs, p, p + 2, p - 1, p + 1, 10.0, kUnknownTrades});
  }
  return c;
}

std::int64_t count_regime_rows(const std::string& location) {
  return test::query_int(location, "SELECT count(*) FROM regimes");
}

class StoreRegimesOnBoth : public testing::TestWithParam<test::Backend> {};

TEST_P(StoreRegimesOnBoth, RoundTripRangeAndUpsert) {
  ORGANISM_TEST_STORE(loc, GetParam());
  auto store = Store::open(loc.location());
  const auto bars = make_bars(5);
  store.upsert_candles(kKey, bars.view());
  const std::vector<std::uint8_t> codes{0, 95, 17, 3, 42};
  EXPECT_EQ(store.upsert_regimes(kKey, bars.time(), codes), 5u);
  const auto all = store.load_regimes(kKey);
  EXPECT_EQ(all.time, std::vector<TimeMs>(bars.time().begin(), bars.time().end()));
  EXPECT_EQ(all.code, codes);
  // from <= time < to: bars 1 and 2.
  const auto part = store.load_regimes(kKey, kT0 + core::kHourMs, kT0 + 3 * core::kHourMs);
  EXPECT_EQ(part.time, (std::vector<TimeMs>{kT0 + core::kHourMs, kT0 + 2 * core::kHourMs}));
  EXPECT_EQ(part.code, (std::vector<std::uint8_t>{95, 17}));
  // A second write replaces a bar's label and keeps one row per bar.
  const std::vector<TimeMs> one{kT0 + 2 * core::kHourMs};
  const std::vector<std::uint8_t> changed{60};
  store.upsert_regimes(kKey, one, changed);
  EXPECT_EQ(store.load_regimes(kKey).code, (std::vector<std::uint8_t>{0, 95, 60, 3, 42}));
  // Labels belong to a stored series, and come one per time.
  EXPECT_THROW(store.upsert_regimes({"synth", "ETH", k1h}, one, changed), core::Error);
  EXPECT_THROW(store.upsert_regimes(kKey, bars.time(), changed), core::UsageError);
  EXPECT_EQ(store.load_regimes({"synth", "ETH", k1h}).size(), 0u);
}

TEST_P(StoreRegimesOnBoth, AFailedWriteLeavesNoLabels) {
  ORGANISM_TEST_STORE(loc, GetParam());
  auto store = Store::open(loc.location());
  const auto bars = make_bars(3);
  store.upsert_candles(kKey, bars.view());
  {
    auto tx = store.transaction();
    store.upsert_regimes(kKey, bars.time(), std::vector<std::uint8_t>{1, 2, 3});
    // No commit: the transaction rolls back on scope exit, as when a later coin fails.
  }
  EXPECT_EQ(store.load_regimes(kKey).size(), 0u);
}

TEST_P(StoreRegimesOnBoth, DeletingTheCandlesSeriesRemovesItsLabels) {
  ORGANISM_TEST_STORE(loc, GetParam());
  const auto path = loc.location();
  auto store = Store::open(path);
  const auto bars = make_bars(4);
  store.upsert_candles(kKey, bars.view());
  store.upsert_regimes(kKey, bars.time(), std::vector<std::uint8_t>{1, 2, 3, 4});
  EXPECT_EQ(count_regime_rows(path), 4);
  store.delete_candles(kKey);
  EXPECT_EQ(count_regime_rows(path), 0);
  store.upsert_candles(kKey, bars.view());  // the series again, without labels
  EXPECT_EQ(store.load_regimes(kKey).size(), 0u);
}

TEST(StoreRegimes, MigrationFromVersion6KeepsTheDataAndAddsTheTable) {
  TempDir dir;
  const auto path = (dir / "s.db").string();
  {
    auto store = Store::open(path);
    store.upsert_candles(kKey, make_bars(6).view());
  }
  {
    // Version 6 is the current schema without the regimes table and what later versions added.
    sqlite3* db = nullptr;
    sqlite3_open(path.c_str(), &db);
    ASSERT_EQ(sqlite3_exec(db, "DROP TABLE regimes; DROP TABLE strategy_marks; DROP TABLE postmortems; PRAGMA user_version = 6;", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }
  EXPECT_THROW(count_regime_rows(path), core::Error);       // no table
  EXPECT_THROW(Store::open_existing(path), core::Error);  // read-only: asks for the migration
  auto store = Store::open_existing_for_update(path);
  EXPECT_EQ(store.schema_version(), Store::kSchemaVersion);
  const auto loaded = store.load_candles(kKey);  // checked against its recorded count and checksum
  ASSERT_TRUE(loaded);
  ASSERT_EQ(loaded->size(), 6u);
  EXPECT_EQ(loaded->bar(5).close, 106.0);
  EXPECT_EQ(store.upsert_regimes(kKey, loaded->time(), std::vector<std::uint8_t>{9, 9, 9, 9, 9, 9}), 6u);
  EXPECT_EQ(count_regime_rows(path), 6);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreRegimesOnBoth, test::kBothBackends, test::BackendName{});

}  // namespace
}  // namespace organism::data

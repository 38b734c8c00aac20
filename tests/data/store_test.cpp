// The store: schema, idempotent upserts, overlap updates, loading, listing, atomicity.
#include "data/store.hpp"

#include <sqlite3.h>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "data/postgres.hpp"
#include "support/test_stores.hpp"
#include "support/test_support.hpp"

namespace organism::data {
namespace {

using test::TempDir;

const core::Interval k1h = *core::Interval::parse("1h");
constexpr TimeMs kT0 = 1704067200000;  // 2024-01-01 00:00 UTC

Candles make_bars(TimeMs start, int n, double base, std::int64_t trades = kUnknownTrades) {
  Candles c;
  for (int i = 0; i < n; ++i) {
    const double p = base + i;
    c.push_back({start + i * core::kHourMs, p, p + 2, p - 1, p + 1, 10.0 + i, trades});
  }
  return c;
}

TEST(Store, CreatesWalSchemaAndReportsVersion) {
  TempDir dir;
  auto store = Store::open((dir / "s.db").string());
  EXPECT_EQ(store.schema_version(), Store::kSchemaVersion);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir / "s.db").c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, nullptr);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)), "wal");
  sqlite3_finalize(st);
  sqlite3_close(db);
}

TEST(Store, RefusesNewerSchemaAndMissingFile) {
  TempDir dir;
  const auto path = (dir / "s.db").string();
  { Store::open(path); }
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  EXPECT_THROW(Store::open(path), core::Error);
  EXPECT_THROW(Store::open_existing((dir / "missing.db").string()), core::Error);
  EXPECT_FALSE(test::fs::exists(dir / "missing.db"));
}

class StoreOnBoth : public testing::TestWithParam<test::Backend> {};

TEST_P(StoreOnBoth, ReimportChangesNothingAndOverlapUpserts) {
  ORGANISM_TEST_STORE(loc, GetParam());
  auto store = Store::open(loc.location());
  const SeriesKey key{"hyperliquid", "BTC", k1h};
  const auto first = make_bars(kT0, 10, 100);
  auto c = store.upsert_candles(key, first.view());
  EXPECT_EQ(c.inserted, 10);
  EXPECT_EQ(c.updated, 0);
  EXPECT_EQ(c.unchanged, 0);

  c = store.upsert_candles(key, first.view());
  EXPECT_EQ(c.inserted, 0);
  EXPECT_EQ(c.updated, 0);
  EXPECT_EQ(c.unchanged, 10);

  // Bars 5..14 with other prices: 5 overlap (updated), 5 new.
  const auto overlap = make_bars(kT0 + 5 * core::kHourMs, 10, 200);
  c = store.upsert_candles(key, overlap.view());
  EXPECT_EQ(c.inserted, 5);
  EXPECT_EQ(c.updated, 5);
  EXPECT_EQ(c.unchanged, 0);

  const auto loaded = store.load_candles(key);
  ASSERT_TRUE(loaded);
  ASSERT_EQ(loaded->size(), 15u);
  EXPECT_EQ(loaded->open()[4], 104.0);  // untouched
  EXPECT_EQ(loaded->open()[5], 200.0);  // updated
  EXPECT_EQ(loaded->time()[14], kT0 + 14 * core::kHourMs);
}

TEST_P(StoreOnBoth, SameCoinOnTwoVenuesStaysTwoSeries) {
  ORGANISM_TEST_STORE(loc, GetParam());
  auto store = Store::open(loc.location());
  store.upsert_candles({"binance", "BTC", k1h}, make_bars(kT0, 3, 100).view());
  store.upsert_candles({"hyperliquid", "BTC", k1h}, make_bars(kT0, 4, 101).view());
  const auto list = store.list_series();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].key.venue, "binance");
  EXPECT_EQ(list[0].bars, 3);
  EXPECT_EQ(list[1].bars, 4);
  EXPECT_EQ(store.venues_for("BTC", "1h"), (std::vector<std::string>{"binance", "hyperliquid"}));
  EXPECT_EQ(store.load_candles({"binance", "BTC", k1h})->open()[0], 100.0);
}

TEST_P(StoreOnBoth, ListReportsSpanAndGaps) {
  ORGANISM_TEST_STORE(loc, GetParam());
  auto store = Store::open(loc.location());
  Candles c = make_bars(kT0, 3, 100);
  auto later = make_bars(kT0 + 6 * core::kHourMs, 2, 100);  // hours 3,4,5 missing
  for (std::size_t i = 0; i < later.size(); ++i) c.push_back(later.bar(i));
  store.upsert_candles({"x", "BTC", k1h}, c.view());
  const auto info = store.list_series().at(0);
  EXPECT_EQ(info.bars, 5);
  EXPECT_EQ(info.first, kT0);
  EXPECT_EQ(info.last, kT0 + 7 * core::kHourMs);
  EXPECT_EQ(info.gaps, 1);
  EXPECT_EQ(info.missing, 3);
}

TEST_P(StoreOnBoth, UnknownTradeCountNeverErasesKnownOne) {
  ORGANISM_TEST_STORE(loc, GetParam());
  auto store = Store::open(loc.location());
  const SeriesKey key{"binance", "BTC", k1h};
  store.upsert_candles(key, make_bars(kT0, 2, 100, 42).view());
  const auto c = store.upsert_candles(key, make_bars(kT0, 2, 100).view());
  EXPECT_EQ(c.unchanged, 2);
  EXPECT_EQ(store.load_candles(key)->trades()[1], 42);
}

TEST_P(StoreOnBoth, RangeLoadAndRollbackOnException) {
  ORGANISM_TEST_STORE(loc, GetParam());
  auto store = Store::open(loc.location());
  const SeriesKey key{"x", "ETH", k1h};
  store.upsert_candles(key, make_bars(kT0, 10, 100).view());
  const auto part = store.load_candles(key, kT0 + 2 * core::kHourMs, kT0 + 5 * core::kHourMs);
  ASSERT_EQ(part->size(), 3u);
  EXPECT_EQ(part->time()[0], kT0 + 2 * core::kHourMs);
  try {
    auto tx = store.transaction();
    store.upsert_candles(key, make_bars(kT0, 20, 500).view());
    throw std::runtime_error("interrupted");
  } catch (const std::runtime_error&) {
  }
  const auto after = store.load_candles(key);
  EXPECT_EQ(after->size(), 10u);
  EXPECT_EQ(after->open()[0], 100.0);
}

TEST_P(StoreOnBoth, FundingAndSentimentUpserts) {
  ORGANISM_TEST_STORE(loc, GetParam());
  auto store = Store::open(loc.location());
  FundingSeries f{"hyperliquid", "BTC", core::kHourMs, {kT0, kT0 + core::kHourMs}, {1e-5, -2e-5}};
  EXPECT_EQ(store.upsert_funding(f).inserted, 2);
  EXPECT_EQ(store.upsert_funding(f).unchanged, 2);
  f.rate[1] = 3e-5;
  EXPECT_EQ(store.upsert_funding(f).updated, 1);
  EXPECT_EQ(store.load_funding("hyperliquid", "BTC")->rate[1], 3e-5);
  FundingSeries other = f;
  other.interval_ms = 8 * core::kHourMs;
  EXPECT_THROW(store.upsert_funding(other), core::Error);

  SentimentSeries s{"fear_greed", {kT0, kT0 + core::kDayMs}, {30, 70}, {"Fear", "Greed"}};
  EXPECT_EQ(store.upsert_sentiment(s).inserted, 2);
  EXPECT_EQ(store.upsert_sentiment(s).unchanged, 2);
  const auto loaded = store.load_sentiment("fear_greed");
  EXPECT_EQ(loaded->value[1], 70);
  EXPECT_EQ(loaded->classification[0], "Fear");
  EXPECT_EQ(store.list_funding().at(0).rows, 2);
  EXPECT_EQ(store.list_sentiment().at(0).rows, 2);
}

// One bar at a time, as the live stream writes: the summary is extended instead of recomputed, and
// must end equal to the recomputed one (verify reads every row), through appends, an overwrite of
// an old bar (the full path) and appends again; funding likewise.
TEST_P(StoreOnBoth, AppendsExtendTheSummaryToWhatARecomputeGives) {
  ORGANISM_TEST_STORE(loc, GetParam());
  auto store = Store::open(loc.location());
  const SeriesKey key{"hyperliquid", "BTC", k1h};
  const auto bars = make_bars(kT0, 50, 100.0, 7);
  for (std::size_t i = 0; i < 40; ++i) {
    const auto c = store.upsert_candles(key, bars.view(i, i + 1));
    ASSERT_EQ(c.inserted, 1) << i;
  }
  auto changed = make_bars(kT0 + 5 * core::kHourMs, 1, 500.0, 7);
  EXPECT_EQ(store.upsert_candles(key, changed.view()).updated, 1);
  EXPECT_EQ(store.upsert_candles(key, bars.view(40, 50)).inserted, 10);
  EXPECT_EQ(store.upsert_candles(key, bars.view(49, 50)).unchanged, 1);  // not after the last
  for (int i = 0; i < 30; ++i) {
    FundingSeries f{"hyperliquid", "BTC", core::kHourMs, {kT0 + i * core::kHourMs + 3}, {1e-6 * (i + 1)}};
    EXPECT_EQ(store.upsert_funding(f).inserted, 1);
  }
  const auto report = store.verify();
  EXPECT_TRUE(report.ok());
  ASSERT_EQ(report.series.size(), 2u);
  for (const auto& s : report.series) {
    EXPECT_EQ(s.problem, "") << s.label;
    EXPECT_EQ(s.rows_read, s.rows_recorded) << s.label;
  }
  const auto loaded = store.load_candles(key);
  ASSERT_EQ(loaded->size(), 50u);
  EXPECT_EQ(loaded->bar(5).close, 501.0);
  EXPECT_EQ(store.load_funding("hyperliquid", "BTC")->time.size(), 30u);
}

TEST_P(StoreOnBoth, DeleteRemovesSeries) {
  ORGANISM_TEST_STORE(loc, GetParam());
  auto store = Store::open(loc.location());
  const SeriesKey key{"synth", "BTC", k1h};
  store.upsert_candles(key, make_bars(kT0, 3, 100).view());
  store.delete_candles(key);
  EXPECT_FALSE(store.load_candles(key));
  EXPECT_TRUE(store.list_series().empty());
}

// The schema version in each backend's own bookkeeping: a newer one is refused, for reading and
// for writing, and the store is left as it was.
TEST_P(StoreOnBoth, RefusesANewerSchemaAndAForeignDatabase) {
  ORGANISM_TEST_STORE(loc, GetParam());
  { Store::open(loc.location()); }
  {
    auto conn = sql::open_connection(loc.location(), sql::Connection::Mode::ReadWrite);
    conn->exec(conn->dialect() == sql::Dialect::Sqlite ? "PRAGMA user_version = 99" : "UPDATE organism_schema SET version = 99");
  }
  try {
    Store::open(loc.location());
    ADD_FAILURE() << "a newer schema was opened";
  } catch (const core::Error& e) {
    EXPECT_NE(std::string(e.what()).find("schema version 99 is newer"), std::string::npos) << e.what();
  }
  EXPECT_THROW(Store::open_existing(loc.location()), core::Error);
  EXPECT_EQ(test::query_int(loc.location(), "SELECT count(*) FROM series"), 0);

  ORGANISM_TEST_STORE(other, GetParam());
  {
    auto conn = sql::open_connection(other.location(), sql::Connection::Mode::ReadWrite);
    conn->exec("CREATE TABLE accounts (id INTEGER PRIMARY KEY)");
  }
  try {
    Store::open(other.location());
    ADD_FAILURE() << "organism added its tables to a foreign database";
  } catch (const core::Error& e) {
    EXPECT_NE(std::string(e.what()).find("organism did not create"), std::string::npos) << e.what();
  }
  EXPECT_THROW(test::query_int(other.location(), "SELECT count(*) FROM series"), core::Error);
}

// Reading a server database that holds no store says so, and creates nothing.
TEST(StoreOnServer, ReadingAnEmptyDatabaseSaysSoAndCreatesNothing) {
  ORGANISM_TEST_STORE(loc, test::Backend::Postgres);
  try {
    Store::open_existing(loc.location());
    ADD_FAILURE() << "an empty database opened as a store";
  } catch (const core::Error& e) {
    EXPECT_NE(std::string(e.what()).find("holds no organism store"), std::string::npos) << e.what();
  }
  EXPECT_EQ(test::query_int(loc.location(), "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"), 0);
}

// A password written in the URL never reaches a message: the store names the URL without it.
TEST(StoreOnServer, APasswordInTheUrlIsNeverShown) {
  ORGANISM_TEST_STORE(loc, test::Backend::Postgres);
  // The test server trusts every connection: the password is accepted and ignored.
  std::string with_password = loc.location();
  with_password.replace(with_password.find("postgres@"), 9, "postgres:s3cret-pw@");
  auto store = Store::open(with_password + "?connect_timeout=5&password=s3cret-pw");
  EXPECT_EQ(store.path().find("s3cret"), std::string::npos) << store.path();
  EXPECT_NE(store.path().find("postgres@127.0.0.1"), std::string::npos) << store.path();
  EXPECT_NE(store.path().find("connect_timeout=5"), std::string::npos) << store.path();
  // A server that is not there: the message names it, without the password.
  try {
    Store::open("postgresql://someone:s3cret-pw@127.0.0.1:1/organism?connect_timeout=2");
    ADD_FAILURE() << "connected to port 1";
  } catch (const core::Error& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.find("s3cret"), std::string::npos) << what;
    EXPECT_NE(what.find("postgresql://someone@127.0.0.1:1/organism"), std::string::npos) << what;
    EXPECT_NE(what.find("cannot connect"), std::string::npos) << what;
  }
}

// ? and ?N become $N; a ? inside quotes is text.
TEST(StoreOnServer, ParametersAreNumberedOutsideQuotes) {
  EXPECT_EQ(postgres::numbered_parameters("SELECT ? , '?', \"a?\" WHERE x = ?2 AND y = ?"),
            "SELECT $1 , '?', \"a?\" WHERE x = $2 AND y = $3");
  EXPECT_EQ(postgres::redact_url("postgresql://u:p@h:5/d?password=x&sslmode=require"), "postgresql://u@h:5/d?sslmode=require");
  EXPECT_EQ(postgres::redact_url("postgres://h/d"), "postgres://h/d");
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreOnBoth, test::kBothBackends, test::BackendName{});

}  // namespace
}  // namespace organism::data

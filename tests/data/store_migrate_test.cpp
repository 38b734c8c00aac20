// organism data migrate's data layer: every table copied SQLite -> PostgreSQL -> SQLite with ids,
// compared by checksum and through the Store API; a non-empty destination refused and left
// unchanged; a tampered copy detected; imports after a migration into PostgreSQL; a failed copy
// leaves no file; a server store backed up into a SQLite file.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

#include <fmt/format.h>

#include "core/error.hpp"
#include "data/sql.hpp"
#include "data/store.hpp"
#include "data/store_migrate.hpp"
#include "data/store_migrate_tables.hpp"
#include "support/test_stores.hpp"
#include "support/test_support.hpp"

namespace organism::data {
namespace {

const core::Interval k1h = *core::Interval::parse("1h");
constexpr TimeMs kT0 = 1704067200000;  // 2024-01-01 00:00 UTC
constexpr TimeMs kHour = 3'600'000;

Candles bars(int n, double base, bool mixed_trades) {
  Candles c;
  for (int i = 0; i < n; ++i) {
    const double p = base + 0.1 * i;
    // Known and unknown trade counts in one series (NULL in the store).
    const std::int64_t trades = mixed_trades && i % 3 == 0 ? kUnknownTrades : 100 + i;
    c.push_back({kT0 + i * kHour, p, p + 2.5, p - 1.25, p + 1.0 / 3, 10.0 + i, trades});
  }
  return c;
}

StrategyRecord strategy(const std::string& id, const std::string& run) {
  StrategyRecord s;
  s.id = id;
  s.run_id = run;
  s.family = "ema_cross";
  s.genome = R"({"fast":12,"slow":26})";
  s.parents = "[]";
  s.metrics = R"({"train":{"sharpe":1.25}})";
  s.state = "testing";
  s.generation = 4;
  s.created = kT0;
  s.updated = kT0;
  return s;
}

const SeriesKey kBtc{"binance", "BTC", k1h};
const SeriesKey kEth{"hyperliquid", "ETH", k1h};

// A store with every kind of row the schema holds.
void fill(Store& store) {
  store.upsert_candles(kBtc, bars(300, 40000, false).view());
  store.upsert_candles(kEth, bars(120, 2000, true).view());
  std::vector<TimeMs> times;
  std::vector<std::uint8_t> codes;
  for (int i = 0; i < 300; ++i) {
    times.push_back(kT0 + i * kHour);
    codes.push_back(static_cast<std::uint8_t>(i % 96));
  }
  store.upsert_regimes(kBtc, times, codes);
  FundingSeries funding{"hyperliquid", "BTC", kHour, {}, {}};
  for (int i = 0; i < 50; ++i) {
    funding.time.push_back(kT0 + i * kHour);
    funding.rate.push_back(1.25e-5 * (i % 7 - 3));
  }
  store.upsert_funding(funding);
  SentimentSeries sentiment{"fear_greed", {}, {}, {}};
  for (int i = 0; i < 20; ++i) {
    sentiment.time.push_back(kT0 + i * 24 * kHour);
    sentiment.value.push_back(10 + 4 * i);
    sentiment.classification.push_back(i < 5 ? "Extreme Fear" : "Greed");
  }
  store.upsert_sentiment(sentiment);

  RunRecord run;
  run.id = "run-1";
  run.created = kT0;
  run.options = R"({"seed":7,"note":"caf\u00e9 'quoted'"})";
  run.universe = R"(["binance:BTC:1h"])";
  run.status = "interrupted";
  run.generation = 3;
  run.evaluations = 1200;
  run.seconds = 12.75;
  store.save_run(run);
  store.save_checkpoint("run-1", 3, R"({"population":[1,2,3]})");
  RunRecord done = run;
  done.id = "run-2";
  done.status = "finished";
  done.result = R"({"front":["s-a"]})";
  store.save_run(done);
  store.save_run_lock({"run-1", 4242, "host-a", kT0});

  StrategyEvent birth{0, "s-a", kT0, "", "testing", "born in run-1", "{}"};
  store.insert_strategy_born(strategy("s-a", "run-1"), birth);
  birth.strategy_id = "s-b";
  store.insert_strategy_born(strategy("s-b", "run-1"), birth);
  store.record_strategy_event({0, "s-a", kT0 + kHour, "testing", "validated", "gates passed: é ✓", R"({"dsr":0.97})"},
                              std::string(R"({"gates":"ok"})"));
  store.record_strategy_event({0, "s-a", kT0 + 2 * kHour, "validated", "paper", "promoted", "{}"});
  store.record_strategy_event({0, "s-b", kT0 + 2 * kHour, "testing", "retired", "failed", "{}"});
  store.link_strategy_run("s-a", {"run-1", 4, kT0});
  store.link_strategy_run("s-a", {"run-2", 9, kT0 + kHour});
  const std::vector<StrategyMark> marks{
      {"s-a", kT0, "paper", 1000, std::nan(""), 0.5},
      {"s-a", kT0 + kHour, "paper", 1012.5, 0.0125, 0.75},
      {"s-a", kT0 + kHour, "production", 5000, std::nan(""), 0.25},
  };
  store.upsert_marks(marks);
  store.save_postmortem({"s-b", kT0 + 2 * kHour, R"({"reason":"drawdown"})"});
}

std::string describe(const StrategyRecord& s) {
  std::string found;
  for (const auto& f : s.found_by) found += fmt::format("{}@{}/{} ", f.run_id, f.generation, f.found);
  return fmt::format("{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}", s.id, s.run_id, s.family, s.genome, s.parents, s.metrics,
                     s.state, s.validation, s.generation, s.created, s.updated, found);
}

std::string describe(const std::vector<StrategyEvent>& events) {
  std::string out;
  for (const auto& e : events) {
    out += fmt::format("{}|{}|{}|{}|{}|{}|{}\n", e.seq, e.strategy_id, e.time, e.from_state, e.to_state, e.reason,
                       e.evidence);
  }
  return out;
}

std::string describe(const std::vector<StrategyMark>& marks) {
  std::string out;
  for (const auto& m : marks) {
    out += fmt::format("{}|{}|{}|{}|{}|{}\n", m.strategy_id, m.time, m.session, m.equity,
                       std::isnan(m.ret) ? std::string("nan") : fmt::format("{}", m.ret), m.gross_exposure);
  }
  return out;
}

// Everything the Store API reads back, as one text to compare.
std::string read_back(const std::string& location) {
  auto store = Store::open_existing(location);
  std::string out;
  for (const auto& key : {kBtc, kEth}) {
    const auto c = store.load_candles(key);
    out += fmt::format("candles {} {}\n", key.label(), c ? c->size() : 0);
    for (std::size_t i = 0; c && i < c->size(); ++i) {
      const auto b = c->bar(i);
      out += fmt::format("{} {} {} {} {} {} {}\n", b.time, b.open, b.high, b.low, b.close, b.volume, b.trades);
    }
    const auto r = store.load_regimes(key);
    for (std::size_t i = 0; i < r.size(); ++i) out += fmt::format("regime {} {}\n", r.time[i], r.code[i]);
  }
  const auto f = store.load_funding("hyperliquid", "BTC");
  for (std::size_t i = 0; f && i < f->size(); ++i) out += fmt::format("funding {} {}\n", f->time[i], f->rate[i]);
  const auto s = store.load_sentiment("fear_greed");
  for (std::size_t i = 0; s && i < s->size(); ++i) {
    out += fmt::format("sentiment {} {} {}\n", s->time[i], s->value[i], s->classification[i]);
  }
  for (const auto& run : store.list_runs()) {
    out += fmt::format("run {} {} {} {} {} {} {} {} {}\n", run.id, run.created, run.options, run.universe, run.status,
                       run.generation, run.evaluations, run.seconds, run.result);
    out += fmt::format("checkpoint {}\n", store.load_checkpoint(run.id).value_or("-"));
  }
  for (const auto& st : store.list_strategies()) {
    out += describe(st) + "\n" + describe(store.list_strategy_events(st.id)) + describe(store.load_marks(st.id));
    const auto pm = store.load_postmortem(st.id);
    if (pm) out += fmt::format("postmortem {} {} {}\n", pm->strategy_id, pm->time, pm->json);
  }
  return out;
}

// a.db in `dir`, filled.
std::string filled_store(const test::TempDir& dir) {
  const auto a = (dir / "a.db").string();
  auto store = Store::open(a);
  fill(store);
  return a;
}

std::int64_t total_rows(const std::vector<TableSum>& sums) {
  std::int64_t n = 0;
  for (const auto& t : sums) n += t.rows;
  return n;
}

std::vector<TableSum> sums_of(const std::string& location) {
  auto store = Store::open_existing(location);
  return table_sums(store.connection());
}

TEST(StoreMigrate, SqliteToPostgresAndBackKeepsEveryRow) {
  ORGANISM_TEST_STORE(pg, test::Backend::Postgres);
  test::TempDir dir;
  const auto a = filled_store(dir);
  const auto g = (dir / "g.db").string();
  const auto there = migrate_store("sqlite:" + a, pg.location());
  const auto back = migrate_store(pg.location(), "sqlite:" + g);

  const auto source = sums_of(a);
  for (const auto& t : source) EXPECT_GT(t.rows, 0) << t.table << " holds no rows: the fill misses a kind";
  EXPECT_EQ(there.rows, total_rows(source));
  EXPECT_EQ(there.run_locks_skipped, 1);
  EXPECT_EQ(back.run_locks_skipped, 0);
  EXPECT_NO_THROW(require_same_tables(source, sums_of(pg.location()), a, pg.location()));
  EXPECT_NO_THROW(require_same_tables(source, sums_of(g), a, g));
  EXPECT_NO_THROW(require_same_tables(source, there.tables, a, pg.location()));
  EXPECT_EQ(test::query_int(pg.location(), "SELECT count(*) FROM run_locks"), 0);

  const auto expected = read_back(a);
  EXPECT_NE(expected.find("nan"), std::string::npos);
  EXPECT_NE(expected.find("-1\n"), std::string::npos);  // an unknown trade count
  EXPECT_EQ(read_back(pg.location()), expected);
  EXPECT_EQ(read_back(g), expected);
  EXPECT_TRUE(Store::open_existing(g).verify().ok());
}

class StoreMigrateInto : public testing::TestWithParam<test::Backend> {};

TEST_P(StoreMigrateInto, RefusesADestinationWithRowsAndLeavesItUnchanged) {
  ORGANISM_TEST_STORE(to, GetParam());
  test::TempDir dir;
  const auto a = filled_store(dir);
  {
    auto store = Store::open(to.location());
    store.upsert_candles({"binance", "SOL", k1h}, bars(10, 150, false).view());
  }
  const auto before = sums_of(to.location());
  try {
    migrate_store(a, to.location());
    FAIL() << "a destination with rows was not refused";
  } catch (const core::UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("not empty (table series holds rows)"), std::string::npos) << e.what();
  }
  EXPECT_NO_THROW(require_same_tables(before, sums_of(to.location()), "before", "after"));
  EXPECT_EQ(total_rows(sums_of(to.location())), 11);  // 10 candles and their series
}

TEST_P(StoreMigrateInto, ATamperedCopyIsDetected) {
  ORGANISM_TEST_STORE(to, GetParam());
  test::TempDir dir;
  const auto a = filled_store(dir);
  migrate_store(a, to.location());
  const auto source = sums_of(a);
  ASSERT_NO_THROW(require_same_tables(source, sums_of(to.location()), a, to.location()));
  {
    // One double in one row, by a connection of the test's own: what a faulty copy would do.
    const auto db = sql::open_connection(to.location(), sql::Connection::Mode::ReadWrite);
    db->exec(fmt::format("UPDATE candles SET low = low + 0.5 WHERE time = {}", kT0 + 7 * kHour));
  }
  try {
    require_same_tables(source, sums_of(to.location()), a, to.location());
    FAIL() << "a changed row was not detected";
  } catch (const core::Error& e) {
    EXPECT_NE(std::string(e.what()).find("table candles differs"), std::string::npos) << e.what();
  }
}

TEST_P(StoreMigrateInto, AFailedCopyLeavesTheDestinationAsItWas) {
  ORGANISM_TEST_STORE(to, GetParam());
  test::TempDir dir;
  const auto a = filled_store(dir);
  {
    // A series whose recorded checksum disagrees with its rows: the copy fails its verify.
    const auto db = sql::open_connection(a, sql::Connection::Mode::ReadWrite);
    db->exec("UPDATE series SET checksum = checksum + 1 WHERE coin = 'ETH'");
  }
  const bool file = GetParam() == test::Backend::Sqlite;
  try {
    migrate_store(a, to.location());
    FAIL() << "a damaged source was copied";
  } catch (const core::Error& e) {
    EXPECT_NE(std::string(e.what()).find("hyperliquid:ETH:1h"), std::string::npos) << e.what();
  }
  if (file) {
    EXPECT_FALSE(std::filesystem::exists(to.location()));
    EXPECT_FALSE(std::filesystem::exists(to.location() + "-wal"));
  } else {
    EXPECT_EQ(total_rows(sums_of(to.location())), 0);
  }
}

TEST_P(StoreMigrateInto, ImportsAfterAMigrationTakeNewIds) {
  ORGANISM_TEST_STORE(to, GetParam());
  test::TempDir dir;
  const auto a = filled_store(dir);
  migrate_store(a, to.location());
  auto store = Store::open(to.location());
  const SeriesKey sol{"binance", "SOL", k1h};
  EXPECT_EQ(store.upsert_candles(sol, bars(24, 150, false).view()).inserted, 24);
  store.upsert_funding({"binance", "ETH", 8 * kHour, {kT0}, {0.0001}});
  store.insert_strategy_born(strategy("s-c", "run-2"), {0, "s-c", kT0, "", "testing", "born", "{}"});
  EXPECT_EQ(store.load_candles(sol)->size(), 24u);
  EXPECT_EQ(store.load_candles(kBtc)->size(), 300u);
  EXPECT_EQ(test::query_int(to.location(), "SELECT max(id) FROM series"), 3);
  EXPECT_EQ(test::query_int(to.location(), "SELECT max(id) FROM funding_series"), 2);
  const auto events = store.list_strategy_events("s-c");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].seq, test::query_int(a, "SELECT max(seq) FROM strategy_events") + 1);
  EXPECT_TRUE(store.verify().ok());
}

TEST_P(StoreMigrateInto, RefusesTheSourceItself) {
  ORGANISM_TEST_STORE(loc, GetParam());
  Store::open(loc.location());
  EXPECT_THROW(migrate_store(loc.location(), loc.location()), core::UsageError);
}

// A column added to the schema and forgotten in copied_tables() would silently stay behind: every
// column of every table the schema creates (run_locks aside) is one the migration copies, in the
// order the schema gives them.
TEST_P(StoreMigrateInto, CopiesEveryColumnOfTheSchema) {
  ORGANISM_TEST_STORE(loc, GetParam());
  { Store::open(loc.location()); }
  const auto conn = sql::open_connection(loc.location(), sql::Connection::Mode::ReadOnly);
  sql::Statement st(*conn, conn->dialect() == sql::Dialect::Sqlite
                               ? "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p "
                                 "WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, p.cid"
                               : "SELECT table_name, column_name FROM information_schema.columns "
                                 "WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position");
  std::map<std::string, std::vector<std::string>> schema;
  while (st.step()) schema[st.column_text(0)].push_back(st.column_text(1));
  schema.erase("run_locks");        // per process: not copied
  schema.erase("organism_schema");  // the server's version bookkeeping, written by Store::open
  std::map<std::string, std::vector<std::string>> copied;
  for (const auto& table : migrate::copied_tables()) {
    for (const auto& column : table.columns) copied[std::string(table.name)].emplace_back(column.name);
  }
  for (auto& [table, columns] : schema) std::sort(columns.begin(), columns.end());
  for (auto& [table, columns] : copied) std::sort(columns.begin(), columns.end());
  EXPECT_EQ(schema, copied);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreMigrateInto, test::kBothBackends, test::BackendName{});

TEST(StoreMigrate, ServerStoreBacksUpIntoASqliteFile) {
  ORGANISM_TEST_STORE(pg, test::Backend::Postgres);
  test::TempDir dir;
  {
    auto store = Store::open(pg.location());
    fill(store);
  }
  const auto out = (dir / "backup.db").string();
  Store::open_existing(pg.location()).backup_to(out, false);
  EXPECT_NO_THROW(require_same_tables(sums_of(pg.location()), sums_of(out), pg.location(), out));
  EXPECT_EQ(read_back(out), read_back(pg.location()));
  EXPECT_FALSE(std::filesystem::exists(out + "-wal"));
  EXPECT_THROW(Store::open_existing(pg.location()).backup_to(out, false), core::UsageError);
}

}  // namespace
}  // namespace organism::data

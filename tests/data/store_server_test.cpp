// Two connections on one PostgreSQL store, in one process (issue 24, concurrency): the writer lock
// serializes two writers with no lost update; a read snapshot keeps one state while another
// connection commits; an autocommit statement chosen as a deadlock's victim runs again by itself,
// and inside a transaction a lock timeout goes up as RetryableError; run ownership excludes a
// second connection and is free again once the first closes. Skipped without the test server.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "core/error.hpp"
#include "data/postgres.hpp"
#include "data/store.hpp"
#include "support/test_stores.hpp"

namespace organism::data {
namespace {

using namespace std::chrono_literals;

const core::Interval k1h = *core::Interval::parse("1h");
constexpr TimeMs kT0 = 1704067200000;  // 2024-01-01 00:00 UTC
const SeriesKey kKey{"test", "BTC", k1h};

Candles bars_at(TimeMs start, int n, double base) {
  Candles c;
  for (int i = 0; i < n; ++i) {
    const double p = base + i;
    c.push_back({start + i * core::kHourMs, p, p + 2, p - 1, p + 1, 10.0 + i, kUnknownTrades});
  }
  return c;
}

std::int64_t one_int(sql::Connection& db, const std::string& sql) {
  sql::Statement st(db, sql);
  st.step_row();
  return st.column_int(0);
}

std::unique_ptr<sql::Connection> connect(const std::string& url) {
  return sql::open_connection(url, sql::Connection::Mode::ReadWrite);
}

TEST(StoreServer, TheWriterLockSerializesTwoWritersWithNoLostUpdate) {
  ORGANISM_TEST_STORE(loc, test::Backend::Postgres);
  { Store::open(loc.location()); }  // the schema, once
  // Each writer appends blocks of bars to the one series, the next block in time taken from a shared
  // counter: a write that is an append extends the series' recorded count and checksum from the
  // values it read. Without the writer lock between that read and the write, two appends would
  // both extend the same old values and one would be lost for good (the next appends extend it).
  constexpr int kBlocks = 60, kBlockBars = 80;
  std::atomic<int> next_block{0};
  auto writer = [&](int) {
    auto store = Store::open(loc.location());
    for (int block = next_block++; block < kBlocks; block = next_block++) {
      store.upsert_candles(kKey, bars_at(kT0 + block * kBlockBars * core::kHourMs, kBlockBars, 100.0 + block).view());
    }
  };
  std::thread even(writer, 0), odd(writer, 1);
  even.join();
  odd.join();

  auto store = Store::open(loc.location());
  EXPECT_EQ(store.load_candles(kKey)->size(), static_cast<std::size_t>(kBlocks * kBlockBars));
  EXPECT_EQ(test::query_int(loc.location(), "SELECT row_count FROM series"), kBlocks * kBlockBars);
  const auto report = store.verify();  // the recorded count and checksum against a recompute
  EXPECT_TRUE(report.ok());
  ASSERT_EQ(report.series.size(), 1u);
  EXPECT_EQ(report.series[0].problem, "");
  EXPECT_EQ(report.series[0].rows_recorded, kBlocks * kBlockBars);
}

TEST(StoreServer, AReadSnapshotSeesOneStateWhileAnotherConnectionCommits) {
  ORGANISM_TEST_STORE(loc, test::Backend::Postgres);
  auto reader = Store::open(loc.location());
  reader.upsert_candles(kKey, bars_at(kT0, 10, 100).view());
  auto writer = Store::open(loc.location());
  {
    sql::ReadSnapshot snapshot(reader.connection());
    EXPECT_EQ(reader.load_candles(kKey)->size(), 10u);  // the snapshot is taken here
    writer.upsert_candles(kKey, bars_at(kT0 + 10 * core::kHourMs, 5, 200).view());
    EXPECT_EQ(test::query_int(loc.location(), "SELECT count(*) FROM candles"), 15);  // committed
    EXPECT_EQ(reader.load_candles(kKey)->size(), 10u);
    EXPECT_EQ(one_int(reader.connection(), "SELECT row_count FROM series"), 10);
  }
  EXPECT_EQ(reader.load_candles(kKey)->size(), 15u);
  EXPECT_EQ(one_int(reader.connection(), "SELECT row_count FROM series"), 15);
}

TEST(StoreServer, AnAutocommitWriteChosenAsADeadlocksVictimRunsAgainByItself) {
  ORGANISM_TEST_STORE(loc, test::Backend::Postgres);
  const auto other = connect(loc.location()), victim = connect(loc.location()), watch = connect(loc.location());
  other->exec("CREATE TABLE t (x BIGINT)");
  const auto victim_pid = one_int(*victim, "SELECT pg_backend_pid()");
  // Whoever checks first is the victim: the victim after the default 1 s, the other only after a minute.
  other->exec("SET deadlock_timeout = '60s'");
  other->exec("BEGIN; LOCK TABLE t IN SHARE MODE");

  // The victim's INSERT takes the store's writer lock (its own transaction), then waits for the table.
  std::exception_ptr failed;
  std::thread insert([&] {
    try {
      sql::Statement(*victim, "INSERT INTO t (x) VALUES (1)").run();
    } catch (...) {
      failed = std::current_exception();
    }
  });
  std::int64_t writer_key = 0;
  for (int i = 0; i < 5000 && writer_key == 0; ++i) {
    const auto waiting = one_int(*watch, "SELECT count(*) FROM pg_locks WHERE NOT granted AND locktype = 'relation' AND pid = " +
                                             std::to_string(victim_pid));
    if (waiting == 1) {
      writer_key = one_int(*watch, "SELECT (classid::bigint << 32) | objid::bigint FROM pg_locks WHERE granted AND "
                                   "locktype = 'advisory' AND pid = " + std::to_string(victim_pid));
    } else {
      std::this_thread::sleep_for(1ms);
    }
  }
  ASSERT_NE(writer_key, 0) << "the INSERT never waited for the table";
  // Now the other transaction wants the writer lock the victim holds: a deadlock. It gets the lock
  // only when the victim's first attempt has been rolled back (the INSERT could not have committed:
  // it waited for this transaction's table lock).
  other->exec("SELECT pg_advisory_xact_lock(" + std::to_string(writer_key) + ")");
  other->exec("COMMIT");
  insert.join();
  if (failed) std::rethrow_exception(failed);  // it must have retried, not failed
  EXPECT_EQ(one_int(*watch, "SELECT count(*) FROM t"), 1);
}

TEST(StoreServer, ALockTimeoutInsideATransactionIsRetryableForTheCaller) {
  ORGANISM_TEST_STORE(loc, test::Backend::Postgres);
  auto holder = Store::open(loc.location());
  auto waiter = Store::open(loc.location());
  auto held = holder.transaction();  // the writer lock, until the end of this test
  waiter.connection().exec("SET lock_timeout = '100ms'");
  const auto started = std::chrono::steady_clock::now();
  // Inside a caller's transaction the statement does not run again by itself: the caller must run
  // the whole transaction again, and the error says so by its type (SQLSTATE 55P03).
  EXPECT_THROW(waiter.transaction(), postgres::RetryableError);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
  EXPECT_FALSE(waiter.connection().in_transaction());
}

TEST(StoreServer, RunOwnershipExcludesASecondConnectionUntilTheFirstReleasesOrCloses) {
  ORGANISM_TEST_STORE(loc, test::Backend::Postgres);
  auto second = Store::open(loc.location());
  {
    auto first = Store::open(loc.location());
    ASSERT_TRUE(first.try_own_run("run_a"));
    EXPECT_FALSE(second.try_own_run("run_a"));
    EXPECT_TRUE(second.try_own_run("run_b"));  // one lock per run
    first.release_run("run_a");
    EXPECT_TRUE(second.try_own_run("run_a"));
    second.release_run("run_a");
    ASSERT_TRUE(first.try_own_run("run_a"));
    EXPECT_FALSE(second.try_own_run("run_a"));
  }  // the first connection closes without releasing, as a killed process's would
  // The server releases a closed connection's locks when its backend process exits, moments after
  // the socket closes (longer on a loaded machine): asked again until then, within 10 s.
  bool taken = false;
  for (auto until = std::chrono::steady_clock::now() + 10s; !taken && std::chrono::steady_clock::now() < until;) {
    taken = second.try_own_run("run_a");
    if (!taken) std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(taken);
  // A read-only store asks too (the daemon's check whether its evolve child still runs a run).
  auto reader = Store::open_existing(loc.location());
  EXPECT_FALSE(reader.try_own_run("run_a"));
  EXPECT_FALSE(reader.try_own_run("run_b"));
  EXPECT_TRUE(reader.try_own_run("run_c"));
}

TEST(StoreServer, TheServerProbesAStoreConnectionSoAVanishedHostsLocksEndWithinAMinute) {
  ORGANISM_TEST_STORE(loc, test::Backend::Postgres);  // the test server is reached over TCP
  auto store = Store::open(loc.location());
  auto show = [&](const std::string& name) {
    sql::Statement st(store.connection(), "SHOW " + name);
    st.step_row();
    return st.column_text(0);
  };
  EXPECT_EQ(show("tcp_keepalives_idle"), "30");
  EXPECT_EQ(show("tcp_keepalives_interval"), "10");
  EXPECT_EQ(show("tcp_keepalives_count"), "3");
}

}  // namespace
}  // namespace organism::data

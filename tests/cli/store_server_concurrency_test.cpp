// Many `organism` processes on one PostgreSQL store (issue 24, concurrency): four writers started
// together (two imports, two evolves) lose and double nothing; a run interrupted in one process is
// resumed by another; two processes cannot step one run, and a killed holder's lock is gone with
// its connection; kill -9 during an import or a checkpoint leaves a store that verifies and a
// run or an import that completes. Real subprocesses against the test server (skipped without it).
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <iostream>
#include <random>
#include <set>
#include <thread>

#include "background_organism.hpp"
#include "data/sql.hpp"
#include "support/test_stores.hpp"
#include "support/test_support.hpp"

namespace organism::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

#ifdef ORGANISM_MPIEXEC
constexpr const char* kMpiexec = ORGANISM_MPIEXEC;
#else
constexpr const char* kMpiexec = "";
#endif

// The store's writer lock (postgres.cpp's advisory key 0x6f7267616e69736d, which pg_locks splits
// into classid and objid) granted on this database: a write transaction is open.
constexpr const char* kWriterLockHeld =
    "locktype = 'advisory' AND granted AND objsubid = 1 AND classid::bigint = 1869768545 AND "
    "objid::bigint = 1852404589 AND database = (SELECT oid FROM pg_database WHERE datname = current_database())";

const std::vector<std::string> kSmallSynth = {"ORGANISM_SYNTH_BARS=3000", "ORGANISM_SYNTH_COINS=BTC,ETH"};

std::vector<std::string> evolve_args(const std::string& db, int population, int generations, int seed,
                                     const std::vector<std::string>& more = {}) {
  std::vector<std::string> a{"evolve", "--db", db, "--population", std::to_string(population),
                             "--generations", std::to_string(generations), "--islands", "1", "--seed",
                             std::to_string(seed), "--min-trades", "3", "--embargo", "100", "--coins", "BTC,ETH",
                             "--threads", "1"};
  a.insert(a.end(), more.begin(), more.end());
  return a;
}

std::string host_name() {
  char name[256] = {};
  gethostname(name, sizeof name - 1);
  return name;
}

// A candles file to import: one of ../shared/data, or (without ../shared) a synthetic hourly file
// of the same layout written by the test.
struct CandleFile {
  fs::path path;
  std::string venue, coin, interval;
  std::int64_t rows = 0;  // data rows (the header not counted)
};

std::int64_t data_rows(const fs::path& path) {
  const auto text = read_file(path);
  std::int64_t lines = std::count(text.begin(), text.end(), '\n');
  if (!text.empty() && text.back() != '\n') ++lines;
  return lines - 1;
}

CandleFile candle_file(const TempDir& dir, const std::string& venue, const std::string& coin, int synthetic_rows) {
  if (const auto shared = shared_dir()) {
    const auto path = *shared / "data" / "ohlcv" / venue / (coin + "-1h.csv.gz");
    return {path, venue, coin, "1h", data_rows(path)};
  }
  fs::create_directories(dir / "ohlcv" / venue);
  const auto path = dir / "ohlcv" / venue / (coin + "-1h.csv");
  std::string text = "time,open,high,low,close,volume\n";
  for (int i = 0; i < synthetic_rows; ++i) {
    const double p = 100 + (i % 97) * 0.5;
    text += fmt::format("{},{},{},{},{},{}\n", 1600000000000LL + i * 3600000LL, p, p + 1, p - 1, p + 0.25, 10 + i % 7);
  }
  write_file(path, text);
  return {path, venue, coin, "1h", synthetic_rows};
}

std::string series_filter(const CandleFile& f) {
  return fmt::format("s.venue = '{}' AND s.coin = '{}' AND s.interval = '{}'", f.venue, f.coin, f.interval);
}

class StoreServerConcurrency : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!test_server_url()) GTEST_SKIP() << no_server_message();
    if (!shared_dir()) std::cerr << "../shared is absent: importing synthetic files of the shared layout instead\n";
    loc_ = std::make_unique<TestStoreLocation>(Backend::Postgres);
    url_ = loc_->location();
    watch_ = data::sql::open_connection(url_, data::sql::Connection::Mode::ReadOnly);
  }

  std::int64_t count(const std::string& sql) { return query_int(url_, sql); }

  // A connection of another process holds the writer lock: a write transaction is open.
  bool writer_lock_held() {
    auto st = watch_->cached(std::string("SELECT count(*) FROM pg_locks WHERE ") + kWriterLockHeld);
    st->step_row();
    return st->column_int(0) > 0;
  }
  // Polls (as fast as the server answers) until a write transaction is open; false when `p` ended
  // first or after `limit`.
  bool wait_for_write(BackgroundOrganism& p, std::chrono::milliseconds limit) {
    const auto end = Clock::now() + limit;
    while (Clock::now() < end && p.running()) {
      if (writer_lock_held()) return true;
    }
    return false;
  }
  // Freezes `p` (SIGSTOP) at random moments until it is frozen inside a write transaction, which
  // then cannot end before the kill: true, `p` stopped with the writer lock held. A checkpoint's
  // transaction lasts a millisecond, too short to be caught by polling on a fast machine. False
  // when `p` ended first.
  bool freeze_inside_a_write(BackgroundOrganism& p, std::mt19937& random) {
    for (int attempt = 0; attempt < 20000 && p.running(); ++attempt) {
      p.signal(SIGSTOP);
      if (writer_lock_held()) return true;
      p.signal(SIGCONT);
      std::this_thread::sleep_for(std::chrono::microseconds(random() % 3000));
    }
    return false;
  }

  void expect_verified() {
    const auto v = run_organism({"data", "verify", "--db", url_});
    EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  }

  // Every row of the file once: count(*), the distinct primary keys and the recorded row_count agree.
  void expect_series_complete(const CandleFile& f) {
    const auto where = series_filter(f);
    EXPECT_EQ(count("SELECT count(*) FROM candles c JOIN series s ON s.id = c.series_id WHERE " + where), f.rows)
        << f.path;
    EXPECT_EQ(count("SELECT count(*) FROM (SELECT DISTINCT c.series_id, c.time FROM candles c JOIN series s ON "
                    "s.id = c.series_id WHERE " + where + ") k"),
              f.rows)
        << f.path;
    EXPECT_EQ(count("SELECT coalesce((SELECT row_count FROM series s WHERE " + where + "), -1)"), f.rows) << f.path;
  }

  void synth() {
    const auto r = run_organism({"data", "synth", "--db", url_}, kSmallSynth);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  std::unique_ptr<TestStoreLocation> loc_;
  std::string url_;
  std::unique_ptr<data::sql::Connection> watch_;
};

TEST_F(StoreServerConcurrency, FourWritersStartedTogetherLoseAndDoubleNothing) {
  synth();  // the evolves' market; the imports add series of other coins
  const auto a = candle_file(loc_->dir(), "binance", "ADA", 20000);
  const auto b = candle_file(loc_->dir(), "hyperliquid", "SOL", 8000);
  const auto& dir = loc_->dir();
  BackgroundOrganism import_a({"data", "import", a.path.string(), "--db", url_});
  BackgroundOrganism evolve_a(evolve_args(url_, 16, 3, 5, {"--json-out", (dir / "a.json").string()}));
  BackgroundOrganism import_b({"data", "import", b.path.string(), "--db", url_});
  BackgroundOrganism evolve_b(evolve_args(url_, 16, 3, 6, {"--json-out", (dir / "b.json").string()}));
  for (auto* p : {&import_a, &evolve_a, &import_b, &evolve_b}) {
    const auto r = p->collect();
    EXPECT_EQ(r.exit_code, 0) << r.err;
  }
  expect_series_complete(a);
  expect_series_complete(b);

  std::set<std::string> runs;
  for (const auto* name : {"a.json", "b.json"}) {
    const auto j = nlohmann::json::parse(read_file(dir / name));
    const auto id = j.at("run").get<std::string>();
    runs.insert(id);
    EXPECT_EQ(count(fmt::format("SELECT count(*) FROM runs WHERE id = '{}' AND status = 'finished' AND generation = 3", id)), 1)
        << id;
    EXPECT_EQ(count(fmt::format("SELECT count(*) FROM checkpoints WHERE run_id = '{}' AND generation = 3", id)), 1) << id;
    std::set<std::string> front;
    for (const auto& m : j.at("front")) front.insert(m.at("id").get<std::string>());
    EXPECT_FALSE(front.empty()) << id;
    EXPECT_EQ(count(fmt::format("SELECT count(*) FROM strategy_runs WHERE run_id = '{}'", id)),
              static_cast<std::int64_t>(front.size()))
        << id;
  }
  EXPECT_EQ(runs.size(), 2u);
  EXPECT_EQ(count("SELECT count(*) FROM runs"), 2);
  EXPECT_EQ(count("SELECT count(*) FROM run_locks"), 0);
  expect_verified();
}

TEST_F(StoreServerConcurrency, ARunInterruptedInOneProcessIsResumedByAnotherFromItsCheckpoint) {
  synth();
  const auto cut = run_organism_interrupted(evolve_args(url_, 16, 6, 5), "gen 2/6");
  ASSERT_EQ(cut.exit_code, 130) << cut.err;
  const auto id = [&] {
    const auto conn = data::sql::open_connection(url_, data::sql::Connection::Mode::ReadOnly);
    data::sql::Statement st(*conn, "SELECT id FROM runs");
    st.step_row();
    return st.column_text(0);
  }();
  const auto saved = count(fmt::format("SELECT generation FROM checkpoints WHERE run_id = '{}'", id));
  ASSERT_GE(saved, 2);
  ASSERT_LT(saved, 6);
  EXPECT_EQ(count("SELECT count(*) FROM runs WHERE status = 'interrupted'"), 1);

  const auto resumed = run_organism({"evolve", "--db", url_, "--resume", id});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.err.find(fmt::format("resuming {} after generation {}", id, saved)), std::string::npos) << resumed.err;
  EXPECT_NE(resumed.err.find(fmt::format("gen {}/6", saved + 1)), std::string::npos) << resumed.err;
  EXPECT_EQ(resumed.err.find("gen 1/6"), std::string::npos) << resumed.err;  // not from the start
  EXPECT_EQ(count("SELECT count(*) FROM runs WHERE status = 'finished' AND generation = 6"), 1);
  // The run's rows once each: one run, one checkpoint, each strategy linked once, one event per move.
  EXPECT_EQ(count("SELECT count(*) FROM runs"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM checkpoints"), 1);
  EXPECT_GT(count("SELECT count(*) FROM strategy_runs"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM strategy_runs"), count("SELECT count(DISTINCT strategy_id) FROM strategy_runs"));
  EXPECT_EQ(count("SELECT count(*) FROM strategies"), count("SELECT count(DISTINCT genome) FROM strategies"));
  EXPECT_EQ(count("SELECT count(*) FROM (SELECT strategy_id, from_state, to_state FROM strategy_events "
                  "GROUP BY 1, 2, 3 HAVING count(*) > 1) d"),
            0);
  EXPECT_EQ(count("SELECT count(*) FROM run_locks"), 0);
  expect_verified();
}

TEST_F(StoreServerConcurrency, TwoProcessesCannotStepOneRunAndAKilledHoldersLockGoesWithIt) {
  synth();
  BackgroundOrganism first(evolve_args(url_, 16, 400, 5));
  ASSERT_TRUE(first.wait_for("gen 1/400")) << first.err();
  const auto conn = data::sql::open_connection(url_, data::sql::Connection::Mode::ReadOnly);
  data::sql::Statement st(*conn, "SELECT id FROM runs");
  st.step_row();
  const auto id = st.column_text(0);
  const auto holder = fmt::format("run '{}' is being executed by process {} on {}", id, first.pid(), host_name());
  const auto second = run_organism({"evolve", "--db", url_, "--resume", id});
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_NE(second.err.find(holder), std::string::npos) << second.err;
  EXPECT_EQ(count("SELECT count(*) FROM checkpoints WHERE generation > 400"), 0);

  first.signal(SIGKILL);  // its connection ends with it, and the server drops the run's advisory lock
  ASSERT_EQ(first.collect().exit_code, 128 + SIGKILL);
  const auto killed = Clock::now();
  BackgroundOrganism taker({"evolve", "--db", url_, "--resume", id});
  ASSERT_TRUE(taker.wait_for("gen ")) << taker.err();
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - killed);
  EXPECT_LT(took, 20s);  // the time of a start and one generation: no waiting for a stale lock
  std::cerr << "taken over " << took.count() << " ms after the kill (start and first generation included)\n";
  EXPECT_NE(taker.err().find(fmt::format("run {}: process {} on {} that executed it is gone (killed?); taking the "
                                         "run over from its last checkpoint",
                                         id, first.pid(), host_name())),
            std::string::npos)
      << taker.err();
  EXPECT_EQ(count("SELECT pid FROM run_locks"), taker.pid());
  taker.signal(SIGTERM);
  EXPECT_EQ(taker.collect().exit_code, 130);
  EXPECT_EQ(count("SELECT count(*) FROM runs WHERE status = 'interrupted'"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM run_locks"), 0);
}

TEST_F(StoreServerConcurrency, AFailedWriteOfTheRunLockReportsItsOwnErrorAndLeavesNothingBehind) {
  synth();
  // The lock's row cannot be written (as a full disk or a revoked grant would fail it): that error
  // is what the user reads, not the failed unlock inside the aborted transaction after it.
  const auto admin = data::sql::open_connection(url_, data::sql::Connection::Mode::ReadWrite);
  admin->exec("CREATE FUNCTION no_lock() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'disk says no'; END $$ "
              "LANGUAGE plpgsql; CREATE TRIGGER no_lock BEFORE INSERT ON run_locks FOR EACH ROW EXECUTE FUNCTION no_lock()");
  const auto failed = run_organism(evolve_args(url_, 16, 1, 5));
  EXPECT_EQ(failed.exit_code, 1);
  EXPECT_NE(failed.err.find("disk says no"), std::string::npos) << failed.err;
  EXPECT_EQ(failed.err.find("current transaction is aborted"), std::string::npos) << failed.err;
  EXPECT_EQ(count("SELECT count(*) FROM runs"), 0);  // the run's creation rolled back with it
  admin->exec("DROP TRIGGER no_lock ON run_locks");
  const auto again = run_organism(evolve_args(url_, 16, 1, 5));
  EXPECT_EQ(again.exit_code, 0) << again.err;
}

TEST_F(StoreServerConcurrency, KillDuringAnImportLeavesAConsistentStoreAndTheImportCompletesAgain) {
  // The schema first, so that the only write transaction the watch can see is the import's.
  const auto tiny = loc_->dir() / "tiny.csv";
  write_file(tiny, kFourHourlyCandles);
  ASSERT_EQ(run_organism({"data", "import", tiny.string(), "--venue", "test", "--coin", "TINY", "--db", url_}).exit_code, 0);
  std::vector<CandleFile> files;
  for (const auto* coin : {"BTC", "ETH", "BNB", "LINK"}) files.push_back(candle_file(loc_->dir(), "binance", coin, 50000));
  std::vector<std::string> args{"data", "import", "--db", url_};
  for (const auto& f : files) args.push_back(f.path.string());

  std::mt19937 random(std::random_device{}());
  BackgroundOrganism import(args);
  ASSERT_TRUE(wait_for_write(import, 60s)) << import.err();
  std::this_thread::sleep_for(std::chrono::milliseconds(random() % 100));
  EXPECT_TRUE(writer_lock_held()) << "the import's write ended before the kill: give it more rows";
  import.signal(SIGKILL);
  ASSERT_EQ(import.collect().exit_code, 128 + SIGKILL);
  expect_verified();
  // All files are one transaction: each series is absent, or (had the commit gone through) complete.
  for (const auto& f : files) {
    const auto n = count("SELECT count(*) FROM candles c JOIN series s ON s.id = c.series_id WHERE " + series_filter(f));
    EXPECT_TRUE(n == 0 || n == f.rows) << f.path << ": " << n << " of " << f.rows;
  }
  const auto again = run_organism(args);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  for (const auto& f : files) expect_series_complete(f);
  expect_verified();
}

TEST_F(StoreServerConcurrency, KillsDuringCheckpointsLeaveARunThatResumesAndFinishes) {
  synth();
  constexpr int kGenerations = 40;
  std::mt19937 random(std::random_device{}());
  std::string id;
  int kills_in_a_write = 0, kills = 0;
  bool finished = false;
  for (int round = 0; round < 4 && !finished; ++round) {
    BackgroundOrganism evolve(id.empty() ? evolve_args(url_, 24, kGenerations, 5)
                                         : std::vector<std::string>{"evolve", "--db", url_, "--resume", id});
    bool in_write = false;
    if (round % 2 == 0) {
      // Aimed: after a first generation line, frozen inside a write (a checkpoint).
      in_write = evolve.wait_for("gen ") && freeze_inside_a_write(evolve, random);
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(100 + random() % 500));  // anywhere
      in_write = writer_lock_held();
    }
    evolve.signal(SIGKILL);
    const auto r = evolve.collect();
    finished = r.exit_code == 0;  // it finished before the kill
    if (finished) break;
    ASSERT_EQ(r.exit_code, 128 + SIGKILL) << r.err;
    ++kills;
    kills_in_a_write += in_write ? 1 : 0;
    if (id.empty() && count("SELECT count(*) FROM runs") == 1) {
      const auto conn = data::sql::open_connection(url_, data::sql::Connection::Mode::ReadOnly);
      data::sql::Statement st(*conn, "SELECT id FROM runs");
      st.step_row();
      id = st.column_text(0);
    }
    expect_verified();
  }
  std::cerr << kills << " kills, " << kills_in_a_write << " of them while the writer lock was held\n";
  EXPECT_GE(kills_in_a_write, 1);
  EXPECT_GE(kills, 2);  // else the run outran the kills: too few generations to test anything
  ASSERT_FALSE(id.empty());
  if (!finished) {
    const auto last = run_organism({"evolve", "--db", url_, "--resume", id});
    ASSERT_EQ(last.exit_code, 0) << last.err;
  }
  EXPECT_EQ(count(fmt::format("SELECT count(*) FROM runs WHERE id = '{}' AND status = 'finished' AND generation = {}", id,
                              kGenerations)),
            1);
  EXPECT_EQ(count("SELECT count(*) FROM checkpoints"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM run_locks"), 0);
  expect_verified();
}

TEST_F(StoreServerConcurrency, TwoMpiRanksCheckpointThroughRankZeroWhileAnotherProcessReadsTheRun) {
  if (std::string(kMpiexec).empty() || access(kMpiexec, X_OK) != 0) GTEST_SKIP() << "no mpirun: no MPI test";
  synth();
  const auto log = loc_->dir() / "mpi.log";
  std::vector<std::string> argv{kMpiexec, "--allow-run-as-root", "--oversubscribe", "-np", "2", ORGANISM_BINARY};
  for (const auto& a : evolve_args(url_, 16, 12, 7)) argv.push_back(a);
  *(std::find(argv.begin(), argv.end(), "--islands") + 1) = "2";  // one island per rank
  const pid_t pid = spawn_logged(argv, log);
  // This process reads the run while the ranks evolve it: the checkpoint's generation moves on.
  // Each rank connects (a rank reads the store wherever it runs), but only rank 0's connection
  // ever holds the writer lock: the backends seen holding it are one.
  std::set<std::int64_t> generations, writers;
  std::int64_t job_connections = 0;
  int status = 0;
  const auto end = Clock::now() + 120s;
  while (waitpid(pid, &status, WNOHANG) == 0 && Clock::now() < end) {
    auto st = watch_->cached("SELECT coalesce(max(generation), 0) FROM checkpoints");
    st->step_row();
    generations.insert(st->column_int(0));
    auto conns = watch_->cached(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
    conns->step_row();
    job_connections = std::max(job_connections, conns->column_int(0));
    auto writer = watch_->cached(std::string("SELECT pid FROM pg_locks WHERE ") + kWriterLockHeld);
    while (writer->step()) writers.insert(writer->column_int(0));
    std::this_thread::sleep_for(2ms);
  }
  if (Clock::now() >= end) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
  }
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << read_file(log);
  std::cerr << generations.size() << " checkpoint generations read while the job ran; " << job_connections
            << " connections of the job; " << writers.size() << " of them seen holding the writer lock\n";
  EXPECT_LE(writers.size(), 1u);
  EXPECT_GE(generations.size(), 3u);  // read several times while it ran, not only before and after
  EXPECT_EQ(count("SELECT count(*) FROM runs WHERE status = 'finished' AND generation = 12"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM run_locks"), 0);
  expect_verified();
}

}  // namespace
}  // namespace organism::test

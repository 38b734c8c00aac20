// The store's integrity through the binary: a damaged store never reads as a shorter series,
// `data verify` and `data backup`, foreign databases, and outputs that are not regular files.
#include <sys/stat.h>

#include <sqlite3.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/test_support.hpp"

namespace organism::test {
namespace {

constexpr const char* kCandles = kFourHourlyCandles;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Overwrites `bytes` bytes at `fraction` of the file's length with splitmix64 output, a fixed
// stream per seed (the same bytes scripts can reproduce to show the damage on any binary).
void corrupt(const fs::path& file, double fraction, std::size_t bytes, std::uint64_t seed) {
  const auto size = fs::file_size(file);
  std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(static_cast<std::streamoff>(static_cast<double>(size) * fraction));
  std::uint64_t state = seed;
  for (std::size_t i = 0; i < bytes; i += 8) {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    f.write(reinterpret_cast<const char*>(&z), 8);
  }
  ASSERT_TRUE(f.good());
}

void sql(const fs::path& db, const std::string& statements) {
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
  char* err = nullptr;
  const int rc = sqlite3_exec(h, statements.c_str(), nullptr, nullptr, &err);
  const std::string msg = err ? err : "";
  sqlite3_free(err);
  sqlite3_close(h);
  ASSERT_EQ(rc, SQLITE_OK) << msg;
}

// Binance ETH 1h (54,613 bars), imported once into a store the tests copy.
class StoreIntegrity : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const auto shared = shared_dir();
    if (!shared) return;
    dir_ = new TempDir;
    const auto r = run_organism({"--db", (clean_store()).string(), "--progress", "off", "data", "import",
                                 (*shared / "data/ohlcv/binance/ETH-1h.csv.gz").string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  void SetUp() override {
    if (!dir_) GTEST_SKIP() << "../shared/data is missing: the store tests import real data from it";
  }
  static fs::path clean_store() { return *dir_ / "clean.db"; }
  fs::path copy_of_clean(const std::string& name) {
    const auto db = dir / name;
    fs::copy_file(clean_store(), db);
    return db;
  }
  RunResult run(const fs::path& db, std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", db.string(), "--progress", "off"});
    return run_organism(args);
  }
  TempDir dir;

 private:
  static TempDir* dir_;
};

TempDir* StoreIntegrity::dir_ = nullptr;

// The probe: 40 KB of random bytes over the store. Where SQLite reads a damaged key as
// the end of the series' key range, commands exited 0 with fewer bars: before the checks, at 15%
// (seed 2) and 35% (seed 13) `data export` wrote 7,056 and 18,329 of 54,613 bars; at 80% (seed 16,
// the offset) this layout gave "malformed". Every command must now fail, naming the series.
TEST_F(StoreIntegrity, CorruptedStoreNeverReadsAsAShorterSeries) {
  const auto genome = dir / "donchian.json";
  write_file(genome, run_organism({"strategy", "new", "--family", "donchian_breakout"}).out);
  const std::vector<std::pair<double, std::uint64_t>> damages = {
      {0.80, 16}, {0.15, 2}, {0.35, 13}};
  for (const auto& [fraction, seed] : damages) {
    SCOPED_TRACE("40 KB at " + std::to_string(fraction) + " of the file, seed " + std::to_string(seed));
    const auto db = copy_of_clean("damaged-" + std::to_string(seed) + ".db");
    corrupt(db, fraction, 40 * 1024, seed);
    const auto named = [](const RunResult& r) {
      return contains(r.err, "candles binance:ETH:1h is damaged") || contains(r.err, "database disk image is malformed");
    };
    auto r = run(db, {"data", "export", "--coin", "ETH", "--interval", "1h", "--out", (dir / "e.csv").string()});
    EXPECT_EQ(r.exit_code, 1) << r.out;
    EXPECT_TRUE(named(r)) << r.err;
    EXPECT_FALSE(fs::exists(dir / "e.csv"));
    r = run(db, {"data", "list"});
    EXPECT_EQ(r.exit_code, 1) << r.out;
    EXPECT_TRUE(named(r)) << r.err;
    r = run(db, {"backtest", "--coin", "ETH", "--interval", "1h", "--strategy", genome.string()});
    EXPECT_EQ(r.exit_code, 1) << r.out;
    EXPECT_TRUE(named(r)) << r.err;
    r = run(db, {"data", "verify"});
    EXPECT_EQ(r.exit_code, 1) << r.out;
    EXPECT_TRUE(contains(r.err, "is damaged (see above)") || contains(r.err, "malformed")) << r.err;
  }
}


TEST_F(StoreIntegrity, CleanStoreVerifiesAndAnEditedCloseIsCaught) {
  const auto shared = *shared_dir();
  const auto db = copy_of_clean("store.db");
  auto r = run(db, {"data", "import", (shared / "data/funding/binance/ETH.csv.gz").string(),
                    (shared / "data/sentiment/fear_greed.csv.gz").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = run(db, {"data", "verify"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "SQLite integrity_check: ok\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "ok       candles   binance:ETH:1h                   54613 rows\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "ok       funding   binance:ETH")) << r.out;
  EXPECT_TRUE(contains(r.out, "ok       sentiment fear_greed")) << r.out;
  EXPECT_TRUE(contains(r.out, "3 series checked: 3 ok, 0 damaged\n")) << r.out;

  // A close changed behind organism's back keeps the row count: the checksum catches it.
  sql(db, "UPDATE candles SET close = close * 1.01 WHERE time = 1700000000000 - 1700000000000 % 3600000");
  r = run(db, {"data", "export", "--coin", "ETH", "--interval", "1h", "--out", (dir / "e.csv").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "candles binance:ETH:1h is damaged: 54613 rows read, but their checksum differs from the "
                              "one recorded (run 'organism data verify')")) << r.err;
  r = run(db, {"data", "verify"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.out, "DAMAGED  candles   binance:ETH:1h               54613 rows read, but their checksum")) << r.out;
  EXPECT_TRUE(contains(r.out, "3 series checked: 2 ok, 1 damaged\n")) << r.out;

  // Rows deleted behind organism's back: the count names what is missing.
  sql(db, "DELETE FROM funding WHERE time < 1672531200000 + 3 * 28800000");  // its first 3 rows
  r = run(db, {"data", "export", "--kind", "funding", "--coin", "ETH", "--out", (dir / "f.csv").string()});
  EXPECT_EQ(r.exit_code, 1);
  const auto rows = read_file(shared / "data/funding/binance/ETH.csv.gz");
  const auto recorded = std::count(rows.begin(), rows.end(), '\n') - 1;
  EXPECT_TRUE(contains(r.err, "store " + db.string() + ": funding binance:ETH is damaged: " + std::to_string(recorded - 3) +
                                  " rows read, " + std::to_string(recorded) + " recorded (run 'organism data verify')\n"))
      << r.err;
}

// A store that predates the counts (or whose summaries were lost) gets them on its next write.
TEST_F(StoreIntegrity, MissingSummariesAreRecordedOnTheNextWrite) {
  const auto db = copy_of_clean("old.db");
  sql(db, "UPDATE series SET row_count = NULL, checksum = NULL");
  auto r = run(db, {"data", "verify"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.out, "binance:ETH:1h               no row count or checksum recorded")) << r.out;
  write_file(dir / "BTC-1h.csv", kCandles);
  ASSERT_EQ(run(db, {"data", "import", "--venue", "hyperliquid", (dir / "BTC-1h.csv").string()}).exit_code, 0);
  r = run(db, {"data", "verify"});
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_TRUE(contains(r.out, "2 series checked: 2 ok, 0 damaged\n")) << r.out;
}

TEST_F(StoreIntegrity, BackupWhileAnotherProcessImportsIsAConsistentStore) {
  const auto shared = *shared_dir();
  const auto db = copy_of_clean("live.db");
  // Another process writes (BTC and SOL, about 100,000 bars in one transaction) while we copy.
  std::thread importer([&] {
    const auto r = run(db, {"data", "import", (shared / "data/ohlcv/binance/BTC-1h.csv.gz").string(),
                            (shared / "data/ohlcv/binance/SOL-1h.csv.gz").string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
  });
  std::vector<fs::path> backups;
  for (int i = 0; i < 4; ++i) {
    backups.push_back(dir / ("backup-" + std::to_string(i) + ".db"));
    const auto r = run(db, {"data", "backup", "--out", backups.back().string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "backed up " + db.string() + " to " + backups.back().string())) << r.out;
  }
  importer.join();
  for (const auto& backup : backups) {
    SCOPED_TRACE(backup.string());
    EXPECT_FALSE(fs::exists(backup.string() + "-wal"));
    auto r = run(backup, {"data", "verify"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_TRUE(contains(r.out, "ok       candles   binance:ETH:1h                   54613 rows\n")) << r.out;
    // The import is one transaction: a snapshot holds both new series whole or neither.
    const bool before = contains(r.out, "1 series checked: 1 ok");
    const bool after = contains(r.out, "binance:BTC:1h                   54613 rows\n") &&
                       contains(r.out, "binance:SOL:1h                   48438 rows\n");
    EXPECT_TRUE(before || after) << r.out;
    r = run(backup, {"data", "export", "--coin", "ETH", "--interval", "1h", "--out", (dir / "eth.csv").string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "wrote 54613 rows to " + (dir / "eth.csv").string() + "\n");
  }
  EXPECT_EQ(read_file(dir / "eth.csv"), read_file(shared / "data/ohlcv/binance/ETH-1h.csv.gz"));
}

TEST_F(StoreIntegrity, BackupRefusesToReplaceWithoutOverwriteOrANonRegularFile) {
  const auto db = copy_of_clean("store.db");
  const auto out = dir / "copy.db";
  write_file(out, "precious");
  auto r = run(db, {"data", "backup", "--out", out.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "organism: error: " + out.string() + " exists; pass --overwrite to replace it\n");
  EXPECT_EQ(read_file(out), "precious");
  r = run(db, {"data", "backup", "--out", out.string(), "--overwrite"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(run(out, {"data", "verify"}).exit_code, 0);
  r = run(db, {"data", "backup", "--out", dir.path().string(), "--overwrite"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, ": not a regular file; a backup is written only to a new or regular file")) << r.err;
  EXPECT_TRUE(fs::is_directory(dir.path()));
}

// Not a regular file: a rename would have replaced the FIFO or failed on the folder.
TEST(StoreOutputs, ExportRefusesAFifoOrAFolderAsItsTarget) {
  TempDir dir;
  const auto db = (dir / "store.db").string();
  write_file(dir / "BTC-1h.csv", kCandles);
  ASSERT_EQ(run_organism({"--db", db, "data", "import", "--venue", "hyperliquid", (dir / "BTC-1h.csv").string()}).exit_code, 0);
  const auto fifo = dir / "pipe";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  auto r = run_organism({"--db", db, "data", "export", "--coin", "BTC", "--interval", "1h", "--out", fifo.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "organism: error: " + fifo.string() +
                       ": is a device, FIFO or socket, not a regular file; organism writes files whole by renaming a "
                       "new file over the target, so give the path of a file\n");
  EXPECT_TRUE(fs::is_fifo(fifo));
  const auto folder = dir / "out";
  fs::create_directory(folder);
  r = run_organism({"--db", db, "data", "export", "--coin", "BTC", "--interval", "1h", "--out", folder.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, folder.string() + ": is a folder, not a regular file")) << r.err;
  EXPECT_TRUE(fs::is_directory(folder));
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    EXPECT_FALSE(contains(entry.path().filename().string(), ".tmp-")) << "temporary left: " << entry.path();
  }
}

TEST(StoreOutputs, ForeignSqliteDatabaseIsRefusedAndLeftAlone) {
  TempDir dir;
  const auto db = dir / "notes.db";
  sql(db, "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('mine');");
  write_file(dir / "BTC-1h.csv", kCandles);
  auto r = run_organism({"--db", db.string(), "data", "import", "--venue", "hyperliquid", (dir / "BTC-1h.csv").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "organism: error: " + db.string() +
                       " is a SQLite database that organism did not create (1 table, schema version 0, none of "
                       "organism's); organism will not add its tables to it: pass --db with a new file or an organism store\n");
  r = run_organism({"--db", db.string(), "data", "list"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "is a SQLite database that organism did not create")) << r.err;
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(h, "SELECT group_concat(name) FROM sqlite_master", -1, &st, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)), "notes");
  sqlite3_finalize(st);
  sqlite3_close(h);
  EXPECT_FALSE(fs::exists(db.string() + "-wal")) << "the journal mode was left as it was";
  // A new file is still welcome.
  r = run_organism({"--db", (dir / "new.db").string(), "data", "import", "--venue", "hyperliquid",
                    (dir / "BTC-1h.csv").string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST(StoreInputs, Utf8ByteOrderMarkIsStrippedAndAMissingFileIsAnIoError) {
  TempDir dir;
  const auto db = (dir / "store.db").string();
  write_file(dir / "BTC-1h.csv", std::string("\xEF\xBB\xBF") + kCandles);
  auto r = run_organism({"--db", db, "--progress", "off", "data", "import", "--venue", "hyperliquid",
                         (dir / "BTC-1h.csv").string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "4 rows 2024-01-01 00:00:00 .. 2024-01-01 03:00:00: 4 new")) << r.out;
  const auto missing = (dir / "absent.csv").string();
  r = run_organism({"--db", db, "data", "import", missing});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "organism: error: " + missing + ": cannot open: No such file or directory\n");
  r = run_organism({"--db", db, "data", "quality", "--file", missing});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "organism: error: " + missing + ": cannot open: No such file or directory\n");
}

// Every input file a command reads is an I/O error when it is missing (exit 1, the file and the
// system's reason), never a usage error (exit 2) from the flag parser.
TEST(StoreInputs, EveryMissingInputFileIsAnIoError) {
  TempDir dir;
  const auto db = (dir / "store.db").string();
  write_file(dir / "BTC-1h.csv", kCandles);
  const auto candles = (dir / "BTC-1h.csv").string();
  const auto missing = (dir / "absent.csv").string();
  const std::string expected = "organism: error: " + missing + ": cannot open: No such file or directory\n";
  const std::vector<std::vector<std::string>> commands{
      {"--config", missing, "config", "show"},
      {"indicators", "--input", missing, "--output", (dir / "out.csv").string()},
      {"indicators", "--input", candles, "--funding", missing, "--output", (dir / "out.csv").string()},
      {"strategy", "show", missing},
      {"backtest", "--data", missing, "--signals", candles},
      {"backtest", "--data", candles, "--signals", missing},
      {"backtest", "--data", candles, "--strategy", missing},
      {"backtest", "--data", candles, "--strategy", missing, "--funding", candles},
  };
  for (const auto& args : commands) {
    auto full = args;
    full.insert(full.begin(), {"--db", db});
    const auto r = run_organism(full);
    EXPECT_EQ(r.exit_code, 1) << args[0] << " " << args[1] << ": " << r.err;
    EXPECT_EQ(r.err, expected) << args[0] << " " << args[1];
  }
  EXPECT_FALSE(fs::exists(dir / "out.csv"));
}

}  // namespace
}  // namespace organism::test

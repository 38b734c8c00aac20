// A split that leaves nothing to test on is refused before any evaluation, through the real
// binary on real data (Binance ETH 1h from ../shared/data, 54,613 bars): an embargo that empties
// the out-of-sample and walk-forward segments, or leaves them shorter than the longest indicator
// lookback (500 bars), is a usage error naming every segment's length; the default split runs.
// `validate` and `report` load a stored run through the same check.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include "support/test_support.hpp"

namespace organism::test {
namespace {

std::int64_t runs_in(const fs::path& db) {
  sqlite3* h = nullptr;
  sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(h, "SELECT COUNT(*) FROM runs", -1, &st, nullptr);
  std::int64_t n = -1;
  if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(h);
  return n;
}

// A store holding Binance ETH 1h, or nullopt when ../shared is absent.
std::optional<fs::path> eth_store(const TempDir& dir) {
  const auto shared = shared_dir();
  if (!shared) return std::nullopt;
  const auto db = dir / "o.db";
  const auto r = run_organism({"data", "import", (*shared / "data/ohlcv/binance/ETH-1h.csv.gz").string(), "--db",
                               db.string(), "--venue", "binance", "--coin", "ETH", "--interval", "1h", "-q"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return db;
}

std::vector<std::string> evolve_args(const fs::path& db, const std::string& embargo) {
  return {"evolve", "--db", db.string(), "--coins", "ETH", "--population", "4", "--generations", "0",
          "--seed", "3", "--embargo", embargo, "--progress", "off", "--threads", "1"};
}

TEST(EvolveSplit, AnEmbargoThatEmptiesTheTestSegmentsIsAUsageError) {
  TempDir dir;
  const auto db = eth_store(dir);
  if (!db) GTEST_SKIP() << "../shared is absent: the real-data split test is not run";
  const auto r = run_organism(evolve_args(*db, "20000"));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  // floor(54613 * 0.6) = 32767, floor(54613 * 0.8) = 43690: both later segments start past their end.
  EXPECT_NE(r.err.find("binance:ETH:1h: the split leaves too few bars to test on (54613 bars, embargo 20000: "
                       "in-sample 32767, out-of-sample 0, walk-forward 0 bars); the out-of-sample and "
                       "walk-forward segments need at least 500 bars each (the longest indicator lookback)"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("gen 0"), std::string::npos) << "nothing may be evaluated: " << r.err;
  EXPECT_EQ(runs_in(*db), 0) << "a refused run leaves no record";
}

TEST(EvolveSplit, SegmentsShorterThanTheLongestLookbackAreAUsageError) {
  TempDir dir;
  const auto db = eth_store(dir);
  if (!db) GTEST_SKIP() << "../shared is absent: the real-data split test is not run";
  // 43690 - (32767 + 10500) = 423 and 54613 - (43690 + 10500) = 423 bars: not empty, but short.
  const auto r = run_organism(evolve_args(*db, "10500"));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("(54613 bars, embargo 10500: in-sample 32767, out-of-sample 423, walk-forward 423 bars)"),
            std::string::npos)
      << r.err;
}

TEST(EvolveSplit, TheDefaultSplitStillRuns) {
  TempDir dir;
  const auto db = eth_store(dir);
  if (!db) GTEST_SKIP() << "../shared is absent: the real-data split test is not run";
  // The auto embargo (500 bars) leaves 10422 and 10423 bars; validation is off to keep it quick.
  const auto r = run_organism(evolve_args(*db, "auto"), {"ORGANISM_VALIDATE_ON_EVOLVE=false"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("54613 bars; in-sample 0..32767, out-of-sample 33267..43690, walk-forward 44190..54613 "
                       "(embargo 500)"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(runs_in(*db), 1);
}

// Sets the embargo of the store's one run (as a run stored before the check could have it).
void set_stored_embargo(const fs::path& db, int embargo) {
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(h, "SELECT universe FROM runs", -1, &st, nullptr);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  auto universe = nlohmann::json::parse(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
  sqlite3_finalize(st);
  universe["embargo"] = embargo;
  const auto text = universe.dump();
  sqlite3_prepare_v2(h, "UPDATE runs SET universe = ?", -1, &st, nullptr);
  sqlite3_bind_text(st, 1, text.c_str(), -1, SQLITE_TRANSIENT);
  EXPECT_EQ(sqlite3_step(st), SQLITE_DONE);
  sqlite3_finalize(st);
  sqlite3_close(h);
}

TEST(EvolveSplit, ValidateAndReportRefuseAStoredRunWhoseSplitIsTooShort) {
  TempDir dir;
  const auto db = dir / "o.db";
  const auto r = run_organism({"evolve", "--db", db.string(), "--coins", "BTC,ETH", "--population", "8",
                               "--generations", "0", "--seed", "3", "--embargo", "100", "--min-trades", "3",
                               "--progress", "off", "--json-out", (dir / "run.json").string()},
                              {"ORGANISM_SYNTH_BARS=3000", "ORGANISM_SYNTH_COINS=BTC,ETH",
                               "ORGANISM_VALIDATE_ON_EVOLVE=false"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto run = nlohmann::json::parse(read_file(dir / "run.json")).at("run").get<std::string>();
  set_stored_embargo(db, 550);
  // 3000 bars: out-of-sample [min(2400, 1800 + 550), 2400) and walk-forward [2950, 3000).
  const std::string lengths = "synth:BTC:1h: the split leaves too few bars to test on (3000 bars, embargo 550: "
                              "in-sample 1800, out-of-sample 50, walk-forward 50 bars)";
  const auto validated = run_organism({"validate", run, "--db", db.string(), "--progress", "off"});
  EXPECT_EQ(validated.exit_code, 2) << validated.err;
  EXPECT_NE(validated.err.find(lengths), std::string::npos) << validated.err;
  const auto report = dir / "run.html";
  const auto reported = run_organism({"report", run, "--db", db.string(), "--out", report.string()});
  EXPECT_EQ(reported.exit_code, 2) << reported.err;
  EXPECT_NE(reported.err.find(lengths), std::string::npos) << reported.err;
  EXPECT_FALSE(fs::exists(report));
}

}  // namespace
}  // namespace organism::test

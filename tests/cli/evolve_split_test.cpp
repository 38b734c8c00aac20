// A split that leaves nothing to test on is refused before any evaluation, through the real
// binary on real data (Binance ETH 1h from ../shared/data, 54,613 bars): an embargo that empties
// the out-of-sample and walk-forward segments, or leaves them shorter than the longest indicator
// lookback (500 bars), is a usage error naming every segment's length; the default split runs.
#include <gtest/gtest.h>
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

}  // namespace
}  // namespace organism::test

// `organism backtest --strategy G.json --stream` for the rule-tree family and the two
// machine-learning families: byte-identical stdout (--json and text) and --equity-out to the
// batch path on the real Hyperliquid ETH 1h series with its funding. Skipped with a message when
// ../shared is absent. (The ten seed families: backtest_stream_test.cpp.)
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/test_support.hpp"

namespace organism::test {
namespace {

TEST(BacktestStream, SameOutputAsBatchForTreeAndMlFamiliesOnRealEthHourly) {
  const auto shared = shared_dir();
  if (!shared)
    GTEST_SKIP() << "../shared is absent: --stream = batch on Hyperliquid ETH 1h not run";
  TempDir dir;
  const std::string db = (dir / "s.db").string();
  const auto imported = run_organism({"--db", db, "data", "import",
                                      (*shared / "data/ohlcv/hyperliquid/ETH-1h.csv.gz").string(),
                                      (*shared / "data/funding/hyperliquid/ETH.csv.gz").string()});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;

  struct Outputs {
    std::string out, equity;
  };
  const auto backtest = [&](const std::string& genome, bool stream, bool json) {
    const auto equity = dir / (stream ? "stream.csv" : "batch.csv");
    std::vector<std::string> args = {"--db",         db,   "backtest",   "--coin", "ETH",
                                     "--interval",   "1h", "--strategy", genome,   "--equity-out",
                                     equity.string()};
    if (json) args.emplace_back("--json");
    if (stream) args.emplace_back("--stream");
    const auto r = run_organism(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return Outputs{r.out, read_file(equity)};
  };

  for (const std::string family : {"tree", "svm_classifier", "pca_tree_quantile"}) {
    const auto made = run_organism({"strategy", "new", "--family", family});
    ASSERT_EQ(made.exit_code, 0) << made.err;
    const std::string genome = (dir / (family + ".json")).string();
    write_file(genome, made.out);
    for (const bool json : {true, false}) {
      const auto batch = backtest(genome, false, json);
      const auto stream = backtest(genome, true, json);
      EXPECT_EQ(stream.out, batch.out) << family << (json ? " --json" : "");
      EXPECT_EQ(stream.equity, batch.equity) << family;
      EXPECT_GT(batch.equity.size(), 7000u * 20) << family;  // every bar written
    }
  }
}

}  // namespace
}  // namespace organism::test

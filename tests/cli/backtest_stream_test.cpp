// `organism backtest --strategy G.json --stream` (strategy::Runtime fed one bar at a time) prints
// and writes exactly what the batch path does, byte for byte, for every seed family on the real
// Hyperliquid ETH 1h series with its funding. Skipped with a message when ../shared is absent.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/test_support.hpp"

namespace organism::test {
namespace {

const std::vector<std::string> kSeedFamilies = {"ema_cross",      "donchian_breakout", "rsi_reversion", "stochastic_cross",
                                                "sma_trend",      "atr_stop",          "ichimoku_cloud", "vwap_reversion",
                                                "vol_scaling",    "funding_carry"};

struct Outputs {
  std::string out, equity;
};

TEST(BacktestStream, SameOutputAsBatchForEverySeedFamilyOnRealEthHourly) {
  const auto shared = shared_dir();
  if (!shared) GTEST_SKIP() << "../shared is absent: --stream = batch on Hyperliquid ETH 1h not run";
  TempDir dir;
  const std::string db = (dir / "s.db").string();
  const auto imported = run_organism({"--db", db, "data", "import", (*shared / "data/ohlcv/hyperliquid/ETH-1h.csv.gz").string(),
                                      (*shared / "data/funding/hyperliquid/ETH.csv.gz").string()});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  const std::string fear_greed = (*shared / "data/sentiment/fear_greed.csv.gz").string();

  const auto backtest = [&](const std::string& genome, bool stream, bool json, const std::vector<std::string>& extra) {
    const auto equity = dir / (stream ? "stream.csv" : "batch.csv");
    std::vector<std::string> args = {"--db", db, "backtest", "--coin", "ETH", "--interval", "1h", "--strategy", genome,
                                     "--equity-out", equity.string()};
    if (json) args.emplace_back("--json");
    if (stream) args.emplace_back("--stream");
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = run_organism(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return Outputs{r.out, read_file(equity)};
  };

  for (const auto& family : kSeedFamilies) {
    const auto made = run_organism({"strategy", "new", "--family", family});
    ASSERT_EQ(made.exit_code, 0) << made.err;
    const std::string genome = (dir / (family + ".json")).string();
    write_file(genome, made.out);
    for (const bool json : {true, false}) {
      const auto batch = backtest(genome, false, json, {});
      const auto stream = backtest(genome, true, json, {});
      EXPECT_EQ(stream.out, batch.out) << family << (json ? " --json" : "");
      EXPECT_EQ(stream.equity, batch.equity) << family;
      EXPECT_GT(batch.equity.size(), 7000u * 20) << family;  // every bar written
      if (json) {
        EXPECT_NE(batch.out.find("\"trades\""), std::string::npos);
      }
    }
  }

  // The filters and volatility targeting stream too: the regime filter reads Fear & Greed.
  auto made = run_organism({"strategy", "new", "--family", "ema_cross"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  std::string text = made.out;
  for (const auto& [key, on] : {std::pair<std::string, std::string>{"\"vol_filter_on\": false", "\"vol_filter_on\": true"},
                                {"\"fg_on\": false", "\"fg_on\": true"},
                                {"\"vol_target_on\": false", "\"vol_target_on\": true"}}) {
    const auto at = text.find(key);
    ASSERT_NE(at, std::string::npos) << key << " in\n" << text;
    text.replace(at, key.size(), on);
  }
  const std::string filtered = (dir / "filtered.json").string();
  write_file(filtered, text);
  const auto batch = backtest(filtered, false, true, {"--sentiment", fear_greed});
  const auto stream = backtest(filtered, true, true, {"--sentiment", fear_greed});
  EXPECT_EQ(stream.out, batch.out);
  EXPECT_EQ(stream.equity, batch.equity);
  // Without --sentiment the Fear & Greed filter never opens: a different run, still identical.
  const auto closed = backtest(filtered, false, true, {});
  EXPECT_NE(closed.out, batch.out);
  EXPECT_EQ(backtest(filtered, true, true, {}).out, closed.out);
}

TEST(BacktestStream, StreamNeedsAStrategy) {
  TempDir dir;
  std::string bars = "time,close\n", sig = "time,target\n";
  for (int i = 0; i < 10; ++i) {
    const auto t = std::to_string(1704067200000 + i * 3'600'000LL);
    bars += t + "," + std::to_string(100 + i) + "\n";
    sig += t + ",1\n";
  }
  write_file(dir / "A-1h.csv", bars);
  write_file(dir / "sig.csv", sig);
  const auto r = run_organism(
      {"backtest", "--data", (dir / "A-1h.csv").string(), "--signals", (dir / "sig.csv").string(), "--stream"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--stream goes with --strategy"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace organism::test

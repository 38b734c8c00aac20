// `organism replay --fill bar` against `organism backtest --strategy --json` on a stored coin: the
// same value under every metric name, the same equity file byte for byte, and a trade list; then
// `--fill book` on the same coin.
// Skipped with a message when ../shared is absent.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/test_support.hpp"

namespace organism::test {
namespace {

TEST(ReplayCommand, SameMetricsAndEquityAsBacktestOnStoredEthHourly) {
  const auto shared = shared_dir();
  if (!shared)
    GTEST_SKIP() << "../shared is absent: replay = backtest on Hyperliquid ETH 1h not run";
  TempDir dir;
  const std::string db = (dir / "s.db").string();
  const auto imported = run_organism({"--db", db, "data", "import",
                                      (*shared / "data/ohlcv/hyperliquid/ETH-1h.csv.gz").string(),
                                      (*shared / "data/funding/hyperliquid/ETH.csv.gz").string()});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  const auto made = run_organism({"strategy", "new", "--family", "ema_cross"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  const std::string genome = (dir / "g.json").string();
  write_file(genome, made.out);

  const auto backtest =
      run_organism({"--db", db, "backtest", "--coin", "ETH", "--interval", "1h", "--strategy",
                    genome, "--json", "--equity-out", (dir / "backtest.csv").string()});
  ASSERT_EQ(backtest.exit_code, 0) << backtest.err;
  const auto replay =
      run_organism({"--db", db, "replay", "--strategy", genome, "--coins", "ETH", "--interval",
                    "1h", "--json-out", (dir / "replay.json").string(), "--equity-out",
                    (dir / "replay.csv").string()});
  ASSERT_EQ(replay.exit_code, 0) << replay.err;
  EXPECT_NE(replay.out.find("sharpe"), std::string::npos) << replay.out;

  const auto expected = nlohmann::json::parse(backtest.out);
  const auto got = nlohmann::json::parse(read_file(dir / "replay.json"));
  for (const auto& [name, value] : expected.items()) {
    ASSERT_TRUE(got.contains(name)) << name;
    EXPECT_EQ(got[name], value) << name;
  }
  EXPECT_GT(expected["trades"].get<int>(), 10);
  ASSERT_TRUE(got["trade_list"].is_array());
  // The count leaves the open trade out when the list keeps it (metrics judge finished trades).
  EXPECT_GE(got["trade_list"].size(), expected["trades"].get<std::size_t>());
  EXPECT_LE(got["trade_list"].size(), expected["trades"].get<std::size_t>() + 1);
  EXPECT_GT(got["orders_placed"].get<int>(), 10);
  EXPECT_EQ(read_file(dir / "replay.csv"), read_file(dir / "backtest.csv"));

  // The book broker: the same decisions (as many trades) filled on the simulator's synthetic
  // book, its extras printed and in the JSON.
  const auto book =
      run_organism({"--db", db, "replay", "--strategy", genome, "--coins", "ETH", "--interval",
                    "1h", "--fill", "book", "--json-out", (dir / "book.json").string()});
  ASSERT_EQ(book.exit_code, 0) << book.err;
  EXPECT_NE(book.out.find("--fill book"), std::string::npos) << book.out;
  EXPECT_NE(book.out.find("exchange_account_value"), std::string::npos) << book.out;
  const auto book_json = nlohmann::json::parse(read_file(dir / "book.json"));
  EXPECT_EQ(book_json["fill"], "book");
  EXPECT_EQ(book_json["latency_ms"], 50);
  EXPECT_EQ(book_json["trades"], expected["trades"]);
  EXPECT_NE(book_json["final_equity"], expected["final_equity"]);
}

}  // namespace
}  // namespace organism::test

// `organism replay --allocation allocator` with three genome files on a small synthetic store:
// the first allocation printed, every rebalance in --json-out's "allocations", and at each one the
// per-coin net and the gross exposure within the portfolio.* caps (defaults 0.15 and 1).
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/test_support.hpp"

namespace organism::test {
namespace {

TEST(ReplayAllocation, ThreeStrategiesUnderTheAllocatorKeepTheCaps) {
  TempDir dir;
  const std::string db = (dir / "s.db").string();
  const auto synth = run_organism({"data", "synth", "--db", db, "--coins", "BTC,ETH", "--bars", "1200", "--seed", "7"});
  ASSERT_EQ(synth.exit_code, 0) << synth.err;
  std::string files;
  for (const char* family : {"ema_cross", "sma_trend", "donchian_breakout"}) {
    const auto made = run_organism({"strategy", "new", "--family", family});
    ASSERT_EQ(made.exit_code, 0) << made.err;
    const std::string path = (dir / (std::string(family) + ".json")).string();
    write_file(path, made.out);
    files += (files.empty() ? "" : ",") + path;
  }
  const std::string json = (dir / "r.json").string();
  const auto replay = run_organism({"--db", db, "replay", "--strategy", files, "--coins", "BTC,ETH", "--interval", "1h",
                                    "--venue", "synth", "--allocation", "allocator", "--json-out", json});
  ASSERT_EQ(replay.exit_code, 0) << replay.err;
  // The first allocation, one line per strategy: at the first bar no history yet (336 bars needed).
  EXPECT_NE(replay.out.find("allocation ema_cross_0_"), std::string::npos) << replay.out;
  EXPECT_NE(replay.out.find("weight 0 (history 1 < 336 bars)"), std::string::npos) << replay.out;

  const auto doc = nlohmann::json::parse(read_file(json));
  ASSERT_EQ(doc["first_allocation"].size(), 3u);
  const auto& rows = doc["allocations"];
  // Every 168 bars from bar 0: 8 rebalances of 1200 bars, 3 strategies x 2 coins each.
  ASSERT_EQ(rows.size(), 8u * 6u);
  std::map<std::int64_t, std::map<std::string, double>> net;
  std::map<std::int64_t, double> gross, weight;
  for (const auto& r : rows) {
    net[r["time"].get<std::int64_t>()][r["coin"].get<std::string>()] += r["exposure"].get<double>();
    gross[r["time"].get<std::int64_t>()] += std::abs(r["exposure"].get<double>());
    weight[r["time"].get<std::int64_t>()] += r["weight"].get<double>();
  }
  ASSERT_EQ(net.size(), 8u);
  double held = 0;
  for (const auto& [time, coins] : net) {
    for (const auto& [coin, v] : coins) EXPECT_LE(std::abs(v), 0.15 + 1e-12) << coin << " at " << time;
    EXPECT_LE(gross[time], 1.0 + 1e-12) << time;
    EXPECT_LE(weight[time], 1.0 + 1e-12) << time;
    held += gross[time];
  }
  EXPECT_GT(held, 0) << "no rebalance held a position: the caps were not exercised";

  const auto bad = run_organism({"--db", db, "replay", "--strategy", files, "--coins", "BTC,ETH", "--interval", "1h",
                                 "--venue", "synth", "--allocation", "kelly"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--allocation 'kelly'"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace organism::test

// `organism portfolio backtest` on a real store after `organism evolve`: the table, the weights
// CSV (per rebalance the weights sum to at most 1), the JSON's four policies; a store without
// validated strategies and a bad --from are refused with their messages.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "data/store.hpp"
#include "support/test_support.hpp"

namespace organism::test {
namespace {

TEST(PortfolioBacktestCommand, ValidatedStrategiesOfAnEvolvedStore) {
  TempDir dir;
  const std::string db = (dir / "o.db").string();
  const auto evolve =
      run_organism({"evolve", "--db", db, "--population", "16", "--generations", "2", "--islands",
                    "1", "--seed", "5", "--min-trades", "3", "--embargo", "100", "--coins",
                    "BTC,ETH", "--json-out", (dir / "run.json").string()},
                   // Gates this small run passes, so the store holds validated strategies.
                   {"ORGANISM_SYNTH_BARS=3000", "ORGANISM_SYNTH_COINS=BTC,ETH",
                    "ORGANISM_BACKTEST_TAKER_FEE=0", "ORGANISM_BACKTEST_SLIPPAGE=0",
                    "ORGANISM_VALIDATE_GATE_SHARPE=-100", "ORGANISM_VALIDATE_GATE_MAX_DRAWDOWN=1",
                    "ORGANISM_VALIDATE_GATE_DSR=-1", "ORGANISM_VALIDATE_GATE_PBO=2"});
  ASSERT_EQ(evolve.exit_code, 0) << evolve.err;
  std::size_t validated = 0;
  const auto run = nlohmann::json::parse(read_file(dir / "run.json"));
  for (const auto& m : run.at("front")) {
    validated += m.at("validation").at("passed").get<bool>() ? 1 : 0;
  }
  ASSERT_GE(validated, 1u);

  const auto csv_path = dir / "w.csv", json_path = dir / "r.json";
  const auto r = run_organism({"--db", db, "portfolio", "backtest", "--weights-out",
                               csv_path.string(), "--json-out", json_path.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* name :
       {"allocator", "equal_weight", "best_single", "hrp", "allocator's last weights"}) {
    EXPECT_NE(r.out.find(name), std::string::npos) << r.out;
  }
  EXPECT_NE(r.err.find("portfolio backtest:"), std::string::npos) << "progress on stderr";

  std::istringstream csv(read_file(csv_path));
  std::string line;
  std::getline(csv, line);
  EXPECT_EQ(line, "time,strategy,coin,weight,exposure");
  std::map<std::string, double> per_time;
  std::size_t rows = 0;
  while (std::getline(csv, line)) {
    const auto time = line.substr(0, line.find(','));
    const auto weight_at = line.find(',', line.find(',', time.size() + 1) + 1) + 1;
    per_time[time] += std::stod(line.substr(weight_at, line.find(',', weight_at) - weight_at));
    ++rows;
  }
  // The default first rebalance is at bar 2160 of 3000 (a full 90-day lookback), then every 168
  // bars: 2160, 2328, ..., 2832 = 5 rebalances, one row per validated strategy and coin.
  EXPECT_EQ(per_time.size(), 5u);
  EXPECT_EQ(rows % per_time.size(), 0u);
  EXPECT_GE(rows, 5u * validated);
  for (const auto& [time, sum] : per_time) EXPECT_LE(sum, 1.0 + 1e-12) << time;

  const auto doc = nlohmann::json::parse(read_file(json_path));
  ASSERT_EQ(doc.at("policies").size(), 4u);
  const std::vector<std::string> names = {"allocator", "equal_weight", "best_single", "hrp"};
  for (std::size_t i = 0; i < 4; ++i) {
    const auto& p = doc.at("policies")[i];
    EXPECT_EQ(p.at("policy"), names[i]);
    EXPECT_EQ(p.at("rebalances").size(), 5u);
    EXPECT_EQ(p.at("equity").size(), 840u);
    EXPECT_TRUE(p.at("metrics").contains("sharpe"));
  }
  EXPECT_EQ(doc.at("strategies").size(), validated);
  EXPECT_EQ(doc.at("correlation").size(), validated);

  const auto bad_from =
      run_organism({"--db", db, "portfolio", "backtest", "--from", "yesterday-ish"});
  EXPECT_EQ(bad_from.exit_code, 2);
  EXPECT_NE(bad_from.err.find("--from 'yesterday-ish'"), std::string::npos) << bad_from.err;
  const auto unknown =
      run_organism({"--db", db, "portfolio", "backtest", "--strategies", "no_such_id"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("no strategy 'no_such_id'"), std::string::npos) << unknown.err;
}

TEST(PortfolioBacktestCommand, NoValidatedStrategyIsRefusedWithTheWayOut) {
  TempDir dir;
  const std::string db = (dir / "empty.db").string();
  { auto store = data::Store::open(db); }
  const auto csv_path = dir / "w.csv";
  const auto r =
      run_organism({"--db", db, "portfolio", "backtest", "--weights-out", csv_path.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no strategy is validated, paper or production; give --strategies ID,..."),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(std::filesystem::exists(csv_path));
}

}  // namespace
}  // namespace organism::test

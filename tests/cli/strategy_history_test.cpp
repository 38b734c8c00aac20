// `organism strategy history ID` on a real store after `organism evolve`: each front member's
// birth, and a validated member's move, as a table and as JSON; an unknown id is an error.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/test_support.hpp"

namespace organism::test {
namespace {

TEST(StrategyHistory, EvolvedStrategiesShowTheirBirthAndValidationMoves) {
  TempDir dir;
  const std::string db = (dir / "o.db").string();
  const auto r = run_organism({"evolve", "--db", db, "--population", "16", "--generations", "2", "--islands", "1",
                               "--seed", "5", "--min-trades", "3", "--embargo", "100", "--coins", "BTC,ETH",
                               "--json-out", (dir / "run.json").string()},
                              // Gates this small run can pass, so the front holds both outcomes.
                              {"ORGANISM_SYNTH_BARS=3000", "ORGANISM_SYNTH_COINS=BTC,ETH", "ORGANISM_BACKTEST_TAKER_FEE=0",
                               "ORGANISM_BACKTEST_SLIPPAGE=0", "ORGANISM_VALIDATE_GATE_SHARPE=-100",
                               "ORGANISM_VALIDATE_GATE_MAX_DRAWDOWN=1", "ORGANISM_VALIDATE_GATE_DSR=-1",
                               "ORGANISM_VALIDATE_GATE_PBO=2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto run = nlohmann::json::parse(read_file(dir / "run.json"));
  ASSERT_FALSE(run.at("front").empty());
  int validated = 0;
  for (const auto& member : run.at("front")) {
    const auto id = member.at("id").get<std::string>();
    const auto h = run_organism({"strategy", "history", id, "--db", db, "--json"});
    ASSERT_EQ(h.exit_code, 0) << h.err;
    const auto events = nlohmann::json::parse(h.out);
    const bool passed = member.at("validation").at("passed").get<bool>();
    ASSERT_EQ(events.size(), passed ? 2u : 1u) << h.out;
    validated += passed ? 1 : 0;
    EXPECT_TRUE(events[0].at("from").is_null());
    EXPECT_EQ(events[0].at("to"), "testing");
    EXPECT_EQ(events[0].at("reason").get<std::string>().rfind("found by run ", 0), 0u);
    EXPECT_GT(events[0].at("time").get<std::int64_t>(), 1'600'000'000'000);
    if (passed) {
      EXPECT_EQ(events[1].at("from"), "testing");
      EXPECT_EQ(events[1].at("to"), "validated");
      EXPECT_EQ(events[1].at("reason"), "passed validation");
      EXPECT_EQ(events[1].at("evidence"), member.at("validation"));
    }
    const auto table = run_organism({"strategy", "history", id, "--db", db});
    ASSERT_EQ(table.exit_code, 0) << table.err;
    EXPECT_NE(table.out.find(id + ": " + std::to_string(events.size()) + " events"), std::string::npos) << table.out;
    EXPECT_NE(table.out.find("(born) -> testing"), std::string::npos) << table.out;
    if (passed) {
      EXPECT_NE(table.out.find("testing -> validated"), std::string::npos) << table.out;
    }
  }
  EXPECT_GE(validated, 1);
  EXPECT_LT(validated, static_cast<int>(run.at("front").size()));

  const auto unknown = run_organism({"strategy", "history", "no_such_id", "--db", db});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("no strategy 'no_such_id'"), std::string::npos) << unknown.err;
  const auto no_store = run_organism({"strategy", "history", "x", "--db", (dir / "absent.db").string()});
  EXPECT_EQ(no_store.exit_code, 1);
  EXPECT_NE(no_store.err.find("does not exist"), std::string::npos) << no_store.err;
}

}  // namespace
}  // namespace organism::test

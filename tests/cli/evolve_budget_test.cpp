// `organism evolve --time-budget` and `--warm-start` through the real binary: a budget of 1 s on
// a run of many generations finishes it early (status finished, front validated and saved, the
// generations reached recorded and said), a warm start from a stored strategy puts its genome in
// generation 0, and an unknown warm-start id is a usage error naming it.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <chrono>

#include "support/test_support.hpp"

namespace organism::test {
namespace {

const std::vector<std::string> kEnv = {"ORGANISM_SYNTH_BARS=3000", "ORGANISM_SYNTH_COINS=BTC,ETH",
                                       "ORGANISM_VALIDATE_WF_FOLDS=2", "ORGANISM_VALIDATE_WF_POPULATION=8",
                                       "ORGANISM_VALIDATE_WF_GENERATIONS=1", "ORGANISM_VALIDATE_PBO_BLOCKS=4"};

std::vector<std::string> run_args(const TempDir& dir, const std::string& json_name, const std::string& generations) {
  return {"evolve", "--db", (dir / "o.db").string(), "--population", "16", "--generations", generations,
          "--seed", "5", "--min-trades", "3", "--embargo", "100", "--coins", "BTC,ETH", "--threads", "1",
          "--json-out", (dir / json_name).string()};
}

std::string query_text(const fs::path& db, const std::string& sql) {
  sqlite3* h = nullptr;
  sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(h, sql.c_str(), -1, &st, nullptr);
  std::string out = "(no row)";
  if (sqlite3_step(st) == SQLITE_ROW) {
    const auto* text = sqlite3_column_text(st, 0);
    out = text ? reinterpret_cast<const char*>(text) : "(null)";
  }
  sqlite3_finalize(st);
  sqlite3_close(h);
  return out;
}

TEST(EvolveBudget, ABudgetOfOneSecondFinishesALongRunWithTheGenerationsReached) {
  TempDir dir;
  auto args = run_args(dir, "run.json", "1000000");
  args.insert(args.end(), {"--time-budget", "1"});
  const auto t0 = std::chrono::steady_clock::now();
  const auto r = run_organism(args, kEnv);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_LT(seconds, 120.0);
  EXPECT_NE(r.err.find("time budget of 1s spent"), std::string::npos) << r.err;

  const auto j = nlohmann::json::parse(read_file(dir / "run.json"));
  const int generations = j.at("generations").get<int>();
  EXPECT_GE(generations, 1);
  EXPECT_LT(generations, 1000000);
  EXPECT_NE(r.err.find("after generation " + std::to_string(generations) + " of 1000000"), std::string::npos) << r.err;
  ASSERT_FALSE(j.at("front").empty());
  EXPECT_TRUE(j.contains("gates"));  // finished normally: the front was validated
  EXPECT_TRUE(j.at("front").at(0).contains("validation"));

  const auto db = dir / "o.db";
  const auto id = j.at("run").get<std::string>();
  EXPECT_EQ(query_text(db, "SELECT status FROM runs WHERE id = '" + id + "'"), "finished");
  EXPECT_EQ(query_text(db, "SELECT count(*) FROM strategies WHERE run_id = '" + id + "'"),
            std::to_string(j.at("front").size()));
  // The run's progress is the generation reached, not the one planned.
  EXPECT_EQ(query_text(db, "SELECT generation FROM runs WHERE id = '" + id + "'"), std::to_string(generations));
}

TEST(EvolveBudget, WarmStartFromAStoredStrategyAndAnUnknownIdIsAUsageError) {
  TempDir dir;
  const auto first = run_organism(run_args(dir, "first.json", "2"), kEnv);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const auto j = nlohmann::json::parse(read_file(dir / "first.json"));
  ASSERT_FALSE(j.at("front").empty());
  const auto& member = j.at("front").at(0);
  const auto id = member.at("id").get<std::string>();

  auto args = run_args(dir, "second.json", "0");
  ASSERT_EQ(args[7], "--seed");
  args[8] = "7";  // another seed, so the run's own genomes differ
  args.insert(args.end(), {"--warm-start", id});
  const auto second = run_organism(args, kEnv);
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(second.err.find("warm start: 1 stored genome(s)"), std::string::npos) << second.err;
  const auto db = dir / "o.db";
  const auto run = nlohmann::json::parse(read_file(dir / "second.json")).at("run").get<std::string>();
  // Recorded in the run's options, and generation 0 holds it (its checkpoint's island 0, place 0).
  const auto options = nlohmann::json::parse(query_text(db, "SELECT options FROM runs WHERE id = '" + run + "'"));
  ASSERT_EQ(options.at("warm_start").size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(options.at("warm_start").at(0).get<std::string>()), member.at("genome"));
  const auto state = nlohmann::json::parse(query_text(db, "SELECT state FROM checkpoints WHERE run_id = '" + run + "'"));
  auto placed = state.at("islands").at(0).at(0).at("genome");
  auto stored = member.at("genome");
  EXPECT_EQ(placed.value("generation", -1), 0);
  placed.erase("generation");
  stored.erase("generation");
  EXPECT_EQ(placed, stored);

  auto bad = run_args(dir, "bad.json", "1");
  bad.insert(bad.end(), {"--warm-start", "ema_cross_0_nothere"});
  const auto refused = run_organism(bad, kEnv);
  EXPECT_EQ(refused.exit_code, 2) << refused.err;
  EXPECT_NE(refused.err.find("'ema_cross_0_nothere'"), std::string::npos) << refused.err;
}

}  // namespace
}  // namespace organism::test

// `organism evolve` through the real binary: an empty store gets the synthetic market, the JSON
// and the store hold the front, Ctrl-C saves and --resume finishes with the same front as an
// uninterrupted run, and bad options are usage errors.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include "support/test_support.hpp"

namespace organism::test {
namespace {

// A small, quick universe: the synthetic market of 3,000 bars per coin.
std::vector<std::string> small_run(const TempDir& dir, const std::string& json_name, int generations) {
  return {"evolve", "--db", (dir / "o.db").string(), "--population", "16", "--generations", std::to_string(generations),
          "--islands", "2", "--seed", "5", "--min-trades", "3", "--embargo", "100", "--coins", "BTC,ETH",
          "--json-out", (dir / json_name).string()};
}
const std::vector<std::string> kSmallSynth = {"ORGANISM_SYNTH_BARS=3000", "ORGANISM_SYNTH_COINS=BTC,ETH"};

std::int64_t count_rows(const fs::path& db, const std::string& sql) {
  sqlite3* h = nullptr;
  sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(h, sql.c_str(), -1, &st, nullptr);
  std::int64_t n = -1;
  if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(h);
  return n;
}

TEST(EvolveCommand, EmptyStoreBuildsTheSyntheticMarketAndSavesTheFront) {
  TempDir dir;
  const auto r = run_organism(small_run(dir, "run.json", 3), kSmallSynth);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("building the synthetic market"), std::string::npos);
  EXPECT_NE(r.err.find("gen 3/3"), std::string::npos);
  EXPECT_NE(r.out.find("best distinct front members at 20% annualized volatility"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("total return"), std::string::npos);

  const auto j = nlohmann::json::parse(read_file(dir / "run.json"));
  EXPECT_EQ(j.at("seed"), 5);
  EXPECT_GT(j.at("evaluations").get<int>(), 16);
  EXPECT_LE(j.at("evaluations").get<int>(), 16 * 4);
  EXPECT_GE(j.at("seconds").get<double>(), 0.0);
  const auto& front = j.at("front");
  ASSERT_FALSE(front.empty());
  for (const auto& m : front) {
    for (const char* key : {"id", "family", "genome", "rule", "metrics", "parents"}) EXPECT_TRUE(m.contains(key)) << key;
    for (const char* stage : {"in_sample", "out_of_sample", "walk_forward"}) {
      const auto& s = m.at("metrics").at(stage);
      EXPECT_TRUE(s.at("sharpe").is_number()) << stage;
      EXPECT_TRUE(s.at("max_drawdown").is_number()) << stage;
      EXPECT_TRUE(s.at("trades").is_number()) << stage;
    }
    EXPECT_EQ(m.at("genome").at("family"), m.at("family"));
  }
  const auto db = dir / "o.db";
  EXPECT_EQ(count_rows(db, "SELECT count(*) FROM strategies WHERE state = 'testing'"),
            static_cast<std::int64_t>(front.size()));
  EXPECT_EQ(count_rows(db, "SELECT count(*) FROM runs WHERE status = 'finished' AND generation = 3"), 1);
}

TEST(EvolveCommand, CtrlCSavesAndResumeGivesTheUninterruptedFront) {
  TempDir dir;
  const auto straight = run_organism(small_run(dir, "straight.json", 6), kSmallSynth);
  ASSERT_EQ(straight.exit_code, 0) << straight.err;

  TempDir dir2;
  const auto cut = run_organism_interrupted(small_run(dir2, "cut.json", 6), "gen 2/6", kSmallSynth);
  ASSERT_EQ(cut.exit_code, 130) << cut.err;
  EXPECT_NE(cut.err.find("--resume"), std::string::npos) << cut.err;
  EXPECT_FALSE(fs::exists(dir2 / "cut.json"));
  EXPECT_EQ(count_rows(dir2 / "o.db", "SELECT count(*) FROM runs WHERE status = 'interrupted'"), 1);

  const auto resumed = run_organism({"evolve", "--db", (dir2 / "o.db").string(), "--resume", "--json-out",
                                     (dir2 / "resumed.json").string()});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  auto a = nlohmann::json::parse(read_file(dir / "straight.json"));
  auto b = nlohmann::json::parse(read_file(dir2 / "resumed.json"));
  EXPECT_EQ(a.at("front"), b.at("front"));
  EXPECT_EQ(a.at("evaluations"), b.at("evaluations"));
  EXPECT_EQ(b.at("generations"), 6);
}

TEST(EvolveCommand, SameSeedSameFrontOnOneAndTwoThreads) {
  TempDir d1, d2;
  auto args1 = small_run(d1, "t.json", 2);
  args1.insert(args1.end(), {"--threads", "1"});
  auto args2 = small_run(d2, "t.json", 2);
  args2.insert(args2.end(), {"--threads", "2"});
  ASSERT_EQ(run_organism(args1, kSmallSynth).exit_code, 0);
  ASSERT_EQ(run_organism(args2, kSmallSynth).exit_code, 0);
  EXPECT_EQ(nlohmann::json::parse(read_file(d1 / "t.json")).at("front"),
            nlohmann::json::parse(read_file(d2 / "t.json")).at("front"));
}

TEST(EvolveCommand, BadOptionsAreUsageErrorsAndWriteNothing) {
  TempDir dir;
  auto bad = small_run(dir, "x.json", 2);
  bad[4] = "15";  // odd population
  auto r = run_organism(bad, kSmallSynth);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--population"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "x.json"));

  r = run_organism({"evolve", "--db", (dir / "o.db").string(), "--objectives", "sharpe,luck"}, kSmallSynth);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("luck"), std::string::npos);

  r = run_organism({"evolve", "--db", (dir / "o.db").string(), "--resume"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no unfinished run"), std::string::npos) << r.err;

  ASSERT_EQ(run_organism({"data", "synth", "--db", (dir / "m.db").string(), "--bars", "3000"}).exit_code, 0);
  r = run_organism({"evolve", "--db", (dir / "m.db").string(), "--coins", "BTC,DOGE"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("DOGE"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace organism::test

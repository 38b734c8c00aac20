// `organism portfolio evolve` through the real binary on a tiny store (the small synthetic market
// and the strategies of a one-generation evolve): one seed prints one front; `--generations 1`
// then `--resume ID --generations 2` prints what `--generations 2` straight prints; SIGTERM leaves
// an interrupted run that the evolution's --resume refuses and `portfolio evolve --resume`
// finishes.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <csignal>
#include <nlohmann/json.hpp>

#include "background_organism.hpp"
#include "support/test_support.hpp"

namespace organism::test {
namespace {

// The first column of the first row of `sql`, as text ("" when none).
std::string one(const fs::path& db, const std::string& sql) {
  sqlite3* h = nullptr;
  sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* st = nullptr;
  std::string out;
  if (sqlite3_prepare_v2(h, sql.c_str(), -1, &st, nullptr) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW) {
    const auto* text = sqlite3_column_text(st, 0);
    out = text ? reinterpret_cast<const char*>(text) : "";
  }
  sqlite3_finalize(st);
  sqlite3_close(h);
  return out;
}

// A store with 3000 synthetic 1h bars of BTC and ETH and the strategies one evolve generation
// saved (state testing: they are named by id).
struct TinyStore {
  TempDir dir;
  fs::path db = dir / "o.db";
  std::string ids;
  TinyStore() {
    auto r = run_organism({"data", "synth", "--db", db.string()},
                          {"ORGANISM_SYNTH_BARS=3000", "ORGANISM_SYNTH_COINS=BTC,ETH"});
    if (r.exit_code != 0) throw std::runtime_error(r.err);
    r = run_organism({"evolve", "--db", db.string(), "--population", "16", "--generations", "1",
                      "--islands", "1", "--seed", "5", "--min-trades", "3", "--embargo", "100",
                      "--coins", "BTC,ETH", "--threads", "1"},
                     {"ORGANISM_VALIDATE_ON_EVOLVE=false"});
    if (r.exit_code != 0) throw std::runtime_error(r.err);
    ids = one(db, "SELECT group_concat(id) FROM (SELECT id FROM strategies ORDER BY id)");
  }
  std::vector<std::string> args(const std::vector<std::string>& more) const {
    std::vector<std::string> a{"portfolio", "evolve", "--db", db.string(), "--population", "8"};
    a.insert(a.end(), more.begin(), more.end());
    return a;
  }
};

// The printed result without its first line (which names the run).
std::string front_of(const std::string& out) { return out.substr(out.find('\n') + 1); }

std::string run_id(const std::string& err) {
  const auto at = err.find("run sizing-");
  return at == std::string::npos ? "" : err.substr(at + 4, err.find(':', at) - at - 4);
}

TEST(PortfolioEvolveCommand, OneSeedPrintsOneFrontAndMarksTheHeldOutBest) {
  const TinyStore s;
  ASSERT_NE(s.ids.find(','), std::string::npos) << s.ids;
  const auto json = s.dir / "a.json";
  const auto a = run_organism(
      s.args({"--strategies", s.ids, "--generations", "2", "--json-out", json.string()}));
  ASSERT_EQ(a.exit_code, 0) << a.err;
  const auto b = run_organism(s.args({"--strategies", s.ids, "--generations", "2"}));
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_EQ(front_of(a.out), front_of(b.out));
  EXPECT_NE(run_id(a.err), run_id(b.err));  // two runs, one result
  EXPECT_NE(a.err.find("generation 2/2: best in-sample Sharpe"), std::string::npos) << a.err;
  // 3000 bars: in-sample [336, 1800) after portfolio.min_history_bars, held-out [1800, 3000).
  EXPECT_NE(a.out.find("in-sample bars [336, 1800), held-out [1800, 3000)"), std::string::npos)
      << a.out;
  EXPECT_NE(a.out.find("  default "), std::string::npos) << a.out;
  EXPECT_NE(a.out.find("\n* "), std::string::npos) << a.out;
  EXPECT_NE(a.out.find("paste these lines into a config file:\nportfolio.score_sharpe = "),
            std::string::npos)
      << a.out;
  const auto doc = nlohmann::json::parse(read_file(json));
  EXPECT_EQ(doc["options"]["kind"], "portfolio_sizing");
  EXPECT_EQ(doc["validation"]["split"]["held_out_bars"][0], 1800);
  const auto best = doc["validation"]["best_held_out"].get<std::size_t>();
  double top = -1e300;
  for (const auto& m : doc["validation"]["members"])
    top = std::max(top, m["held_out"]["sharpe"].get<double>());
  EXPECT_EQ(doc["validation"]["members"][best]["held_out"]["sharpe"].get<double>(), top);
  EXPECT_EQ(one(s.db, fmt::format("SELECT status || ' ' || generation FROM runs WHERE id = '{}'",
                                  run_id(a.err))),
            "finished 2");

  const auto other =
      run_organism(s.args({"--strategies", s.ids, "--generations", "2", "--seed", "2"}));
  ASSERT_EQ(other.exit_code, 0) << other.err;
  EXPECT_NE(front_of(a.out), front_of(other.out));
}

TEST(PortfolioEvolveCommand, ResumingForMoreGenerationsEqualsTheStraightRun) {
  const TinyStore s;
  const auto straight = run_organism(s.args({"--strategies", s.ids, "--generations", "2"}));
  ASSERT_EQ(straight.exit_code, 0) << straight.err;
  const auto first = run_organism(s.args({"--strategies", s.ids, "--generations", "1"}));
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const auto id = run_id(first.err);
  const auto again = run_organism(s.args({"--resume", id}));
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("has finished at generation 1; give --generations N above 1"),
            std::string::npos)
      << again.err;
  const auto resumed = run_organism(s.args({"--resume", id, "--generations", "2"}));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(front_of(straight.out), front_of(resumed.out));
  EXPECT_EQ(run_id(resumed.err), id);
}

TEST(PortfolioEvolveCommand, SigtermLeavesAResumableRunThatEvolveRefuses) {
  const TinyStore s;
  BackgroundOrganism evolve(s.args({"--strategies", s.ids, "--generations", "400"}));
  ASSERT_TRUE(evolve.wait_for("generation 1/400")) << evolve.err();
  evolve.signal(SIGTERM);
  const auto cut = evolve.collect();
  ASSERT_EQ(cut.exit_code, 130) << cut.err;
  const auto id = run_id(cut.err);
  EXPECT_NE(
      cut.err.find(fmt::format("continue it with: organism portfolio evolve --resume {}", id)),
      std::string::npos)
      << cut.err;
  const auto where = fmt::format("FROM runs WHERE id = '{}'", id);
  EXPECT_EQ(one(s.db, "SELECT status " + where), "interrupted");
  const int generation = std::stoi(one(s.db, "SELECT generation " + where));
  EXPECT_GE(generation, 1);
  EXPECT_EQ(one(s.db, fmt::format("SELECT generation FROM checkpoints WHERE run_id = '{}'", id)),
            std::to_string(generation));

  // The evolution's own resume neither picks it as the latest nor accepts it by id.
  const auto latest = run_organism({"evolve", "--db", s.db.string(), "--resume"});
  EXPECT_EQ(latest.exit_code, 1);
  EXPECT_NE(latest.err.find("no unfinished run"), std::string::npos) << latest.err;
  const auto by_id = run_organism({"evolve", "--db", s.db.string(), "--resume", id});
  EXPECT_EQ(by_id.exit_code, 1);
  EXPECT_NE(by_id.err.find("is a portfolio sizing run"), std::string::npos) << by_id.err;

  const auto target = std::to_string(generation + 1);
  const auto resumed = run_organism(s.args({"--resume", id, "--generations", target}));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(one(s.db, "SELECT status || ' ' || generation " + where), "finished " + target);
}

TEST(PortfolioEvolveCommand, BadFlagsAreUsageErrors) {
  const TinyStore s;
  auto r = run_organism({"portfolio", "evolve", "--db", s.db.string(), "--population", "7"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--population must be even and at least 4, got 7"), std::string::npos)
      << r.err;
  r = run_organism(s.args({"--strategies", "no_such_strategy"}));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("no_such_strategy"), std::string::npos) << r.err;
  EXPECT_EQ(one(s.db, "SELECT count(*) FROM runs WHERE id LIKE 'sizing-%'"),
            "0");  // nothing written
}

}  // namespace
}  // namespace organism::test

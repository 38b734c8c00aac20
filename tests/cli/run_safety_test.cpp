// Run safety through the real binary (issue 16, defects 2, 7 and 8): two evolves started together
// with one seed get two runs; a strategy found by two runs keeps its id and names both; SIGTERM,
// SIGHUP and SIGINT (during validation too) save the run as interrupted with the resume command;
// a run executed by a live process is locked, a dead one's lock is taken over; and `validate`
// says "now 'validated'" only after its save.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>
#include <unistd.h>

#include <csignal>
#include <set>

#include "background_organism.hpp"
#include "support/test_support.hpp"

namespace organism::test {
namespace {

const std::vector<std::string> kSmallSynth = {"ORGANISM_SYNTH_BARS=3000", "ORGANISM_SYNTH_COINS=BTC,ETH"};

std::vector<std::string> evolve_args(const fs::path& db, int population, int generations,
                                     const std::vector<std::string>& more = {}) {
  std::vector<std::string> a{"evolve", "--db", db.string(), "--population", std::to_string(population),
                             "--generations", std::to_string(generations), "--islands", "1", "--seed", "5",
                             "--min-trades", "3", "--embargo", "100", "--coins", "BTC,ETH", "--threads", "1"};
  a.insert(a.end(), more.begin(), more.end());
  return a;
}

// The first column of each row of `sql`, as text.
std::vector<std::string> query(const fs::path& db, const std::string& sql) {
  sqlite3* h = nullptr;
  sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* st = nullptr;
  std::vector<std::string> out;
  if (sqlite3_prepare_v2(h, sql.c_str(), -1, &st, nullptr) == SQLITE_OK) {
    while (sqlite3_step(st) == SQLITE_ROW) {
      const auto* text = sqlite3_column_text(st, 0);
      out.emplace_back(text ? reinterpret_cast<const char*>(text) : "");
    }
  }
  sqlite3_finalize(st);
  sqlite3_close(h);
  return out;
}

std::string one(const fs::path& db, const std::string& sql) {
  const auto rows = query(db, sql);
  return rows.size() == 1 ? rows[0] : fmt::format("<{} rows>", rows.size());
}

std::string host_name() {
  char name[256] = {};
  gethostname(name, sizeof name - 1);
  return name;
}

// A store holding the small synthetic market, so that processes started together find data.
fs::path market_store(const TempDir& dir) {
  const auto db = dir / "o.db";
  const auto r = run_organism({"data", "synth", "--db", db.string()}, kSmallSynth);
  if (r.exit_code != 0) throw std::runtime_error(r.err);
  return db;
}

TEST(RunSafety, TwoEvolvesWithOneSeedStartedTogetherGetTwoRunsEachWithItsOptionsAndFront) {
  // The id holds the second the run was created in: retried until both start in the same one.
  for (int attempt = 0; attempt < 5; ++attempt) {
    TempDir dir;
    const auto db = market_store(dir);
    BackgroundOrganism a(evolve_args(db, 16, 1, {"--json-out", (dir / "a.json").string()}));
    BackgroundOrganism b(evolve_args(db, 20, 1, {"--json-out", (dir / "b.json").string()}));
    const auto ra = a.collect(), rb = b.collect();
    ASSERT_EQ(ra.exit_code, 0) << ra.err;
    ASSERT_EQ(rb.exit_code, 0) << rb.err;
    const auto ja = nlohmann::json::parse(read_file(dir / "a.json"));
    const auto jb = nlohmann::json::parse(read_file(dir / "b.json"));
    const auto ida = ja.at("run").get<std::string>(), idb = jb.at("run").get<std::string>();
    if (ida.substr(0, 18) != idb.substr(0, 18)) continue;  // different seconds: no collision to test
    EXPECT_NE(ida, idb);
    const auto base = ida.size() < idb.size() ? ida : idb;  // run_YYYYMMDDhhmmss_s5
    EXPECT_EQ(std::set<std::string>({ida, idb}), std::set<std::string>({base, fmt::format("{}_2", base)}));
    EXPECT_EQ(query(db, "SELECT id FROM runs").size(), 2u);
    for (const auto& [id, j, population] : {std::tuple{ida, ja, 16}, std::tuple{idb, jb, 20}}) {
      EXPECT_EQ(one(db, fmt::format("SELECT json_extract(options, '$.population') FROM runs WHERE id = '{}'", id)),
                std::to_string(population));
      EXPECT_EQ(one(db, fmt::format("SELECT status FROM runs WHERE id = '{}'", id)), "finished");
      const auto stored = nlohmann::json::parse(one(db, fmt::format("SELECT result FROM runs WHERE id = '{}'", id)));
      EXPECT_EQ(stored.at("front"), j.at("front")) << id;
      // Each strategy of its front is linked to it, whichever run found it first.
      for (const auto& m : j.at("front")) {
        EXPECT_EQ(one(db, fmt::format("SELECT count(*) FROM strategy_runs WHERE run_id = '{}' AND strategy_id = '{}'", id,
                                  m.at("id").get<std::string>())),
                  "1");
      }
    }
    EXPECT_EQ(one(db, "SELECT count(*) FROM run_locks"), "0");
    return;
  }
  GTEST_SKIP() << "the two processes never started within one second in 5 attempts";
}

TEST(RunSafety, AStrategyFoundByTwoRunsKeepsItsIdAndNamesBothRuns) {
  TempDir dir;
  const auto db = market_store(dir);
  const auto first = run_organism(evolve_args(db, 16, 1, {"--json-out", (dir / "a.json").string()}));
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const auto second = run_organism(evolve_args(db, 16, 1, {"--json-out", (dir / "b.json").string()}));
  ASSERT_EQ(second.exit_code, 0) << second.err;
  const auto a = nlohmann::json::parse(read_file(dir / "a.json")), b = nlohmann::json::parse(read_file(dir / "b.json"));
  const auto run_a = a.at("run").get<std::string>(), run_b = b.at("run").get<std::string>();
  ASSERT_NE(run_a, run_b);
  ASSERT_EQ(a.at("front"), b.at("front"));  // one seed, one front: every member found twice
  EXPECT_EQ(one(db, "SELECT count(*) FROM strategies"), std::to_string(a.at("front").size()));
  for (const auto& m : a.at("front")) {
    const auto id = m.at("id").get<std::string>();
    // Not moved to the second run: the first stays its run, and both are recorded.
    EXPECT_EQ(one(db, fmt::format("SELECT run_id FROM strategies WHERE id = '{}'", id)), run_a);
    EXPECT_EQ(query(db, fmt::format("SELECT run_id FROM strategy_runs WHERE strategy_id = '{}' ORDER BY found_at, run_id", id)),
              (std::vector<std::string>{run_a, run_b}));
    const auto h = run_organism({"strategy", "history", id, "--db", db.string()});
    ASSERT_EQ(h.exit_code, 0) << h.err;
    EXPECT_NE(h.out.find(fmt::format("found by 2 runs: {} (generation {}), {} (generation ", run_a,
                                     m.at("generation").get<int>(), run_b)),
              std::string::npos)
        << h.out;
  }
}

TEST(RunSafety, SigtermAndSighupDuringEvolveSaveTheRunAndResumeFinishesIt) {
  for (const int sig : {SIGTERM, SIGHUP}) {
    TempDir dir;
    const auto db = market_store(dir);
    BackgroundOrganism evolve(evolve_args(db, 16, 6));
    ASSERT_TRUE(evolve.wait_for("gen 2/6")) << evolve.err();
    evolve.signal(sig);
    const auto cut = evolve.collect();
    ASSERT_EQ(cut.exit_code, 130) << "signal " << sig << ": " << cut.err;
    const auto id = one(db, "SELECT id FROM runs");
    EXPECT_NE(cut.err.find(fmt::format("continue it with 'organism evolve --resume {}'", id)), std::string::npos) << cut.err;
    EXPECT_EQ(one(db, "SELECT status FROM runs"), "interrupted");
    EXPECT_EQ(one(db, "SELECT count(*) FROM run_locks"), "0");
    const auto resumed = run_organism({"evolve", "--db", db.string(), "--resume", id});
    ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
    EXPECT_EQ(one(db, "SELECT status || ' ' || generation FROM runs"), "finished 6");
  }
}

TEST(RunSafety, SigintDuringTheValidationOfEvolveSavesTheRunAndResumeValidatesIt) {
  TempDir dir;
  const auto db = market_store(dir);
  BackgroundOrganism evolve(evolve_args(db, 16, 2));
  ASSERT_TRUE(evolve.wait_for("validation: ")) << evolve.err();
  evolve.signal(SIGINT);
  const auto cut = evolve.collect();
  ASSERT_EQ(cut.exit_code, 130) << cut.err;
  const auto id = one(db, "SELECT id FROM runs");
  EXPECT_NE(cut.err.find(fmt::format("interrupted: run {} is saved after generation 2; continue it with "
                                     "'organism evolve --resume {}'", id, id)),
            std::string::npos)
      << cut.err;
  EXPECT_EQ(cut.out.find("now 'validated'"), std::string::npos) << cut.out;
  EXPECT_EQ(one(db, "SELECT status FROM runs"), "interrupted");
  EXPECT_EQ(one(db, "SELECT count(*) FROM strategies"), "0");
  const auto resumed = run_organism({"evolve", "--db", db.string(), "--resume"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.out.find("now 'validated'"), std::string::npos) << resumed.out;
  EXPECT_EQ(one(db, "SELECT status || ' ' || generation FROM runs"), "finished 2");
}

TEST(RunSafety, SigtermDuringValidateLeavesTheRunAsItWas) {
  TempDir dir;
  const auto db = market_store(dir);
  const auto evolved = run_organism(evolve_args(db, 16, 1), {"ORGANISM_VALIDATE_ON_EVOLVE=false"});
  ASSERT_EQ(evolved.exit_code, 0) << evolved.err;
  const auto id = one(db, "SELECT id FROM runs");
  const auto before = one(db, "SELECT result FROM runs");
  BackgroundOrganism validate({"validate", "--db", db.string(), "--threads", "1"});
  ASSERT_TRUE(validate.wait_for("validation: ")) << validate.err();
  validate.signal(SIGTERM);
  const auto cut = validate.collect();
  ASSERT_EQ(cut.exit_code, 130) << cut.err;
  EXPECT_NE(cut.err.find(fmt::format("interrupted: the validation of run {} stopped before it saved anything; the run and "
                                     "its strategies are as they were; validate it again with 'organism validate {}'",
                                     id, id)),
            std::string::npos)
      << cut.err;
  EXPECT_EQ(cut.out.find("now 'validated'"), std::string::npos) << cut.out;
  EXPECT_EQ(one(db, "SELECT status FROM runs"), "finished");
  EXPECT_EQ(one(db, "SELECT result FROM runs"), before);
  EXPECT_EQ(one(db, "SELECT count(*) FROM strategies WHERE validation IS NOT NULL"), "0");
  EXPECT_EQ(one(db, "SELECT count(*) FROM run_locks"), "0");
}

TEST(RunSafety, ALiveRunIsLockedAndAKilledOnesLockIsTakenOver) {
  TempDir dir;
  const auto db = market_store(dir);
  // A run long enough to be caught while it runs.
  BackgroundOrganism first(evolve_args(db, 16, 400));
  ASSERT_TRUE(first.wait_for("gen 1/400")) << first.err();
  const auto id = one(db, "SELECT id FROM runs");
  const auto holder = fmt::format("run '{}' is being executed by process {} on {}", id, first.pid(), host_name());
  const auto second = run_organism({"evolve", "--db", db.string(), "--resume", id});
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_NE(second.err.find(holder), std::string::npos) << second.err;
  const auto latest = run_organism({"evolve", "--db", db.string(), "--resume"});
  EXPECT_EQ(latest.exit_code, 1);
  EXPECT_NE(latest.err.find(holder), std::string::npos) << latest.err;

  first.signal(SIGKILL);  // as a crash: the lock stays, its process is gone
  ASSERT_EQ(first.collect().exit_code, 128 + SIGKILL);
  EXPECT_EQ(one(db, "SELECT pid FROM run_locks"), std::to_string(first.pid()));
  BackgroundOrganism taker({"evolve", "--db", db.string(), "--resume", id});
  ASSERT_TRUE(taker.wait_for("gen ")) << taker.err();
  const auto err = taker.err();
  EXPECT_NE(err.find(fmt::format("run {}: process {} on {} that executed it is gone (killed?); taking the run over "
                                 "from its last checkpoint",
                                 id, first.pid(), host_name())),
            std::string::npos)
      << err;
  EXPECT_EQ(one(db, "SELECT pid FROM run_locks"), std::to_string(taker.pid()));
  taker.signal(SIGTERM);
  EXPECT_EQ(taker.collect().exit_code, 130);
  EXPECT_EQ(one(db, "SELECT status FROM runs"), "interrupted");
  EXPECT_EQ(one(db, "SELECT count(*) FROM run_locks"), "0");
}

TEST(RunSafety, ValidateSaysNowValidatedOnlyAfterTheSaveSucceeded) {
  TempDir dir;
  const auto db = market_store(dir);
  ASSERT_EQ(run_organism(evolve_args(db, 16, 1), {"ORGANISM_VALIDATE_ON_EVOLVE=false"}).exit_code, 0);
  // The save of the validated run fails, as a full disk or a failing transaction would.
  sqlite3* h = nullptr;
  sqlite3_open(db.c_str(), &h);
  ASSERT_EQ(sqlite3_exec(h, "CREATE TRIGGER no_save BEFORE UPDATE ON runs BEGIN SELECT RAISE(ABORT, 'disk says no'); END;",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(h);
  const auto failed = run_organism({"validate", "--db", db.string(), "--threads", "1"});
  EXPECT_EQ(failed.exit_code, 1);
  EXPECT_NE(failed.err.find("disk says no"), std::string::npos) << failed.err;
  EXPECT_EQ(failed.out.find("now 'validated'"), std::string::npos) << failed.out;
  EXPECT_EQ(one(db, "SELECT count(*) FROM strategies WHERE validation IS NOT NULL"), "0");
  EXPECT_EQ(one(db, "SELECT count(*) FROM run_locks"), "0");
}

}  // namespace
}  // namespace organism::test

// `organism strategy list` and `organism strategy postmortem` through the binary on a real store:
// strategies in several states (one retired with a post-mortem written by lifecycle::retire), as
// tables and JSON, the state filter, and the errors naming the id.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "data/store.hpp"
#include "lifecycle/lifecycle.hpp"
#include "lifecycle/postmortem.hpp"
#include "support/test_support.hpp"

namespace organism::test {
namespace {

using lifecycle::State;

constexpr core::TimeMs kT0 = 1704067200000;  // 2024-01-01 00:00 UTC
constexpr core::TimeMs kDay = 86'400'000;

void add(data::Store& store, const std::string& id, const std::vector<State>& path) {
  data::StrategyRecord r{id,
                         std::string("run-1"),
                         std::string("ema_cross"),
                         std::string(R"({"family":"ema_cross"})"),
                         std::string("[]"),
                         std::string("{}"),
                         std::string(),
                         std::string(),
                         0,
                         0,
                         0,
                         {}};
  lifecycle::birth(store, r, kT0, "test");
  core::TimeMs t = kT0;
  for (State s : path) lifecycle::transition(store, id, s, "test", "{}", t += kDay);
}

std::string make_store(const TempDir& dir) {
  const std::string db = (dir / "o.db").string();
  auto store = data::Store::open(db);
  data::RunRecord run;
  run.id = "run-1";
  run.options = "{}";
  run.universe = "{}";
  run.status = "finished";
  store.save_run(run);
  add(store, "s-testing", {});
  add(store, "s-paper", {State::Validated, State::Paper});
  add(store, "s-dead", {State::Validated, State::Paper, State::Production, State::Decaying});
  lifecycle::Postmortem p;
  p.strategy_id = "s-dead";
  p.family = "ema_cross";
  p.run_id = "run-1";
  p.born = kT0;
  p.died = kT0 + 10 * kDay;
  p.age_days = 10;
  p.reason = "no recovery within 3 days: cusum";
  p.evidence = {{"failed", {"cusum"}}};
  p.path = {{State::Decaying, State::Retired, p.died, p.reason, R"({"failed":["cusum"]})"}};
  p.regimes = {{"BTC", "normal_vol/up/unknown", "high_vol/down/unknown"}};
  p.live = {{"production", 120, kT0 + 5 * kDay, p.died, -0.12, -2.5, 0.15}};
  p.validated = {1.8, 0.08, 0.0002, 0.006};
  p.genome = {{"family", "ema_cross"}};
  lifecycle::retire(store, "s-dead", p.reason, p.evidence.dump(), lifecycle::to_json(p).dump(),
                    p.died);
  return db;
}

TEST(StrategyLifecycleCommands, ListAllAndByState) {
  TempDir dir;
  const auto db = make_store(dir);
  auto r = run_organism({"strategy", "list", "--db", db, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto all = nlohmann::json::parse(r.out);
  ASSERT_EQ(all.size(), 3u);
  std::map<std::string, std::string> state;
  for (const auto& s : all) {
    state[s.at("id")] = s.at("state");
    EXPECT_EQ(s.at("family"), "ema_cross");
    EXPECT_EQ(s.at("run"), "run-1");
    EXPECT_EQ(s.at("created").get<core::TimeMs>(), kT0);
  }
  EXPECT_EQ(state["s-testing"], "testing");
  EXPECT_EQ(state["s-paper"], "paper");
  EXPECT_EQ(state["s-dead"], "retired");
  r = run_organism({"strategy", "list", "--db", db, "--state", "retired", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto retired = nlohmann::json::parse(r.out);
  ASSERT_EQ(retired.size(), 1u);
  EXPECT_EQ(retired[0].at("id"), "s-dead");
  EXPECT_EQ(retired[0].at("updated").get<core::TimeMs>(), kT0 + 10 * kDay);
  r = run_organism({"strategy", "list", "--db", db, "--state", "paper"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("s-paper"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("s-dead"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 strategy"), std::string::npos) << r.out;
  r = run_organism({"strategy", "list", "--db", db, "--state", "zombie"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown state 'zombie'"), std::string::npos) << r.err;
}

TEST(StrategyLifecycleCommands, PostmortemOfARetiredStrategyAndErrors) {
  TempDir dir;
  const auto db = make_store(dir);
  auto r = run_organism({"strategy", "postmortem", "s-dead", "--db", db, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto pm = nlohmann::json::parse(r.out);
  EXPECT_EQ(pm.at("id"), "s-dead");
  EXPECT_EQ(pm.at("died").get<core::TimeMs>(), kT0 + 10 * kDay);
  EXPECT_EQ(pm.at("died_utc"), "2024-01-11 00:00:00");
  EXPECT_EQ(pm.at("age_days").get<double>(), 10.0);
  EXPECT_EQ(pm.at("regimes")[0].at("at_death"), "high_vol/down/unknown");
  EXPECT_EQ(pm.at("live")[0].at("bars").get<int>(), 120);
  EXPECT_DOUBLE_EQ(pm.at("validated").at("sharpe").get<double>(), 1.8);
  r = run_organism({"strategy", "postmortem", "s-dead", "--db", db});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("post-mortem of strategy s-dead (ema_cross, run run-1)"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("no recovery within 3 days: cusum"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("BTC: at birth normal_vol/up/unknown, at death high_vol/down/unknown"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("120 bars, return -0.1200, Sharpe -2.500, max drawdown 0.1500"),
            std::string::npos)
      << r.out;
  r = run_organism({"strategy", "postmortem", "s-paper", "--db", db});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("strategy s-paper is not retired"), std::string::npos) << r.err;
  r = run_organism({"strategy", "postmortem", "nobody", "--db", db});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no strategy 'nobody'"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace organism::test

// 60 simulated days of `organism run --paper` against `organism exchange-sim` at high speed (the
// rehearsal of issue 22): evolution cycles run, strategies go validated -> paper -> production,
// the regime break 30 days in drives a production strategy to decaying and retired with a
// post-mortem, every event is a legal move in order, and the decay's evidence figures match a
// recomputation from the store's marks. Everything through the binary; the store read directly
// only for the marks and the runs.
#include <gtest/gtest.h>

// Built once `organism run` (helper daemon) and the store's marks (helper lifecycle) are on the
// branch; until then one test says what is missing.
#if __has_include("daemon/organism_run.hpp") && __has_include("lifecycle/postmortem.hpp")
#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cli/background_organism.hpp"
#include "daemon/run_scenario_fixture.hpp"
#include "data/store.hpp"

namespace organism::test {
namespace {

// mean / std (ddof 1) x sqrt(8760): the annualized Sharpe of hourly returns.
double sharpe_1h(const std::vector<double>& r) {
  if (r.size() < 2) return 0;
  double mean = 0;
  for (const double x : r) mean += x;
  mean /= static_cast<double>(r.size());
  double ss = 0;
  for (const double x : r) ss += (x - mean) * (x - mean);
  const double sd = std::sqrt(ss / static_cast<double>(r.size() - 1));
  return sd > 0 ? mean / sd * std::sqrt(8760.0) : 0;
}

// The max drawdown of the curve compounded from 1, a fraction.
double drawdown(const std::vector<double>& r) {
  double equity = 1, peak = 1, worst = 0;
  for (const double x : r) {
    equity *= 1 + x;
    peak = std::max(peak, equity);
    worst = std::max(worst, 1 - equity / peak);
  }
  return worst;
}

// A strategy's finite returns of one session at times in [from, to].
std::vector<double> session_returns(data::Store& store, const std::string& id, const std::string& session,
                                    std::int64_t from, std::int64_t to) {
  std::vector<double> out;
  for (const auto& m : store.load_marks(id, from, to + 1)) {
    if (m.session == session && std::isfinite(m.ret)) out.push_back(m.ret);
  }
  return out;
}

// The time of the last event of `events` before index `before` that moved into `state`.
std::optional<std::int64_t> entered(const nlohmann::json& events, std::size_t before, const std::string& state) {
  for (std::size_t i = before; i-- > 0;) {
    if (events[i]["to"] == state) return events[i]["time"].get<std::int64_t>();
  }
  return std::nullopt;
}

TEST(OrganismRunScenario, SixtyDaysLiveDecayAndDieAfterARegimeBreak) {
  Scenario sc;
  ASSERT_TRUE(sc.build());
  SimProcess sim(sc.sim_args(), sc.market);
  ASSERT_TRUE(sim.started()) << sim.err();
  BackgroundOrganism run(sc.run_args(sim.port()));
  const auto result = run.collect();
  ASSERT_EQ(result.exit_code, 0) << result.err.substr(result.err.size() > 4000 ? result.err.size() - 4000 : 0);

  // Evolution cycles ran in the daemon: runs beyond the first evolution, and the clock moved.
  auto store = data::Store::open_existing(sc.store);
  EXPECT_GE(store.list_runs().size(), 2u) << test::read_file(sc.store + ".evolve.log");
  const auto state = nlohmann::json::parse(read_file(sc.store + ".daemon.json"));
  const auto last_cycle = state["evolution"]["last_cycle"].get<std::int64_t>();
  EXPECT_GT(last_cycle, sc.cut);
  EXPECT_LE(last_cycle, sc.end);

  std::map<std::string, int> per_state;
  int promoted_to_production = 0, retired_after_break = 0, decay_checked = 0;
  for (const auto& s : sc.strategies()) {
    const auto id = s["id"].get<std::string>();
    ++per_state[s["state"].get<std::string>()];
    const auto events = sc.history(id);
    EXPECT_EQ(chain_fault(id, events), "");
    bool reached_production = false, decayed_after_break = false;
    for (std::size_t i = 0; i < events.size(); ++i) {
      const auto& e = events[i];
      const std::string from = e["from"].is_null() ? "" : e["from"].get<std::string>();
      const std::string to = e["to"];
      const auto t = e["time"].get<std::int64_t>();
      EXPECT_FALSE(e["reason"].get<std::string>().empty()) << id << " " << from << " -> " << to;
      // Births and validations (testing <-> validated) are evolve's, stamped with the wall clock.
      if (from.empty() || from == "testing" || to == "testing") continue;
      // The daemon's moves are stamped with the market's bar times of the replay.
      EXPECT_GE(t, sc.cut) << id;
      EXPECT_LE(t, sc.end) << id;
      EXPECT_EQ(t % kScenarioHour, 0) << id;
      if (from == "paper" && to == "production") reached_production = true;
      if (from == "production" && to == "decaying") {
        if (t >= sc.break_time) decayed_after_break = true;
        // The evidence recomputed from the marks: the live returns after it entered production.
        const auto since = entered(events, i, "production");
        ASSERT_TRUE(since) << id;
        const auto returns = session_returns(store, id, "production", *since + 1, t);
        const auto& ev = e["evidence"];
        EXPECT_EQ(ev["bars"].get<std::size_t>(), returns.size()) << id << " " << ev.dump();
        EXPECT_NEAR(ev["drawdown"]["value"].get<double>(), drawdown(returns), 1e-9) << id;
        const auto window = ev["rolling_sharpe"]["window"].get<std::size_t>();
        if (!ev["rolling_sharpe"]["sharpe"].is_null()) {
          const std::vector<double> last(returns.end() - static_cast<std::ptrdiff_t>(std::min(window, returns.size())),
                                         returns.end());
          EXPECT_NEAR(ev["rolling_sharpe"]["sharpe"].get<double>(), sharpe_1h(last), 1e-6) << id;
        }
        ++decay_checked;
      }
      if (from == "decaying" && to == "retired" && decayed_after_break) {
        ++retired_after_break;
        const auto pm = sc.postmortem(id);
        EXPECT_EQ(pm["id"], id);
        EXPECT_EQ(pm["died"].get<std::int64_t>(), t);
        // Its production record is the marks' (bars with a return, compounded return).
        for (const auto& live : pm["live"]) {
          const auto r = session_returns(store, id, live["session"], 0, t);
          double total = 1;
          for (const double x : r) total *= 1 + x;
          EXPECT_EQ(live["bars"].get<std::size_t>(), r.size()) << id << " " << live.dump();
          EXPECT_NEAR(live["total_return"].get<double>(), total - 1, 1e-9) << id;
        }
        fmt::print("scenario post-mortem of {}: {}\n", id, pm.dump(2));
      }
    }
    if (reached_production) ++promoted_to_production;
  }
  for (const auto& [name, n] : per_state) fmt::print("scenario: {} {}\n", n, name);
  EXPECT_GE(promoted_to_production, 1);
  EXPECT_GE(decay_checked, 1);
  EXPECT_GE(retired_after_break, 1);

  // Marks continue to the end: the last production or paper mark is within a day of --until.
  std::int64_t last_mark = 0;
  for (const auto& s : sc.strategies()) {
    for (const auto& m : store.load_marks(s["id"].get<std::string>())) last_mark = std::max(last_mark, m.time);
  }
  EXPECT_GE(last_mark, sc.end - kScenarioDay);
}

}  // namespace
}  // namespace organism::test
#else
TEST(OrganismRunScenario, SixtyDaysLiveDecayAndDieAfterARegimeBreak) {
  GTEST_SKIP() << "organism run (daemon/organism_run.hpp) or the marks (lifecycle/postmortem.hpp) are not on this branch";
}
#endif

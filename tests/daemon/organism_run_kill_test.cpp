// The 60-day rehearsal with five kill -9 of `organism run` at seeded random moments, each followed
// by a restart on the same store: no cloid reaches the exchange twice (the simulator's order log),
// every strategy's events stay a legal chain with no repeated move, the events recorded before a
// kill are still there unchanged after it (lifecycle clocks are the events' market times), and the
// marks go on to the end.
#include <gtest/gtest.h>

#if __has_include("daemon/organism_run.hpp") && __has_include("lifecycle/postmortem.hpp")
#include <chrono>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>

#include "cli/background_organism.hpp"
#include "cli/trade_session_fixture.hpp"
#include "daemon/run_scenario_fixture.hpp"
#include "data/store.hpp"

namespace organism::test {
namespace {

// Every strategy's events, by id.
std::map<std::string, nlohmann::json> all_events(const Scenario& sc) {
  std::map<std::string, nlohmann::json> out;
  for (const auto& s : sc.strategies()) out[s["id"].get<std::string>()] = sc.history(s["id"].get<std::string>());
  return out;
}

// Whether the daemon printed its first bar line ("... equity ...", on stdout or stderr) within
// two minutes.
bool first_bar(BackgroundOrganism& run) {
  for (int ms = 0; ms < 120'000; ms += 20) {
    if (run.out().find("equity") != std::string::npos || run.err().find("equity") != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

TEST(OrganismRunKill, FiveKillsAndRestartsLoseNothingAndRepeatNothing) {
  Scenario sc;
  ASSERT_TRUE(sc.build());
  SimProcess sim(sc.sim_args(), sc.market);
  ASSERT_TRUE(sim.started()) << sim.err();

  std::mt19937 rng(22);
  // The replay lasts about 100 s of wall time; five kills within its first 80.
  std::uniform_int_distribution<int> wait_ms(6'000, 16'000);
  std::map<std::string, nlohmann::json> before;
  for (int kill = 0; kill < 5; ++kill) {
    BackgroundOrganism run(sc.run_args(sim.port()));
    // Up to the first closed bar of this process, then a random moment after it.
    ASSERT_TRUE(first_bar(run)) << run.err();
    std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms(rng)));
    run.signal(SIGKILL);
    EXPECT_EQ(run.collect().exit_code, 128 + SIGKILL) << "organism run ended before kill " << kill;
    // What was recorded before this kill is still there, unchanged, after every restart.
    const auto now = all_events(sc);
    for (const auto& [id, events] : before) {
      ASSERT_TRUE(now.count(id)) << id << " vanished after kill " << kill;
      ASSERT_GE(now.at(id).size(), events.size()) << id;
      for (std::size_t i = 0; i < events.size(); ++i) EXPECT_EQ(now.at(id)[i], events[i]) << id << " event " << i;
    }
    before = now;
  }
  BackgroundOrganism last(sc.run_args(sim.port()));
  const auto result = last.collect();
  ASSERT_EQ(result.exit_code, 0) << result.err.substr(result.err.size() > 4000 ? result.err.size() - 4000 : 0);

  // Nothing reached the exchange twice (under --fill bar the paper broker fills at the next open
  // itself, so the simulator's log holds only what a book fill or a live order would send).
  const auto sent = count_order_log(read_file(sc.order_log));
  EXPECT_TRUE(sent.repeated.empty()) << sent.repeated.size() << " cloids placed twice, e.g. "
                                     << (sent.repeated.empty() ? "" : sent.repeated[0]);
  // Never two orders for one intent: in both sessions' journals every order has its own cloid and
  // its own (strategy, coin, bar, leg), across the five kills and restarts.
  std::size_t journaled = 0;
  for (const auto& journal : {(sc.dir / "organism.paper-journal.db").string(), (sc.dir / "organism.journal.db").string()}) {
    if (!fs::exists(journal)) continue;
    std::set<std::string> cloids, intents;
    for (const auto& o : sc.json_of({"orders", "--all", "--json", "--db", sc.store, "--journal", journal})) {
      ++journaled;
      EXPECT_TRUE(cloids.insert(o["cloid"].get<std::string>()).second) << journal << ": cloid twice " << o.dump();
      const auto intent = fmt::format("{} {} {} {}", o["strategy"].get<std::string>(), o["coin"].get<std::string>(),
                                      o["bar_time"].get<std::int64_t>(), o["leg"].get<std::string>());
      EXPECT_TRUE(intents.insert(intent).second) << journal << ": two orders for one intent " << o.dump();
    }
  }
  EXPECT_GT(journaled, 0u);
  const auto events = all_events(sc);
  for (const auto& [id, list] : events) {
    EXPECT_EQ(chain_fault(id, list), "");
    const auto it = before.find(id);
    if (it == before.end()) continue;
    for (std::size_t i = 0; i < it->second.size(); ++i) EXPECT_EQ(list[i], it->second[i]) << id << " event " << i;
  }
  // Marks went on to the end of the replay across the restarts.
  auto store = data::Store::open_existing(sc.store);
  std::int64_t last_mark = 0;
  for (const auto& [id, list] : events) {
    for (const auto& m : store.load_marks(id)) last_mark = std::max(last_mark, m.time);
  }
  EXPECT_GE(last_mark, sc.end - kScenarioDay);
}

}  // namespace
}  // namespace organism::test
#else
TEST(OrganismRunKill, FiveKillsAndRestartsLoseNothingAndRepeatNothing) {
  GTEST_SKIP() << "organism run (daemon/organism_run.hpp) or the marks (lifecycle/postmortem.hpp) are not on this branch";
}
#endif

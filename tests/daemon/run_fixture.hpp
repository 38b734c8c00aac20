// `organism run` under test: the simulator on the real ETH 1h bars at --speed 0 (the test moves
// the market a bar at a time, so every bar the daemon sees is one the test chose), the daemon's
// store with 500 fetched bars and strategies put in it in the states a test needs
// (lifecycle::birth + transition), and the daemon as a background process.
// Used by run_command_test.cpp.
#pragma once

#include <signal.h>

#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/background_organism.hpp"
#include "cli/trade_session_fixture.hpp"
#include "data/store.hpp"
#include "lifecycle/lifecycle.hpp"
#include "runs/records.hpp"

namespace organism::test {

// Genomes that change their ETH target every few hourly bars (orders to look at).
inline constexpr const char* kGenomeA = R"({"family":"ema_cross","params":{"fast":2,"slow":3}})";
inline constexpr const char* kGenomeB = R"({"family":"ema_cross","params":{"fast":2,"slow":5}})";
inline constexpr const char* kGenomeC = R"({"family":"ema_cross","params":{"fast":10,"slow":40}})";

// Stores a strategy of a 1h ETH run and moves it to `state` (testing -> validated -> ...).
inline void put_strategy(const std::string& db, const std::string& id, const std::string& genome,
                         lifecycle::State state) {
  auto store = data::Store::open(db);
  if (!store.load_run("r-daemon-test")) {
    runs::UniverseSpec universe;
    universe.market.interval = "1h";
    universe.market.coins = {"ETH"};
    universe.market.venues = {"hyperliquid"};
    data::RunRecord run;
    run.id = "r-daemon-test";
    run.options = runs::to_json(runs::RunOptions{}).dump();
    run.universe = runs::to_json(universe).dump();
    run.status = "finished";
    store.save_run(run);
  }
  data::StrategyRecord record{id, std::string("r-daemon-test"), std::string("ema_cross"), genome, std::string("[]"),
                              std::string(R"({"in_sample":{}})"), std::string("testing"), std::string(), 0, 0, 0, {}};
  // Market times a few days before the simulator's first bar (the ETH 1h file from 2024-09-05,
  // replayed after 500 bars of history): the lifecycle's clocks are market time.
  constexpr core::TimeMs t0 = 1'727'000'000'000;  // 2024-09-22 10:13 UTC
  lifecycle::birth(store, record, t0, "test");
  lifecycle::transition(store, id, lifecycle::State::Validated, "test", "{}", t0 + 1'000);
  if (state == lifecycle::State::Validated) return;
  lifecycle::transition(store, id, lifecycle::State::Paper, "test", "{}", t0 + 2'000);
  if (state == lifecycle::State::Paper) return;
  lifecycle::transition(store, id, lifecycle::State::Production, "test", "{}", t0 + 3'000);
}

// The daemon's lines of one kind ("mark ", "bar ", ...), in order.
inline std::vector<std::string> lines_starting(const std::string& out, const std::string& prefix) {
  std::vector<std::string> lines;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(prefix, 0) == 0) lines.push_back(line);
  }
  return lines;
}

class RunFixture : public ::testing::Test {
 public:  // also used by the tests' helper functions
  void SetUp() override {
    if (eth_sim_store().empty()) GTEST_SKIP() << "needs ../shared";
    sim_ = std::make_unique<TradeSim>(dir_.path());
  }
  std::string db() const { return sim_->store(); }
  std::string paper_journal() const { return (dir_.path() / "t.paper-journal.db").string(); }
  std::vector<std::string> run_args(const std::vector<std::string>& extra = {}) const {
    std::vector<std::string> args{"--db", db(), "run", "--url", sim_->url(), "--capital", "10000"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }
  static std::vector<std::string> env(const std::vector<std::string>& extra = {}) {
    // The lifecycle's rules stay out of these tests' way (the strategies' states are the test's:
    // no promotion within 10 years of paper, no free paper slot for a validated one, no decay test that can fire on a few bars); the rules
    // are tested in lifecycle_scheduler_test.cpp and the scenario.
    std::vector<std::string> e{"ORGANISM_EVOLVE_COINS=ETH",          "ORGANISM_EVOLVE_INTERVAL=1h",
                               "ORGANISM_LIFECYCLE_PAPER_CAPITAL=5000", "ORGANISM_LIFECYCLE_BAR_WAIT_MS=20000",
                               "ORGANISM_LIFECYCLE_PAPER_DAYS=3650",    "ORGANISM_LIFECYCLE_DD_MULTIPLE=1000",
                               "ORGANISM_LIFECYCLE_CUSUM_H=100",        "ORGANISM_LIFECYCLE_MAX_PAPER=2",       "ORGANISM_LIFECYCLE_MIN_ROLLING_SHARPE=-100",
                               // Each daemon's API on a port of its own (tests run side by side).
                               "ORGANISM_API_LISTEN=127.0.0.1:0"};
    e.insert(e.end(), extra.begin(), extra.end());
    return e;
  }
  // One bar forward; waits for the daemon's "bar TIME" line of the bar that closed; its time.
  core::TimeMs drive_bar(BackgroundOrganism& daemon) {
    const auto market = sim_->advance_steps(12);
    const core::TimeMs closed = market - kHourMs;
    EXPECT_TRUE(daemon.wait_for_out("bar " + core::format_utc(closed) + " |"))
        << core::format_utc(closed) << "\n" << daemon.out() << daemon.err();
    return closed;
  }
  // The journal's orders (every one) or positions as JSON.
  nlohmann::json journal_json(const std::string& what, const std::string& journal = "") {
    std::vector<std::string> args{"--db", db(), what, "--json"};
    if (!journal.empty()) args.insert(args.end(), {"--journal", journal});  // empty: the production one
    if (what == "orders") args.push_back("--all");
    const auto r = run_organism(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.exit_code == 0 ? nlohmann::json::parse(r.out) : nlohmann::json::array();
  }

  TempDir dir_;
  std::unique_ptr<TradeSim> sim_;
};

}  // namespace organism::test

// `organism run` through the binary against `organism exchange-sim` on loopback (run_fixture.hpp):
// the one-instance lock, both sessions trading with marks at every bar and --until, SIGTERM (with
// and without lifecycle.flatten_on_stop), SIGHUP with a lowered risk limit, and a strategy moved
// out of its session while the daemon runs (closed to flat, then dropped).
#include <signal.h>

#include <chrono>
#include <cmath>
#include <set>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "daemon/run_fixture.hpp"

namespace organism::test {
namespace {

using lifecycle::State;

class RunCommand : public RunFixture {
 protected:
  void SetUp() override {
    RunFixture::SetUp();
    if (IsSkipped()) return;
    put_strategy(db(), "paper-a", kGenomeA, State::Paper);
    put_strategy(db(), "paper-b", kGenomeB, State::Paper);
    // The allocator gives this one a weight on the warm-up bars (ema 2/3 and 5/20 get none there).
    put_strategy(db(), "prod-c", kGenomeC, State::Production);
    put_strategy(db(), "valid-d", kGenomeA, State::Validated);  // traded by no session
  }
};

TEST_F(RunCommand, ASecondDaemonOnTheSameStoreExitsOneNamingTheHolder) {
  BackgroundOrganism first(run_args(), env());
  ASSERT_TRUE(first.wait_for_out("clock: 1h bars of ETH")) << first.out() << first.err();
  const auto second = run_organism(run_args(), env());
  EXPECT_EQ(second.exit_code, 1) << second.out << second.err;
  EXPECT_NE(second.err.find("in use by another `organism run` (pid " + std::to_string(first.pid()) + ";"),
            std::string::npos)
      << second.err;
  first.signal(SIGTERM);
  EXPECT_EQ(first.collect().exit_code, 0);
}

// Both sessions trade: orders in each journal from its own strategies, a mark for every traded
// strategy at every bar (returns chained from the equities), and --until stops at that bar.
TEST_F(RunCommand, BothSessionsTradeWithMarksAtEveryBarAndUntilStopsThere) {
  const auto start = sim_->advance_steps(0);
  const core::TimeMs until = start + 9 * kHourMs;  // the 10th bar that closes from here
  BackgroundOrganism daemon(run_args({"--until", core::format_utc(until)}), env());
  ASSERT_TRUE(daemon.wait_for_out("clock: 1h bars of ETH")) << daemon.out() << daemon.err();
  EXPECT_NE(daemon.out().find("session paper: start with 2 strategies (0 closing), capital 10000.00"), std::string::npos)
      << daemon.out();
  EXPECT_NE(daemon.out().find("session production: start with 1 strategies (0 closing), capital 10000.00"),
            std::string::npos)
      << daemon.out();
  std::vector<core::TimeMs> bars;
  for (int i = 0; i < 10; ++i) bars.push_back(drive_bar(daemon));
  ASSERT_EQ(bars.back(), until);
  const auto end = daemon.collect();
  EXPECT_EQ(end.exit_code, 0) << end.err;
  EXPECT_NE(end.out.find(fmt::format("stopped (until): {} closed bars, last {}", bars.size(), core::format_utc(until))),
            std::string::npos)
      << end.out;

  // Marks: one per traded strategy per bar, in its session; ret = equity / previous - 1.
  const auto marks = lines_starting(end.out, "mark ");
  EXPECT_EQ(marks.size(), 3 * bars.size()) << end.out;
  for (const auto& [id, session] : std::vector<std::pair<std::string, std::string>>{
           {"paper-a", "paper"}, {"paper-b", "paper"}, {"prod-c", "production"}}) {
    double previous = NAN;
    for (const auto t : bars) {
      const std::string prefix = fmt::format("mark {} {} {} equity ", id, session, core::format_utc(t));
      const auto it = std::find_if(marks.begin(), marks.end(), [&](const auto& l) { return l.rfind(prefix, 0) == 0; });
      ASSERT_NE(it, marks.end()) << prefix << "\n" << end.out;
      double equity = 0, gross = 0;
      char ret[32] = {};
      ASSERT_EQ(std::sscanf(it->c_str() + prefix.size(), "%lf ret %31s gross %lf", &equity, ret, &gross), 3) << *it;
      if (std::isnan(previous)) {
        EXPECT_STREQ(ret, "nan") << *it;  // the epoch's first bar
      } else {
        EXPECT_NEAR(std::stod(ret), equity / previous - 1, 1e-6) << *it;
      }
      previous = equity;
    }
  }
  EXPECT_EQ(end.out.find("valid-d"), std::string::npos);  // validated: traded by no session

  // Orders: each session's in its own journal, from its own strategies only.
  std::set<std::string> paper_ids, production_ids;
  for (const auto& o : journal_json("orders", paper_journal())) paper_ids.insert(o["strategy"].get<std::string>());
  for (const auto& o : journal_json("orders")) production_ids.insert(o["strategy"].get<std::string>());
  EXPECT_FALSE(paper_ids.empty()) << end.out;
  EXPECT_EQ(production_ids, std::set<std::string>{"prod-c"}) << end.out;
  for (const auto& id : paper_ids) EXPECT_TRUE(id == "paper-a" || id == "paper-b") << id;
  // A bar after --until is never decided.
  EXPECT_EQ(end.out.find(core::format_utc(until + kHourMs)), std::string::npos) << end.out;
}

// SIGTERM: exits 0 within a bar's time plus a margin, no open order in either journal, the last
// bar decided and stored; under lifecycle.flatten_on_stop every position is closed.
void sigterm_stops_cleanly(RunCommand& t, bool flatten) {
  BackgroundOrganism daemon(t.run_args(), RunFixture::env(flatten ? std::vector<std::string>{
                                                                        "ORGANISM_LIFECYCLE_FLATTEN_ON_STOP=1"}
                                                                  : std::vector<std::string>{}));
  ASSERT_TRUE(daemon.wait_for_out("clock: 1h bars of ETH")) << daemon.out() << daemon.err();
  core::TimeMs last = 0;
  bool holding = false;
  for (int i = 0; i < 24 && !(i >= 6 && holding); ++i) {
    last = t.drive_bar(daemon);
    // Held positions at the last bar: a mark with gross exposure > 0.
    holding = false;
    for (const auto& m : lines_starting(daemon.out(), "mark ")) {
      if (m.find(core::format_utc(last)) != std::string::npos && m.find("gross 0.0000") == std::string::npos)
        holding = true;
    }
  }
  ASSERT_TRUE(holding) << daemon.out();
  const auto asked = std::chrono::steady_clock::now();
  daemon.signal(SIGTERM);
  const auto end = daemon.collect();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - asked).count();
  EXPECT_EQ(end.exit_code, 0) << end.err;
  EXPECT_LT(seconds, 10.0) << end.out;
  EXPECT_NE(end.out.find("stopped (SIGTERM)"), std::string::npos) << end.out;
  for (const auto& journal : {t.paper_journal(), std::string()}) {
    for (const auto& o : t.journal_json("orders", journal)) {
      const std::string state = o["state"];
      EXPECT_TRUE(state == "filled" || state == "canceled" || state == "rejected" || state == "expired") << o.dump();
    }
    double held = 0;
    for (const auto& p : t.journal_json("positions", journal)) {
      if (!p["strategy"].get<std::string>().empty()) held += std::abs(std::stod(p["size"].get<std::string>()));
    }
    if (flatten) {
      EXPECT_EQ(held, 0) << journal;
    }
  }
  if (flatten) {
    EXPECT_NE(end.out.find("flattening (lifecycle.flatten_on_stop)"), std::string::npos) << end.out;
    EXPECT_NE(end.out.find("flat"), std::string::npos) << end.out;
  } else {
    EXPECT_EQ(end.out.find("flatten"), std::string::npos) << end.out;
  }
  // The last bar was decided before the stop (its status line).
  EXPECT_NE(end.out.find("production: " + core::format_utc(last) + " equity"), std::string::npos) << end.out;
}

TEST_F(RunCommand, SigtermStopsWithinABarLeavingNoOpenOrder) { sigterm_stops_cleanly(*this, false); }
TEST_F(RunCommand, SigtermWithFlattenOnStopLeavesNoPosition) { sigterm_stops_cleanly(*this, true); }

// SIGHUP with risk.max_order_notional lowered in the config file: the log names the change, and
// every order after it respects the new limit.
TEST_F(RunCommand, SighupReloadsTheConfigAndTheNewLimitHolds) {
  const std::string config = (dir_.path() / "organism.toml").string();
  write_file(config, "[risk]\nmax_order_notional = 1000000\n");
  auto args = run_args();
  args.insert(args.begin(), {"--config", config});
  BackgroundOrganism daemon(args, env());
  ASSERT_TRUE(daemon.wait_for_out("clock: 1h bars of ETH")) << daemon.out() << daemon.err();
  for (int i = 0; i < 3; ++i) drive_bar(daemon);
  write_file(config, "[risk]\nmax_order_notional = 700\n");
  const auto reloaded_at = sim_->advance_steps(0);
  daemon.signal(SIGHUP);
  ASSERT_TRUE(daemon.wait_for_out("SIGHUP: configuration reloaded, 1 keys changed: risk.max_order_notional = 700"))
      << daemon.out() << daemon.err();
  ASSERT_TRUE(daemon.wait_for_out("session production: start with 1 strategies (0 closing), capital 10000.00 (SIGHUP"))
      << daemon.out();
  for (int i = 0; i < 12; ++i) drive_bar(daemon);
  daemon.signal(SIGTERM);
  const auto end = daemon.collect();
  EXPECT_EQ(end.exit_code, 0) << end.err;
  // Every bar decided by both sessions, the restart included (no bar lost to the warm-up).
  EXPECT_EQ(end.out.find("not decided"), std::string::npos) << end.out;
  // The pre-trade check cut orders to the new limit after the reload, never before it.
  const auto reload_line = end.out.find("SIGHUP: configuration reloaded");
  ASSERT_NE(reload_line, std::string::npos);
  EXPECT_EQ(end.out.substr(0, reload_line).find("max order notional"), std::string::npos) << end.out;
  EXPECT_NE(end.out.find("max order notional", reload_line), std::string::npos) << end.out;
  // Orders decided after it: an opening order is at most $700 at the mark, and the journal's
  // price is the IOC's collar (1 % beyond the mark); a closing one may be larger (reduce-only).
  int within = 0;
  for (const auto& journal : {paper_journal(), std::string()}) {
    for (const auto& o : journal_json("orders", journal)) {
      if (o["bar_time"].get<std::int64_t>() < reloaded_at) continue;
      const double notional = std::stod(o["size"].get<std::string>()) * std::stod(o["price"].get<std::string>());
      if (notional <= 700 * 1.0101) ++within;
    }
  }
  EXPECT_GT(within, 0) << end.out;
}

// A production strategy retired in the store while the daemon runs (as the scheduler would): its
// session restarts with it as a closing slot, its position goes to 0, then it is dropped.
TEST_F(RunCommand, ARetiredStrategyIsClosedThenDropped) {
  BackgroundOrganism daemon(run_args(), env());
  ASSERT_TRUE(daemon.wait_for_out("clock: 1h bars of ETH")) << daemon.out() << daemon.err();
  bool holding = false;
  for (int i = 0; i < 24 && !holding; ++i) {
    const auto t = drive_bar(daemon);
    for (const auto& m : lines_starting(daemon.out(), "mark prod-c production " + core::format_utc(t))) {
      holding = m.find("gross 0.0000") == std::string::npos;
    }
  }
  ASSERT_TRUE(holding) << daemon.out();
  {
    auto store = data::Store::open(db());
    lifecycle::transition(store, "prod-c", State::Retired, "test: retired by hand", "{}", 5'000);
  }
  const auto retired_bar = drive_bar(daemon);
  EXPECT_TRUE(daemon.wait_for_out("session production: start with 1 strategies (1 closing)")) << daemon.out();
  core::TimeMs flat_bar = -1;
  for (int i = 0; i < 4 && flat_bar < 0; ++i) {
    const auto t = drive_bar(daemon);
    for (const auto& m : lines_starting(daemon.out(), "mark prod-c production " + core::format_utc(t))) {
      if (m.find("gross 0.0000") != std::string::npos) flat_bar = t;
    }
  }
  ASSERT_GT(flat_bar, retired_bar) << daemon.out();
  EXPECT_TRUE(daemon.wait_for_out("session production: no strategies")) << daemon.out();
  const auto after_drop = drive_bar(daemon);
  EXPECT_EQ(daemon.out().find("mark prod-c production " + core::format_utc(after_drop)), std::string::npos);
  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.collect().exit_code, 0);
  double held = 0;
  for (const auto& p : journal_json("positions")) {
    if (p["strategy"] == "prod-c") held += std::abs(std::stod(p["size"].get<std::string>()));
  }
  EXPECT_EQ(held, 0);
  // Its status lines said it was closing.
  bool said_closing = false;
  for (const auto& line : lines_starting(daemon.out(), "production: ")) {
    said_closing = said_closing || (line.find("prod-c") != std::string::npos && line.find(" closing") != std::string::npos);
  }
  EXPECT_TRUE(said_closing) << daemon.out();
}

}  // namespace
}  // namespace organism::test

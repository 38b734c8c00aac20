// The emergency tools through the binary, against `organism exchange-sim --speed 0`: a trader
// killed with -9 leaves a position and resting orders; `organism flatten` cancels and closes them
// (the simulator's clearinghouseState and openOrders say so), and a second flatten is a no-op.
// With the trading journal beside the store, flatten halts first and closes the strategy's book
// through the journal: the books are flat, `risk status` says HALTED (manual), a restarted trader
// sends nothing until `organism risk resume`. And the dead man's switch: a killed trader's resting
// orders are canceled by the simulator itself within risk.dead_man_seconds.
#include <signal.h>

#include <chrono>
#include <cmath>
#include <memory>
#include <string>
#include <vector>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/background_organism.hpp"
#include "cli/trade_session_fixture.hpp"

namespace organism::test {
namespace {

std::vector<std::string> trade_args(const TradeSim& sim, const std::string& genome, const std::string& fallback_ms) {
  return {"--db", sim.store(), "trade", "--strategies", genome, "--coins", "ETH", "--interval", "1h",
          "--url", sim.url(), "--key-file", sim.key_file(), "--capital", "10000", "--poll-ms", "300",
          "--style", "post_only", "--fallback-ms", fallback_ms};
}

// Whether this build knows the risk.* keys (they land with the risk limits of issue 20).
bool risk_keys_known() {
  const auto shown = run_organism({"config", "show"});
  return shown.out.find("risk.dead_man_seconds") != std::string::npos;
}

TEST(Flatten, AfterAKilledTraderLeavesNoPositionAndNoOpenOrder) {
  if (eth_sim_store().empty()) GTEST_SKIP() << "needs ../shared";
  TempDir dir;
  TradeSim sim(dir.path());
  const std::string genome = (dir.path() / "g.json").string();
  write_file(genome, kBusyGenome);
  const std::string address = TestSigner(0).address();

  // Post-only orders rest; after 1 s unfilled they go taker, which builds the position. Bars go by
  // until the account holds both.
  BackgroundOrganism trader(trade_args(sim, genome, "1000"));
  ASSERT_TRUE(trader.wait_for_out("trading 1 strategies")) << trader.out() << trader.err();
  bool ready = false;
  for (int bar = 0; bar < 12 && !ready; ++bar) {
    const std::string line = sim.advance_bar();
    ASSERT_TRUE(trader.wait_for_out(line)) << trader.out() << trader.err();
    ready = sim.eth_position(address) != 0 && !sim.open_orders(address).empty();
    if (!ready) std::this_thread::sleep_for(std::chrono::milliseconds(2000));
  }
  ASSERT_TRUE(ready) << "no position with resting orders after 12 bars\n" << trader.out();
  trader.signal(SIGKILL);
  trader.collect();
  const double position = sim.eth_position(address);
  const std::size_t resting = sim.open_orders(address).size();
  ASSERT_NE(position, 0);
  ASSERT_GT(resting, 0u);

  const auto flat = run_organism({"flatten", "--url", sim.url(), "--key-file", sim.key_file()});
  EXPECT_EQ(flat.exit_code, 0) << flat.out << flat.err;
  EXPECT_EQ(sim.eth_position(address), 0);
  EXPECT_TRUE(sim.open_orders(address).empty());
  EXPECT_NE(flat.out.find(fmt::format("account {}: {} orders canceled, 1 closing orders in 1 rounds", address,
                                      resting)),
            std::string::npos)
      << flat.out;
  EXPECT_NE(flat.out.find("flat: no position, no open order"), std::string::npos) << flat.out;
  // The close is one reduce-only IOC of the whole position, on the other side: the order log's
  // last line.
  const auto log = sim.order_log();
  const auto last_line = log.substr(log.rfind('\n', log.size() - 2) + 1);
  const auto close = nlohmann::json::parse(last_line);
  EXPECT_EQ(close.at("side").get<std::string>(), position > 0 ? "A" : "B") << last_line;
  // The log's sizes are exact units of 1e-8.
  EXPECT_EQ(close.at("sz").get<std::int64_t>(), std::llround(std::fabs(position) * 1e8)) << last_line;
  EXPECT_EQ(close.at("status").get<std::string>(), "filled") << last_line;

  // Already flat: nothing to do, exit 0.
  const auto again = run_organism({"flatten", "--url", sim.url(), "--key-file", sim.key_file(), "--coins", "ETH"});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_NE(again.out.find("0 orders canceled, 0 closing orders in 0 rounds"), std::string::npos) << again.out;
  EXPECT_EQ(count_order_log(sim.order_log()).orders, count_order_log(log).orders);
}

// The trader's journal positions, per strategy (the "(account)" rows left out).
std::vector<nlohmann::json> strategy_rows(const TradeSim& sim) {
  const auto r = run_organism({"--db", sim.store(), "positions", "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<nlohmann::json> rows;
  for (const auto& p : nlohmann::json::parse(r.out))
    if (!p.at("strategy").get<std::string>().empty()) rows.push_back(p);
  return rows;
}

TEST(Flatten, ThroughTheJournalHaltsAndLeavesTheStrategiesBooksFlat) {
  if (eth_sim_store().empty()) GTEST_SKIP() << "needs ../shared";
  TempDir dir;
  TradeSim sim(dir.path());
  const std::string genome = (dir.path() / "g.json").string();
  write_file(genome, kBusyGenome);
  const std::string address = TestSigner(0).address();

  auto trader = std::make_unique<BackgroundOrganism>(trade_args(sim, genome, "1000"));
  ASSERT_TRUE(trader->wait_for_out("trading 1 strategies")) << trader->out() << trader->err();
  bool ready = false;
  for (int bar = 0; bar < 12 && !ready; ++bar) {
    const std::string line = sim.advance_bar();
    ASSERT_TRUE(trader->wait_for_out(line)) << trader->out() << trader->err();
    ready = sim.eth_position(address) != 0 && !sim.open_orders(address).empty();
    if (!ready) std::this_thread::sleep_for(std::chrono::milliseconds(2000));
  }
  ASSERT_TRUE(ready) << "no position with resting orders after 12 bars\n" << trader->out();
  trader->signal(SIGKILL);
  trader->collect();
  const double position = sim.eth_position(address);
  ASSERT_NE(position, 0);
  const auto held = strategy_rows(sim);
  ASSERT_EQ(held.size(), 1u);
  const std::string strategy = held[0].at("strategy").get<std::string>();

  // The journal beside the store (--db): halted, its resting orders canceled, the strategy's
  // position closed by one journaled reduce-only order; the sweep finds nothing left.
  const auto flat = run_organism({"--db", sim.store(), "flatten", "--url", sim.url(), "--key-file", sim.key_file()});
  ASSERT_EQ(flat.exit_code, 0) << flat.out << flat.err;
  EXPECT_NE(flat.out.find(": HALTED by manual (halt command #1)"), std::string::npos) << flat.out;
  EXPECT_NE(flat.out.find("1 closing orders in 1 rounds; strategies' books flat"), std::string::npos) << flat.out;
  EXPECT_NE(flat.out.find(fmt::format("account {}: 0 orders canceled, 0 closing orders in 0 rounds", address)),
            std::string::npos)
      << flat.out;
  EXPECT_EQ(sim.eth_position(address), 0);
  EXPECT_TRUE(sim.open_orders(address).empty());
  const auto log = sim.order_log();
  const auto close = nlohmann::json::parse(log.substr(log.rfind('\n', log.size() - 2) + 1));
  EXPECT_EQ(close.at("side").get<std::string>(), position > 0 ? "A" : "B") << close.dump();
  EXPECT_EQ(close.at("sz").get<std::int64_t>(), std::llround(std::fabs(position) * 1e8)) << close.dump();
  EXPECT_EQ(close.at("status").get<std::string>(), "filled") << close.dump();

  // The books: the strategy's position is 0 (the close was booked against it, not as a foreign fill).
  const auto after = strategy_rows(sim);
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].at("strategy").get<std::string>(), strategy);
  EXPECT_EQ(std::stod(after[0].at("size").get<std::string>()), 0.0) << after[0].dump();
  const auto status = nlohmann::json::parse(run_organism({"--db", sim.store(), "risk", "status", "--json"}).out);
  EXPECT_EQ(status.at("state"), "HALTED") << status.dump();
  EXPECT_EQ(status.at("reason"), "manual") << status.dump();

  // A restarted trader starts HALTED and sends nothing over a bar.
  const auto orders_before = count_order_log(sim.order_log()).orders;
  trader = std::make_unique<BackgroundOrganism>(trade_args(sim, genome, "1000"));
  ASSERT_TRUE(trader->wait_for_out("risk: state HALTED restored from the journal")) << trader->out() << trader->err();
  ASSERT_TRUE(trader->wait_for_out(sim.advance_bar())) << trader->out() << trader->err();
  EXPECT_EQ(count_order_log(sim.order_log()).orders, orders_before);

  // Resumed, it trades again within a few bars (this genome trades on most bars).
  ASSERT_EQ(run_organism({"--db", sim.store(), "risk", "resume"}).exit_code, 0);
  ASSERT_TRUE(trader->wait_for_out("risk: command resume")) << trader->out();
  bool traded = false;
  for (int bar = 0; bar < 6 && !traded; ++bar) {
    ASSERT_TRUE(trader->wait_for_out(sim.advance_bar())) << trader->out() << trader->err();
    traded = count_order_log(sim.order_log()).orders > orders_before;
  }
  EXPECT_TRUE(traded) << trader->out();
  EXPECT_TRUE(count_order_log(sim.order_log()).repeated.empty());
  trader->signal(SIGTERM);
  EXPECT_EQ(trader->collect().exit_code, 0) << trader->err();
}

TEST(Flatten, AJournalGivenThatDoesNotExistIsAnError) {
  TempDir dir;
  write_file(dir.path() / "key", vector_keys().at(0));
  chmod((dir.path() / "key").c_str(), 0600);
  const std::string missing = (dir.path() / "nope.journal.db").string();
  const auto r = run_organism({"flatten", "--url", "http://127.0.0.1:9", "--key-file", (dir.path() / "key").string(),
                               "--journal", missing});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("--journal " + missing + ": no such file"), std::string::npos) << r.err;
}

TEST(Flatten, RefusesANonLoopbackUrlWithoutNetwork) {
  TempDir dir;
  write_file(dir.path() / "key", vector_keys().at(0));
  chmod((dir.path() / "key").c_str(), 0600);
  const auto r = run_organism({"flatten", "--url", "https://api.hyperliquid.xyz", "--key-file",
                               (dir.path() / "key").string()});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("--network"), std::string::npos) << r.err;
}

TEST(DeadManSwitch, TheSimulatorCancelsAKilledTradersOrdersByItself) {
  if (eth_sim_store().empty()) GTEST_SKIP() << "needs ../shared";
  if (!risk_keys_known()) GTEST_SKIP() << "risk.dead_man_seconds is not a config key in this build yet";
  TempDir dir;
  TradeSim sim(dir.path());
  const std::string genome = (dir.path() / "g.json").string();
  write_file(genome, kBusyGenome);
  const std::string address = TestSigner(0).address();

  // The shortest switch (10 s); post-only orders that never go taker, so they rest.
  BackgroundOrganism trader(trade_args(sim, genome, "600000"), {"ORGANISM_RISK_DEAD_MAN_SECONDS=10"});
  ASSERT_TRUE(trader.wait_for_out("dead man's switch armed")) << trader.out() << trader.err();
  nlohmann::json open;
  for (int bar = 0; bar < 12 && open.empty(); ++bar) {
    const std::string line = sim.advance_bar();
    ASSERT_TRUE(trader.wait_for_out(line)) << trader.out() << trader.err();
    open = sim.open_orders(address);
  }
  ASSERT_FALSE(open.empty()) << trader.out();
  trader.signal(SIGKILL);
  const auto killed_at = std::chrono::steady_clock::now();
  trader.collect();

  // The last refresh was at most 10 s / 3 before the kill: the switch fires between 6.7 s and
  // 10 s after it. At 5 s the orders still rest; at 11 s they are gone, canceled by the
  // simulator's dead man's switch, with nothing but these reads touching it.
  std::this_thread::sleep_until(killed_at + std::chrono::milliseconds(5'000));
  EXPECT_EQ(sim.open_orders(address).size(), open.size());
  std::this_thread::sleep_until(killed_at + std::chrono::milliseconds(11'000));
  EXPECT_TRUE(sim.open_orders(address).empty());
  for (const auto& order : open) {
    const auto status = sim.info(R"({"type":"orderStatus","user":")" + address +
                                 "\",\"oid\":" + std::to_string(order.at("oid").get<std::uint64_t>()) + "}");
    EXPECT_EQ(status.at("order").at("status"), "scheduledCancel") << status.dump();
  }
}

}  // namespace
}  // namespace organism::test

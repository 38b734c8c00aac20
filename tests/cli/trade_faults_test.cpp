// `organism trade` against a simulator that misbehaves while it trades: WebSocket connections
// dropped every second (the bar stream reconnects and the session reconciles each time), every
// HTTP reply delayed, HTTP 5xx answers, and a spell of refused orders. No cloid reaches the
// exchange twice, every journaled order ends final, and the journal's account position equals the
// exchange's at the end.
#include <signal.h>

#include <chrono>
#include <set>
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/background_organism.hpp"
#include "cli/trade_session_fixture.hpp"

namespace organism::test {
namespace {

constexpr const char* kBusyGenome = R"({"family":"ema_cross","params":{"fast":2,"slow":3}})";

TEST(TradeFaults, DroppedFeedsDelays5xxAndRefusalsLeaveNoDuplicateAndAgreeingBooks) {
  if (eth_sim_store().empty() || vector_keys().empty()) GTEST_SKIP() << "needs ../shared";
  TempDir dir;
  TradeSim sim(dir.path());
  const std::string genome = (dir.path() / "g.json").string();
  write_file(genome, kBusyGenome);
  const std::vector<std::string> args{"--db", sim.store(), "trade", "--strategies", genome, "--coins", "ETH",
                                      "--interval", "1h", "--url", sim.url(), "--key-file", sim.key_file(),
                                      "--capital", "10000", "--poll-ms", "500", "--expiry-ms", "3000"};
  BackgroundOrganism trader(args);
  ASSERT_TRUE(trader.wait_for_out("trading 1 strategies")) << trader.out() << trader.err();
  sim.control(R"({"type":"fault","fault":"dropWs","everySeconds":1})");
  sim.control(R"({"type":"fault","fault":"delay","ms":150})");
  sim.control(R"({"type":"fault","fault":"http5xx","count":1,"everySeconds":2})");
  constexpr int kBars = 24;
  for (int bar = 0; bar < kBars; ++bar) {
    if (bar == 8) sim.control(R"({"type":"fault","fault":"rejectOrders","seconds":2})");
    const std::string line = sim.advance_bar();
    ASSERT_TRUE(trader.wait_for_out(line)) << "bar " << bar << "\n" << trader.out() << trader.err();
  }
  sim.control(R"({"type":"fault","fault":"none"})");
  // Time for unknown outcomes to be looked up or expire (--expiry-ms 3000, polled every 500 ms).
  std::this_thread::sleep_for(std::chrono::milliseconds(4500));
  trader.signal(SIGTERM);
  const auto end = trader.collect();
  EXPECT_EQ(end.exit_code, 0) << end.err;
  EXPECT_NE(end.out.find("reconnect"), std::string::npos) << "the feed was never dropped:\n" << end.out;
  EXPECT_NE(end.out.find("reconciled:"), std::string::npos) << end.out;

  const auto log = count_order_log(sim.order_log());
  EXPECT_GE(log.orders, 5) << "the genome must trade for the test to mean anything\n" << end.out;
  EXPECT_TRUE(log.repeated.empty()) << fmt::format("{} cloids placed twice", log.repeated.size());

  // Every journaled order is final, and the journal's account position is the exchange's.
  const auto open = run_organism({"--db", sim.store(), "orders", "--json"});
  ASSERT_EQ(open.exit_code, 0) << open.err;
  EXPECT_EQ(nlohmann::json::parse(open.out).size(), 0u) << open.out;
  const auto positions = run_organism({"--db", sim.store(), "positions", "--json"});
  ASSERT_EQ(positions.exit_code, 0) << positions.err;
  double journal_position = 0;
  for (const auto& p : nlohmann::json::parse(positions.out)) {
    if (p["strategy"] == "" && p["coin"] == "ETH") journal_position = std::stod(p["size"].get<std::string>());
  }
  EXPECT_EQ(journal_position, sim.eth_position(TestSigner(0).address())) << positions.out;
  // Each order the simulator accepted is in the journal with the same cloid.
  const auto all = run_organism({"--db", sim.store(), "orders", "--all", "--json", "--limit", "100000"});
  std::set<std::string> journaled;
  for (const auto& o : nlohmann::json::parse(all.out)) journaled.insert(o["cloid"].get<std::string>());
  std::istringstream lines(sim.order_log());
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    EXPECT_TRUE(journaled.contains(nlohmann::json::parse(line)["cloid"].get<std::string>())) << line;
  }
}

}  // namespace
}  // namespace organism::test

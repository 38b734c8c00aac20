// The crash test of issue 19: `organism trade` against the simulator at --speed 0, killed with
// SIGKILL at 20 seeded random moments of a trading run and restarted each time. After every bar
// the exchange's ETH position equals that of a run never killed, and the simulator's order log
// holds no cloid twice.
#include <signal.h>

#include <algorithm>
#include <memory>
#include <random>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/background_organism.hpp"
#include "cli/trade_session_fixture.hpp"

namespace organism::test {
namespace {

// A genome that trades on most bars of this data (ema_cross 2/3), so the test cannot pass flat.
constexpr const char* kBusyGenome = R"({"family":"ema_cross","params":{"fast":2,"slow":3}})";
constexpr int kBars = 40;
constexpr int kKills = 20;

struct RunTrace {
  std::vector<double> positions;  // after each bar
  OrderLogCount log;
  std::vector<std::string> kill_notes;
  std::string output;  // the killed traders' stdout and stderr
};

std::vector<std::string> trade_args(const TradeSim& sim, const std::string& genome) {
  return {"--db", sim.store(), "trade", "--strategies", genome, "--coins", "ETH", "--interval", "1h",
          "--url", sim.url(), "--key-file", sim.key_file(), "--capital", "10000", "--poll-ms", "300",
          "--expiry-ms", "1000"};
}

// True once the journal holds no open order (within 10 s).
bool no_open_orders(const std::string& store) {
  for (int waited = 0; waited < 10'000; waited += 100) {
    const auto open = run_organism({"--db", store, "orders", "--json"});
    if (open.exit_code == 0 && nlohmann::json::parse(open.out).empty()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

// Trades kBars bars; with `kill_at` (bar indexes), SIGKILLs the trader a random 0-300 ms after
// that bar's advance and starts it again at once.
RunTrace trade_run(const std::set<int>& kill_at, std::uint32_t seed) {
  TempDir dir;
  TradeSim sim(dir.path());
  const std::string genome = (dir.path() / "g.json").string();
  write_file(genome, kBusyGenome);
  const std::string address = TestSigner(0).address();
  std::mt19937 rng(seed);
  // A decision takes a few ms after the bar reaches the trader: half the kills come within 5 ms
  // of the advance (mid-decision), the others within 300 ms.
  std::uniform_int_distribution<int> delay_us(0, 300'000), early_us(0, 5'000);

  RunTrace trace;
  auto trader = std::make_unique<BackgroundOrganism>(trade_args(sim, genome));
  EXPECT_TRUE(trader->wait_for_out("trading 1 strategies")) << trader->out() << trader->err();
  for (int bar = 0; bar < kBars; ++bar) {
    const std::string line = sim.advance_bar();
    if (kill_at.contains(bar)) {
      std::this_thread::sleep_for(std::chrono::microseconds(bar % 2 == 0 ? early_us(rng) : delay_us(rng)));
      trader->signal(SIGKILL);
      const bool decided = trader->out().find(line) != std::string::npos;
      const auto killed = trader->collect();
      trace.output += killed.out + killed.err;
      trace.kill_notes.push_back(fmt::format("bar {}: killed {} the decision", bar, decided ? "after" : "before/during"));
      trader = std::make_unique<BackgroundOrganism>(trade_args(sim, genome));
    }
    EXPECT_TRUE(trader->wait_for_out(line)) << "bar " << bar << " (" << line << ")\n" << trader->out() << trader->err();
    // A kill between journaling an order and sending it leaves it "sent" with no answer: the
    // restarted trader waits out its expiresAfter (+ the 2 s margin), finds it nowhere and places
    // the decision again under the resend cloid. The position is read once nothing is open.
    EXPECT_TRUE(no_open_orders(sim.store())) << "bar " << bar << ": orders still open\n" << trader->out();
    trace.positions.push_back(sim.eth_position(address));
  }
  trader->signal(SIGTERM);
  const auto end = trader->collect();
  EXPECT_EQ(end.exit_code, 0) << end.err;
  trace.log = count_order_log(sim.order_log());
  // The key's hex (with or without 0x) is in no output of the trader and no file but the key's.
  std::string everything = trace.output + end.out + end.err;
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    if (entry.path() != sim.key_file()) everything += read_file(entry.path());
  }
  EXPECT_EQ(everything.find(vector_keys().at(0).substr(2)), std::string::npos);
  return trace;
}

TEST(TradeCrash, PositionsAfterTwentyKillsEqualARunNeverKilled) {
  if (eth_sim_store().empty() || vector_keys().empty()) GTEST_SKIP() << "needs ../shared";
  const auto reference = trade_run({}, 0);
  ASSERT_EQ(reference.positions.size(), static_cast<std::size_t>(kBars));
  EXPECT_GE(reference.log.orders, 10) << "the genome must trade for the test to mean anything";
  // Positions must be read for real (a flat reading everywhere would make the comparison vacuous).
  const auto held = std::count_if(reference.positions.begin(), reference.positions.end(), [](double p) { return p != 0; });
  EXPECT_GE(held, kBars / 4) << "the reference held a position on too few bars";
  std::printf("reference held a position after %ld of %d bars\n", static_cast<long>(held), kBars);
  EXPECT_TRUE(reference.log.repeated.empty());

  std::mt19937 rng(19);
  std::vector<int> bars(kBars);
  for (int i = 0; i < kBars; ++i) bars[static_cast<std::size_t>(i)] = i;
  std::shuffle(bars.begin(), bars.end(), rng);
  const std::set<int> kill_at(bars.begin(), bars.begin() + kKills);

  const auto killed = trade_run(kill_at, 7);
  std::printf("reference: %lld orders; killed run: %lld orders\n", static_cast<long long>(reference.log.orders),
              static_cast<long long>(killed.log.orders));
  for (const auto& note : killed.kill_notes) std::printf("%s\n", note.c_str());
  ASSERT_EQ(killed.positions.size(), reference.positions.size());
  for (std::size_t i = 0; i < reference.positions.size(); ++i) {
    EXPECT_EQ(killed.positions[i], reference.positions[i]) << "bar " << i << (kill_at.contains(static_cast<int>(i)) ? " (killed)" : "");
  }
  EXPECT_TRUE(killed.log.repeated.empty()) << fmt::format("{} cloids placed twice, first {}", killed.log.repeated.size(),
                                                          killed.log.repeated.front());
}

}  // namespace
}  // namespace organism::test

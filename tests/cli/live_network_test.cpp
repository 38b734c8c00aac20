// `organism trade --network testnet|mainnet` through the binary: refused (exit 2) without explicit
// risk limits, naming them; refused without a terminal unless --yes-live; and with both, trading
// against `organism exchange-sim --testnet` standing in for the network (--url on loopback).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/background_organism.hpp"
#include "cli/trade_session_fixture.hpp"

namespace organism::test {
namespace {

// The five limits a real network needs, set explicitly through the environment.
const std::vector<std::string> kLimitsEnv{"ORGANISM_RISK_MAX_DRAWDOWN=0.1", "ORGANISM_RISK_DAILY_LOSS=0.05",
                                          "ORGANISM_RISK_MAX_ORDER_NOTIONAL=20000",
                                          "ORGANISM_RISK_MAX_POSITION_NOTIONAL=20000", "ORGANISM_RISK_MAX_LEVERAGE=3"};

bool risk_keys_known() {
  return run_organism({"config", "show"}).out.find("risk.max_drawdown") != std::string::npos;
}

struct Files {
  TempDir dir;
  std::string genome = (dir.path() / "g.json").string();
  std::string key = (dir.path() / "key").string();
  std::string store = (dir.path() / "t.db").string();
  Files() {
    write_file(genome, kBusyGenome);
    write_file(key, vector_keys().at(0));
    chmod(key.c_str(), 0600);
  }
  std::vector<std::string> trade(const std::string& url, const std::vector<std::string>& more = {}) const {
    std::vector<std::string> args{"--db", store, "trade", "--strategies", genome, "--coins", "ETH", "--interval",
                                  "1h", "--network", "testnet", "--url", url, "--key-file", key};
    args.insert(args.end(), more.begin(), more.end());
    return args;
  }
};

TEST(LiveNetwork, RefusedWithoutExplicitLimitsNamingThem) {
  Files f;
  const auto r = run_organism(f.trade("http://127.0.0.1:9", {"--yes-live"}));
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  for (const char* key : {"risk.max_drawdown", "risk.daily_loss", "risk.max_order_notional",
                          "risk.max_position_notional", "risk.max_leverage"}) {
    EXPECT_NE(r.err.find(key), std::string::npos) << key << "\n" << r.err;
  }
  EXPECT_EQ(r.out.find("LIVE TRADING"), std::string::npos) << r.out;
}

TEST(LiveNetwork, RefusesAnUnknownNetworkAndAForeignUrl) {
  Files f;
  auto args = f.trade("http://127.0.0.1:9");
  args[10] = "devnet";  // --network's value
  const auto unknown = run_organism(args);
  EXPECT_EQ(unknown.exit_code, 2) << unknown.err;
  EXPECT_NE(unknown.err.find("--network 'devnet': testnet or mainnet"), std::string::npos) << unknown.err;
  const auto foreign = run_organism(f.trade("https://example.com"));
  EXPECT_EQ(foreign.exit_code, 2) << foreign.err;
  EXPECT_NE(foreign.err.find("https://api.hyperliquid-testnet.xyz"), std::string::npos) << foreign.err;
  // Without --network, a real URL is refused as before.
  const auto plain = run_organism({"--db", f.store, "trade", "--strategies", f.genome, "--coins", "ETH", "--interval",
                                   "1h", "--url", "testnet", "--key-file", f.key});
  EXPECT_EQ(plain.exit_code, 2) << plain.err;
  EXPECT_NE(plain.err.find("without --network testnet|mainnet"), std::string::npos) << plain.err;
}

TEST(LiveNetwork, WithoutATerminalNeedsYesLive) {
  if (!risk_keys_known()) GTEST_SKIP() << "the risk.* keys are not config keys in this build yet";
  Files f;
  const auto r = run_organism(f.trade("http://127.0.0.1:9"), kLimitsEnv);
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("stdin is not a terminal"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--yes-live"), std::string::npos) << r.err;
  // The summary it would have confirmed: network, account, strategies and the limits.
  EXPECT_NE(r.out.find("LIVE TRADING on testnet (http://127.0.0.1:9)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("risk.max_drawdown = 0.1 (env ORGANISM_RISK_MAX_DRAWDOWN)"), std::string::npos) << r.out;
}

TEST(LiveNetwork, WithLimitsAndYesLiveTradesOnTheTestnetSimulator) {
  if (eth_sim_store().empty()) GTEST_SKIP() << "needs ../shared";
  if (!risk_keys_known()) GTEST_SKIP() << "the risk.* keys are not config keys in this build yet";
  TempDir dir;
  TradeSim sim(dir.path(), {"--testnet"});
  write_file(dir.path() / "g.json", kBusyGenome);
  const std::string address = TestSigner(0).address();
  BackgroundOrganism trader({"--db", sim.store(), "trade", "--strategies", (dir.path() / "g.json").string(), "--coins",
                             "ETH", "--interval", "1h", "--network", "testnet", "--url", sim.url(), "--key-file",
                             sim.key_file(), "--capital", "10000", "--poll-ms", "300", "--yes-live", "--bars", "8"},
                            kLimitsEnv);
  ASSERT_TRUE(trader.wait_for_out("trading 1 strategies")) << trader.out() << trader.err();
  for (int bar = 0; bar < 8; ++bar) {
    const std::string line = sim.advance_bar();
    ASSERT_TRUE(trader.wait_for_out(line)) << trader.out() << trader.err();
  }
  const auto done = trader.collect();
  EXPECT_EQ(done.exit_code, 0) << done.out << done.err;
  EXPECT_NE(done.out.find("LIVE TRADING on testnet"), std::string::npos) << done.out;
  EXPECT_NE(done.out.find("reconciled:"), std::string::npos) << done.out;
  EXPECT_NE(done.out.find("stopped (bars): 8 bars"), std::string::npos) << done.out;
  // Signed on the testnet chain: the simulator (--testnet) credits the orders to the key's own
  // account; a mainnet signature would have acted for some other address.
  const auto log = count_order_log(sim.order_log());
  ASSERT_GT(log.orders, 0) << done.out;
  EXPECT_NE(sim.order_log().find(address), std::string::npos);
}

}  // namespace
}  // namespace organism::test

// `organism paper` and `organism trade` against the simulator: paper --fill bar trades, a restart
// after kill -9 goes on and stops cleanly on SIGTERM, the journal commands show the orders; trade refuses a non-loopback URL and a key file others may read, and the
// key's hex appears in no output and no journal file.
#include <signal.h>
#include <sys/stat.h>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "cli/background_organism.hpp"
#include "cli/trade_session_fixture.hpp"

namespace organism::test {
namespace {

std::vector<std::string> paper_args(const TradeSim& sim, const std::string& genome, const std::string& fill) {
  return {"--db", sim.store(), "paper", "--strategies", genome, "--coins", "ETH", "--interval", "1h",
          "--url", sim.url(), "--fill", fill, "--poll-ms", "3000"};
}

class PaperCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    if (eth_sim_store().empty() || vector_keys().empty()) GTEST_SKIP() << "needs ../shared";
    sim_ = std::make_unique<TradeSim>(dir_.path());
    genome_ = (dir_.path() / "g.json").string();
    write_file(genome_, kBusyGenome);
  }
  // Runs `bars` bars through a started session, returning the status lines' prefixes.
  std::vector<std::string> drive(BackgroundOrganism& p, int bars) {
    std::vector<std::string> lines;
    for (int i = 0; i < bars; ++i) {
      lines.push_back(sim_->advance_bar());
      EXPECT_TRUE(p.wait_for_out(lines.back())) << lines.back() << "\n" << p.out() << p.err();
    }
    return lines;
  }
  TempDir dir_;
  std::unique_ptr<TradeSim> sim_;
  std::string genome_;
};

TEST_F(PaperCommand, BarFillTradesAndARestartAfterKillNineGoesOn) {
  BackgroundOrganism paper(paper_args(*sim_, genome_, "bar"));
  ASSERT_TRUE(paper.wait_for_out("trading 1 strategies")) << paper.out() << paper.err();
  drive(paper, 7);
  paper.signal(SIGKILL);
  paper.collect();
  BackgroundOrganism again(paper_args(*sim_, genome_, "bar"));
  ASSERT_TRUE(again.wait_for_out("deciding")) << again.out() << again.err();
  drive(again, 3);
  again.signal(SIGTERM);
  const auto end = again.collect();
  EXPECT_EQ(end.exit_code, 0) << end.err;
  EXPECT_NE(end.out.find("stopped (SIGTERM)"), std::string::npos) << end.out;
  const auto orders = run_organism({"--db", sim_->store(), "orders", "--all", "--json"});
  ASSERT_EQ(orders.exit_code, 0) << orders.err;
  EXPECT_GE(nlohmann::json::parse(orders.out).size(), 2u) << orders.out;
}

// The paper exchange fills against the simulator's live book: orders journaled and filled, fills
// with fees, positions per strategy and for the account, and SIGTERM stops cleanly.
TEST_F(PaperCommand, BookFillTradesAgainstTheLiveBookAndTheJournalShowsIt) {
  BackgroundOrganism paper(paper_args(*sim_, genome_, "book"));
  ASSERT_TRUE(paper.wait_for_out("trading 1 strategies")) << paper.out() << paper.err();
  drive(paper, 10);
  paper.signal(SIGTERM);
  const auto end = paper.collect();
  EXPECT_EQ(end.exit_code, 0) << end.err;
  EXPECT_NE(end.out.find("stopped (SIGTERM)"), std::string::npos) << end.out;
  EXPECT_EQ(end.out.find("refused"), std::string::npos) << end.out;

  const auto orders = run_organism({"--db", sim_->store(), "orders", "--all", "--json"});
  ASSERT_EQ(orders.exit_code, 0) << orders.err;
  const auto order_list = nlohmann::json::parse(orders.out);
  ASSERT_GE(order_list.size(), 2u) << end.out;
  for (const auto& o : order_list) {
    EXPECT_EQ(o["state"], "filled") << o.dump();  // IOC at a 1 % collar against a deep book
    EXPECT_EQ(o["style"], "market");
    EXPECT_EQ(o["filled_size"], o["size"]) << o.dump();
  }
  const auto fills = run_organism({"--db", sim_->store(), "fills", "--json"});
  ASSERT_EQ(fills.exit_code, 0) << fills.err;
  const auto fill_list = nlohmann::json::parse(fills.out);
  ASSERT_GE(fill_list.size(), order_list.size());
  for (const auto& f : fill_list) {
    EXPECT_FALSE(f["strategy"].get<std::string>().empty()) << f.dump();
    // Taker fee 0.045 % of the notional, to the 1e-8 the journal keeps.
    const double notional = std::stod(f["size"].get<std::string>()) * std::stod(f["price"].get<std::string>());
    EXPECT_NEAR(std::stod(f["fee"].get<std::string>()), notional * 0.00045, 1e-6) << f.dump();
  }
  const auto positions = run_organism({"--db", sim_->store(), "positions"});
  ASSERT_EQ(positions.exit_code, 0) << positions.err;
  EXPECT_NE(positions.out.find("(account)"), std::string::npos) << positions.out;
  EXPECT_NE(positions.out.find("ema_cross"), std::string::npos) << positions.out;
  // The simulator saw none of it: paper orders never leave the process.
  EXPECT_EQ(count_order_log(sim_->order_log()).orders, 0) << sim_->order_log();
}

TEST(TradeCommand, RefusesANonLoopbackUrlAndAReadableKeyAndNeverShowsTheKey) {
  if (vector_keys().empty()) GTEST_SKIP() << "needs ../shared";
  TempDir dir;
  const std::string key_hex = vector_keys().at(0);  // "0x…"
  const std::string key = (dir.path() / "key").string();
  write_file(key, key_hex);
  chmod(key.c_str(), 0644);
  const std::string db = (dir.path() / "t.db").string();
  const std::string genome = (dir.path() / "g.json").string();
  write_file(genome, kBusyGenome);
  const std::vector<std::string> base{"--db", db, "trade", "--strategies", genome, "--coins", "ETH", "--interval", "1h",
                                      "--key-file", key};

  auto readable = base;
  readable.insert(readable.end(), {"--url", "http://127.0.0.1:9"});
  const auto refused_key = run_organism(readable);
  EXPECT_EQ(refused_key.exit_code, 2) << refused_key.err;
  EXPECT_NE(refused_key.err.find("has mode 0644: group or others may read it"), std::string::npos) << refused_key.err;

  chmod(key.c_str(), 0600);
  auto remote = base;
  remote.insert(remote.end(), {"--url", "https://api.hyperliquid.xyz"});
  const auto refused_url = run_organism(remote);
  EXPECT_EQ(refused_url.exit_code, 2) << refused_url.err;
  EXPECT_NE(refused_url.err.find("live trading is allowed only against the local simulator"), std::string::npos)
      << refused_url.err;

  const std::string bare = key_hex.substr(2);
  std::string everything = refused_key.out + refused_key.err + refused_url.out + refused_url.err;
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    if (entry.path() != key) everything += read_file(entry.path());
  }
  EXPECT_EQ(everything.find(bare), std::string::npos);
}

// --allocation allocator: the first live bar's allocation is printed (one line per strategy; over
// the 500 warm-up bars this genome lost, so its score is <= 0 and its weight 0, with the reason),
// and the strategy stays flat: no order (under identity the same genome places orders, above).
TEST_F(PaperCommand, AllocatorPrintsTheFirstAllocationAndKeepsADroppedStrategyFlat) {
  auto args = paper_args(*sim_, genome_, "bar");
  args.insert(args.end(), {"--allocation", "allocator"});
  BackgroundOrganism paper(args);
  ASSERT_TRUE(paper.wait_for_out("trading 1 strategies")) << paper.out() << paper.err();
  drive(paper, 3);
  paper.signal(SIGTERM);
  const auto end = paper.collect();
  EXPECT_EQ(end.exit_code, 0) << end.err;
  EXPECT_NE(end.out.find("allocation "), std::string::npos) << end.out;
  EXPECT_NE(end.out.find(": weight 0 (score "), std::string::npos) << end.out;
  const auto orders = run_organism({"--db", sim_->store(), "orders", "--all", "--json"});
  ASSERT_EQ(orders.exit_code, 0) << orders.err;
  EXPECT_EQ(nlohmann::json::parse(orders.out).size(), 0u) << orders.out;
}

}  // namespace
}  // namespace organism::test

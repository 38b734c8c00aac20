// The risk manager in `organism paper --fill book` against the simulator's live book: a -15 %
// flash move within one bar on a long book trips the drawdown breaker inside that bar; the session
// cancels and flattens, stays HALTED over more bars and a restart, and only `organism risk resume`
// returns it to ACTIVE. `risk status --json` reports the state, the reason and the figures.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <sstream>

#include "cli/background_organism.hpp"
#include "cli/trade_session_fixture.hpp"
#include "data/store.hpp"

namespace organism::test {
namespace {

// Leverage-1 long of the whole capital is allowed (asset cap 1); 5 % below the peak halts; the
// daily loss limit, the REDUCING band and the volatility breaker are off (0) so the drawdown is
// what trips.
const std::vector<std::string> kRiskEnv{
    "ORGANISM_RISK_MAX_DRAWDOWN=0.05", "ORGANISM_RISK_ASSET_CAP=1", "ORGANISM_RISK_MAX_LEVERAGE=3",
    "ORGANISM_RISK_DAILY_LOSS=0.5",    "ORGANISM_RISK_REDUCE_AT=0", "ORGANISM_RISK_VOL_K=0"};

class RiskSession : public ::testing::Test {
 protected:
  void SetUp() override {
    if (eth_sim_store().empty() || vector_keys().empty()) GTEST_SKIP() << "needs ../shared";
    sim_ = std::make_unique<TradeSim>(dir_.path());
    genome_ = (dir_.path() / "g.json").string();
    write_file(genome_, kBusyGenome);
  }
  std::vector<std::string> paper_args() const {
    return {"--db",      sim_->store(), "paper",      "--strategies", genome_,
            "--coins",   "ETH",         "--interval", "1h",           "--url",
            sim_->url(), "--fill",      "book",       "--poll-ms",    "300"};
  }
  // The status line of the bar whose prefix is given.
  static std::string line_of(const std::string& out, const std::string& prefix) {
    const auto at = out.find(prefix);
    if (at == std::string::npos) return {};
    return out.substr(at, out.find('\n', at) - at);
  }
  nlohmann::json risk_status() {
    const auto r = run_organism({"--db", sim_->store(), "risk", "status", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out);
  }
  // `risk status`'s VaR/CVaR of the ETH position against an independent computation from the
  // store's 1h closes, scenario pnl = notional x return, sorted, k-th worst.
  void expect_var_of_the_long_book(const nlohmann::json& status) {
    const auto& eth = status["exposure"]["by_coin"]["ETH"];
    const double notional = eth["notional"].get<double>();
    ASSERT_GT(notional, 0) << status.dump();
    auto store = data::Store::open_existing(sim_->store());
    const data::SeriesKey key{"hyperliquid", "ETH", core::Interval::parse_or_throw("1h")};
    const auto all = store.load_candles(key);
    ASSERT_TRUE(all && all->size() > 100);
    const auto close = all->close();
    // Scenarios: the returns between the newest 721 closes, or every stored close when fewer.
    const std::size_t n = std::min<std::size_t>(720, close.size() - 1);
    std::vector<double> pnl;
    for (std::size_t t = close.size() - n; t < close.size(); ++t) pnl.push_back(notional * (close[t] / close[t - 1] - 1));
    std::sort(pnl.begin(), pnl.end());
    const auto& var = status["var"];
    EXPECT_EQ(var["interval"], "1h");
    ASSERT_EQ(var["scenarios"].get<std::size_t>(), n) << var.dump();
    for (const auto& level : var["levels"]) {
      const double a = level["level"].get<double>();
      const std::size_t k = std::max<std::size_t>(1, static_cast<std::size_t>(std::floor((1 - a) * static_cast<double>(n))));
      double tail = 0;
      for (std::size_t i = 0; i < k; ++i) tail += pnl[i];
      EXPECT_NEAR(level["var"].get<double>(), -pnl[k - 1], 1e-6) << a;
      EXPECT_NEAR(level["cvar"].get<double>(), -tail / k, 1e-6) << a;
      EXPECT_GT(level["var"].get<double>(), 0);
    }
    EXPECT_EQ(var["levels"].size(), 2u);
  }
  TempDir dir_;
  std::unique_ptr<TradeSim> sim_;
  std::string genome_;
};

TEST_F(RiskSession, AFlashCrashHaltsWithinTheBarFlattensAndOnlyResumeLeavesHalted) {
  auto paper = std::make_unique<BackgroundOrganism>(paper_args(), kRiskEnv);
  ASSERT_TRUE(paper->wait_for_out("trading 1 strategies")) << paper->out() << paper->err();
  // Bars until the strategy holds a long position at a bar's close.
  bool long_book = false;
  for (int i = 0; i < 40 && !long_book; ++i) {
    const auto prefix = sim_->advance_bar();
    ASSERT_TRUE(paper->wait_for_out(prefix)) << prefix << "\n" << paper->out() << paper->err();
    long_book = line_of(paper->out(), prefix).find(" ETH +") != std::string::npos;
  }
  ASSERT_TRUE(long_book) << paper->out();
  const auto before = risk_status();
  ASSERT_EQ(before["state"], "ACTIVE");
  expect_var_of_the_long_book(before);

  // -15 % over the rest of the bar; 11 of its 12 ticks pass, so the bar has not closed yet.
  sim_->control(R"({"type":"fault","fault":"flashMove","coin":"ETH","percent":-15})");
  const std::int64_t market_time = sim_->advance_steps(11);
  ASSERT_TRUE(paper->wait_for_out("risk: HALTED by drawdown")) << paper->out() << paper->err();
  ASSERT_TRUE(paper->wait_for_out("risk: HALTED: flatten")) << paper->out();
  // The last tick: the flash bar closes (its status line is stamped with its open time).
  const std::string closing = core::format_utc(sim_->advance_steps(1) - kHourMs) + " equity";
  ASSERT_TRUE(paper->wait_for_out(closing)) << paper->out();
  const std::string out = paper->out();
  EXPECT_LT(out.find("risk: HALTED by drawdown"), out.find(closing))
      << out;  // tripped within the bar

  auto status = risk_status();
  EXPECT_EQ(status["state"], "HALTED");
  EXPECT_EQ(status["reason"], "drawdown");
  const auto& f = status["figures"];
  const double peak = f.at("peak").get<double>(), equity = f.at("equity").get<double>();
  EXPECT_NEAR(f.at("drawdown").get<double>(), 1 - equity / peak, 1e-9) << f.dump();
  EXPECT_DOUBLE_EQ(f.at("limit").get<double>(), 0.05);
  // A leverage-1 long loses what the price lost: at least the limit, at most the 15 % move.
  EXPECT_GE(f.at("drawdown").get<double>(), 0.05);
  EXPECT_LE(f.at("drawdown").get<double>(), 0.16);
  // The transition's time is inside the flash bar: before its close.
  EXPECT_LT(status["since"].get<std::int64_t>(), market_time + kHourMs / 12) << status.dump();

  // Flat, nothing open.
  const auto positions =
      nlohmann::json::parse(run_organism({"--db", sim_->store(), "positions", "--json"}).out);
  for (const auto& p : positions)
    EXPECT_EQ(std::stod(p["size"].get<std::string>()), 0.0) << p.dump();
  EXPECT_TRUE(
      nlohmann::json::parse(run_organism({"--db", sim_->store(), "orders", "--json"}).out).empty());
  const auto orders_after_halt =
      nlohmann::json::parse(run_organism({"--db", sim_->store(), "orders", "--all", "--json"}).out)
          .size();

  // More bars: still HALTED, no new order.
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(paper->wait_for_out(sim_->advance_bar())) << paper->out();
  EXPECT_EQ(risk_status()["state"], "HALTED");
  // A restart: still HALTED.
  paper->signal(SIGTERM);
  EXPECT_EQ(paper->collect().exit_code, 0);
  paper = std::make_unique<BackgroundOrganism>(paper_args(), kRiskEnv);
  ASSERT_TRUE(paper->wait_for_out("risk: state HALTED restored")) << paper->out() << paper->err();
  ASSERT_TRUE(paper->wait_for_out(sim_->advance_bar())) << paper->out();
  EXPECT_EQ(risk_status()["state"], "HALTED");
  EXPECT_EQ(
      nlohmann::json::parse(run_organism({"--db", sim_->store(), "orders", "--all", "--json"}).out)
          .size(),
      orders_after_halt);

  // Only resume leaves it.
  const auto resume = run_organism({"--db", sim_->store(), "risk", "resume"});
  ASSERT_EQ(resume.exit_code, 0) << resume.err;
  ASSERT_TRUE(paper->wait_for_out("risk: command resume")) << paper->out();
  ASSERT_TRUE(paper->wait_for_out("risk: ACTIVE")) << paper->out();
  status = risk_status();
  EXPECT_EQ(status["state"], "ACTIVE");
  EXPECT_EQ(status["transitions"][0]["from"], "HALTED");
  EXPECT_EQ(status["transitions"][0]["reason"], "manual");
  paper->signal(SIGTERM);
  EXPECT_EQ(paper->collect().exit_code, 0);
}

// A feed that stops (no bar for 0.002 intervals = 7.2 s of a 1h bar): REDUCING by stale_data, shown
// by `risk status`, no order sent meanwhile; the next bar clears it.
TEST_F(RiskSession, AStaleFeedReducesAndClearsWhenBarsFlowAgain) {
  std::vector<std::string> env = kRiskEnv;
  env.push_back("ORGANISM_RISK_STALE_INTERVALS=0.002");
  BackgroundOrganism trade(
      {"--db", sim_->store(), "trade", "--strategies", genome_, "--coins", "ETH", "--interval",
       "1h", "--url", sim_->url(), "--key-file", sim_->key_file(), "--poll-ms", "300"},
      env);
  ASSERT_TRUE(trade.wait_for_out("trading 1 strategies")) << trade.out() << trade.err();
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(trade.wait_for_out(sim_->advance_bar())) << trade.out() << trade.err();
  const std::size_t before = trade.out().size();
  const auto orders_before = count_order_log(sim_->order_log()).orders;
  sim_->control(R"({"type":"fault","fault":"staleBook","seconds":30})");  // and no advance: no bar
  auto stale_line = [&] { return trade.out().find("risk: REDUCING by stale_data", before); };
  for (int i = 0; i < 300 && stale_line() == std::string::npos; ++i) usleep(100'000);
  ASSERT_NE(stale_line(), std::string::npos) << trade.out();
  const auto status = risk_status();
  EXPECT_EQ(status["state"], "REDUCING");
  EXPECT_EQ(status["reason"], "stale_data");
  EXPECT_FALSE(status["figures"].empty()) << status.dump();
  EXPECT_EQ(count_order_log(sim_->order_log()).orders, orders_before);
  ASSERT_TRUE(trade.wait_for_out(sim_->advance_bar())) << trade.out();
  auto cleared = [&] { return trade.out().find("risk: ACTIVE by stale_data", before); };
  for (int i = 0; i < 100 && cleared() == std::string::npos; ++i) usleep(100'000);
  EXPECT_NE(cleared(), std::string::npos) << trade.out();
  trade.signal(SIGTERM);
  EXPECT_EQ(trade.collect().exit_code, 0);
}

// A stuck book while bars still flow (live trade; risk.stale_book_seconds 2): the simulator's
// staleBook answers REST l2Book frozen, the book's time stops moving, and within the limit plus a
// poll or two the session goes REDUCING by stale_data with the book's age in the figures (the bars
// are fresh: only the book tripped). Bars decided meanwhile send no order that grows the position
// (the sim's order log: every order placed in the window is on the reducing side). When the fault
// ends the book's time moves again and the state returns to ACTIVE.
TEST_F(RiskSession, AStuckBookWithBarsFlowingReducesUntilTheBookMovesAgain) {
  std::vector<std::string> env = kRiskEnv;
  env.push_back("ORGANISM_RISK_STALE_BOOK_SECONDS=2");
  BackgroundOrganism trade(
      {"--db", sim_->store(), "trade", "--strategies", genome_, "--coins", "ETH", "--interval",
       "1h", "--url", sim_->url(), "--key-file", sim_->key_file(), "--poll-ms", "700"},
      env);
  ASSERT_TRUE(trade.wait_for_out("trading 1 strategies")) << trade.out() << trade.err();
  // Polls every 700 ms: a poll weighs about 20 of the trader's 1200 REST weight a minute, which
  // the test must not exhaust (the trader would then wait for its budget, not poll).
  // The book moves (one tick per 150 ms, a bar per 1.8 s): ACTIVE, whatever the warm-up did.
  std::string last_bar;
  auto step_for = [&](int steps, int pause_ms) {
    for (int k = 0; k < steps; ++k) {
      const std::int64_t t = sim_->advance_steps(1);
      if (t % kHourMs == 0) last_bar = core::format_utc(t - kHourMs) + " equity";
      usleep(pause_ms * 1000);
    }
  };
  step_for(24, 150);
  ASSERT_TRUE(trade.wait_for_out(last_bar)) << last_bar << "\n" << trade.out() << trade.err();
  ASSERT_EQ(risk_status()["state"], "ACTIVE") << trade.out();

  const std::string address = TestSigner(0).address();
  const double position = sim_->eth_position(address);
  const std::size_t before = trade.out().size();
  const auto orders_before = count_order_log(sim_->order_log()).orders;
  const auto fault_at = std::chrono::steady_clock::now();
  sim_->control(R"({"type":"fault","fault":"staleBook","seconds":10})");
  auto line_after = [&](const char* text) { return trade.out().find(text, before); };
  for (int i = 0; i < 100 && line_after("risk: REDUCING by stale_data") == std::string::npos; ++i)
    usleep(100'000);
  ASSERT_NE(line_after("risk: REDUCING by stale_data"), std::string::npos) << trade.out();
  // No bar since the fault: nothing was decided, nothing sent.
  EXPECT_EQ(count_order_log(sim_->order_log()).orders, orders_before);
  auto status = risk_status();
  EXPECT_EQ(status["state"], "REDUCING");
  EXPECT_EQ(status["reason"], "stale_data");
  const auto& figures = status["figures"];
  EXPECT_DOUBLE_EQ(figures.at("limit_ms").get<double>(), 2000) << status.dump();
  EXPECT_GT(figures.at("book_age_ms").get<double>(), 2000) << status.dump();
  EXPECT_FALSE(figures.contains("bar_age_ms")) << status.dump();  // the bars were fresh

  // Two bars decided while the book is stuck (ending well before the fault's 10 s).
  step_for(24, 100);
  ASSERT_TRUE(trade.wait_for_out(last_bar)) << last_bar << "\n" << trade.out();
  ASSERT_LT(std::chrono::steady_clock::now() - fault_at, std::chrono::seconds(9));
  EXPECT_EQ(risk_status()["state"], "REDUCING");  // still stuck: not cleared by the bars
  const std::string log = sim_->order_log();
  std::istringstream lines(log);
  std::int64_t n = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || ++n <= orders_before) continue;
    const auto order = nlohmann::json::parse(line);
    // Reduce-only: a sell against a long, a buy against a short; none at all when flat.
    ASSERT_NE(position, 0.0) << "an order while flat and REDUCING: " << line;
    EXPECT_EQ(order.at("side"), position > 0 ? "A" : "B") << line;
  }
  EXPECT_LE(std::fabs(sim_->eth_position(address)), std::fabs(position) + 1e-9);

  // The fault ends: the book's time has moved on (the market did), the breaker clears.
  for (int i = 0; i < 150 && line_after("risk: ACTIVE by stale_data") == std::string::npos; ++i)
    usleep(100'000);
  EXPECT_NE(line_after("risk: ACTIVE by stale_data"), std::string::npos) << trade.out();
  EXPECT_GE(std::chrono::steady_clock::now() - fault_at, std::chrono::seconds(10));
  EXPECT_EQ(risk_status()["state"], "ACTIVE") << trade.err();
  trade.signal(SIGTERM);
  EXPECT_EQ(trade.collect().exit_code, 0);
}

TEST(RiskCommand, AMissingJournalIsAClearErrorWithExitOne) {
  TempDir dir;
  const std::string db = (dir.path() / "none.db").string();
  for (const char* command : {"status", "resume"}) {
    const auto r = run_organism({"--db", db, "risk", command});
    EXPECT_EQ(r.exit_code, 1) << command << r.out << r.err;
    EXPECT_NE(r.err.find("none.journal.db: no such file"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir.path() / "none.journal.db"));
  }
}

}  // namespace
}  // namespace organism::test

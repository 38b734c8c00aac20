// The monitor of a daemon trading on `organism exchange-sim` (run_fixture.hpp), end to end: the
// daemon's own API (api.listen) answers with what its journals hold, /metrics counters move as it
// trades, a halt through the API reaches a webhook receiver once, and `organism dashboard` in tmux
// shows the API's numbers, survives a resize and says when the API is lost.
#include <signal.h>

#include <chrono>
#include <fstream>
#include <map>
#include <regex>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "daemon/run_fixture.hpp"
#include "exchange/client/http_transport.hpp"
#include "exchange/loopback_http_server.hpp"
#include "support/tmux.hpp"

namespace organism::test {
namespace {

using lifecycle::State;

// "api: serving URL (bearer token in FILE" from the daemon's stdout.
struct ApiAddress {
  std::string url, token_file;
};
ApiAddress api_address(const std::string& out) {
  std::smatch m;
  static const std::regex line(R"(api: serving (\S+) \(bearer token in ([^;,]+))");
  if (!std::regex_search(out, m, line)) return {};
  return {m[1], m[2]};
}

std::string token_of(const std::string& file) {
  std::ifstream in(file);
  std::string token;
  in >> token;
  return token;
}

// Sum of a metric's samples whose labels contain `labels` (e.g. journal="paper").
double metric(const std::string& exposition, const std::string& name, const std::string& labels = "") {
  double sum = 0;
  std::istringstream in(exposition);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#' || line.rfind(name, 0) != 0) continue;
    const auto rest = line.substr(name.size());
    if (!rest.empty() && rest[0] != '{' && rest[0] != ' ') continue;  // another metric with this prefix
    if (!labels.empty() && rest.find(labels) == std::string::npos) continue;
    sum += std::stod(rest.substr(rest.rfind(' ') + 1));
  }
  return sum;
}

class MonitorE2E : public RunFixture {
 protected:
  void SetUp() override {
    RunFixture::SetUp();
    if (IsSkipped()) return;
    put_strategy(db(), "paper-a", kGenomeA, State::Paper);
    put_strategy(db(), "prod-c", kGenomeC, State::Production);
  }
  std::unique_ptr<exchange::client::HttpTransport> client(const ApiAddress& api, bool with_token = true) const {
    exchange::client::TransportOptions o;
    if (with_token) o.headers = {{"Authorization", "Bearer " + token_of(api.token_file)}};
    return std::make_unique<exchange::client::HttpTransport>(api.url, o);
  }
};

TEST_F(MonitorE2E, TheDaemonsApiMatchesItsJournalsMetricsMoveAndAHaltAlertsOnce) {
  LoopbackHttpServer receiver([](const HttpExchange&) { return ScriptedReply{200, "{}"}; });
  BackgroundOrganism daemon(run_args(), env({"ORGANISM_ALERTS_WEBHOOKS=" + receiver.url("/hook")}));
  ASSERT_TRUE(daemon.wait_for_out("clock: 1h bars of ETH")) << daemon.out() << daemon.err();
  const auto api = api_address(daemon.out());
  ASSERT_FALSE(api.url.empty()) << daemon.out();
  EXPECT_EQ(api.token_file, db() + ".api-token");
  struct stat st {};
  ASSERT_EQ(::stat(api.token_file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  auto anonymous = client(api, false);
  EXPECT_EQ(anonymous->get("/positions").status, 401);
  auto http = client(api);
  for (int i = 0; i < 4; ++i) drive_bar(daemon);

  // /health: the daemon's heartbeat, its exchange connection and both sessions are seen.
  const auto health = nlohmann::json::parse(anonymous->get("/health").body);
  std::map<std::string, std::string> status;
  for (const auto& c : health.at("components")) status[c.at("name")] = c.at("status");
  EXPECT_EQ(status["store"], "ok") << health.dump(1);
  EXPECT_EQ(status["exchange"], "ok") << health.dump(1);
  EXPECT_EQ(status["risk"], "ok") << health.dump(1);
  EXPECT_EQ(health.at("total"), 6);
  EXPECT_GE(health.at("score").get<double>(), 50) << health.dump(1);

  // /positions and /orders are the journals' records, journal by journal.
  const auto positions = nlohmann::json::parse(http->get("/positions").body).at("positions");
  for (const auto& [journal, path] : {std::pair<std::string, std::string>{"production", ""}, {"paper", paper_journal()}}) {
    auto expected = journal_json("positions", path);
    std::size_t found = 0;
    for (const auto& p : positions) {
      if (p.at("journal") != journal) continue;
      auto row = p;
      for (const char* extra : {"journal", "mark", "notional"}) row.erase(extra);
      EXPECT_NE(std::find(expected.begin(), expected.end(), row), expected.end()) << row.dump();
      ++found;
    }
    EXPECT_EQ(found, expected.size()) << journal;
  }
  const auto orders_paper = journal_json("orders", paper_journal()).size();
  const auto orders_production = journal_json("orders").size();
  ASSERT_GT(orders_paper + orders_production, 0u) << "the strategies traded nothing in 4 bars";

  // /metrics: the order counters are the journals' counts, and they move with the trading.
  auto scrape = http->get("/metrics");
  ASSERT_EQ(scrape.status, 200);
  EXPECT_EQ(metric(scrape.body, "organism_orders_total", "journal=\"paper\""), static_cast<double>(orders_paper));
  EXPECT_EQ(metric(scrape.body, "organism_orders_total", "journal=\"production\""), static_cast<double>(orders_production));
  EXPECT_EQ(metric(scrape.body, "organism_exchange_connected"), 1);
  for (int i = 0; i < 6; ++i) drive_bar(daemon);
  scrape = http->get("/metrics");
  const auto paper_after = journal_json("orders", paper_journal()).size();
  EXPECT_GT(paper_after + journal_json("orders").size(), orders_paper + orders_production);
  EXPECT_EQ(metric(scrape.body, "organism_orders_total", "journal=\"paper\""), static_cast<double>(paper_after));
  EXPECT_EQ(metric(scrape.body, "organism_strategies", "state=\"production\""), 1);
  EXPECT_EQ(metric(scrape.body, "organism_strategies", "state=\"paper\""), 1);

  // A halt through the API: the production session applies it at its next poll, the transition is
  // journaled, and the webhook gets one breaker alert.
  const auto halt = http->post_json("/risk/halt", R"({"by": "monitor test"})");
  ASSERT_EQ(halt.status, 202) << halt.body;
  auto halted = [&] {
    const auto risk = nlohmann::json::parse(http->get("/risk").body);
    return risk.at("production").is_object() && risk.at("production").at("state") == "HALTED";
  };
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!halted() && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_TRUE(halted()) << http->get("/risk").body << daemon.out();
  const auto alert_until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  auto breaker_posts = [&] {
    std::size_t n = 0;
    for (const auto& r : receiver.requests()) n += r.body.find("\"kind\":\"breaker\"") != std::string::npos;
    return n;
  };
  while (breaker_posts() == 0 && std::chrono::steady_clock::now() < alert_until)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  std::this_thread::sleep_for(std::chrono::seconds(2));
  EXPECT_EQ(breaker_posts(), 1u);
  EXPECT_EQ(metric(http->get("/metrics").body, "organism_risk_state", "journal=\"production\""), 2);

  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.collect().exit_code, 0);
}

TEST_F(MonitorE2E, TheDashboardShowsTheDaemonsNumbersSurvivesAResizeAndALostApi) {
  if (!have_tmux()) GTEST_SKIP() << "tmux is not installed";
  auto daemon = std::make_unique<BackgroundOrganism>(run_args(), env());
  ASSERT_TRUE(daemon->wait_for_out("clock: 1h bars of ETH")) << daemon->out() << daemon->err();
  const auto api = api_address(daemon->out());
  ASSERT_FALSE(api.url.empty()) << daemon->out();
  for (int i = 0; i < 4; ++i) drive_bar(*daemon);
  auto http = client(api);
  const auto equity = nlohmann::json::parse(http->get("/equity").body).at("points");
  ASSERT_FALSE(equity.empty());
  const std::string equity_text = fmt::format("equity {:.2f}", equity.back().at("equity").get<double>());

  Tmux tmux;
  tmux.start(fmt::format("TERM=xterm-256color {} dashboard --url {} --token-file {}; echo dashboard exited $?; sleep 30",
                         ORGANISM_BINARY, api.url, api.token_file),
             120, 40);
  std::string screen;
  EXPECT_TRUE(tmux.wait_for([&](const std::string& s) { return s.find(equity_text) != std::string::npos; }, screen))
      << equity_text << "\n" << screen;
  EXPECT_NE(screen.find("prod-c"), std::string::npos) << screen;
  EXPECT_NE(screen.find("ETH"), std::string::npos) << screen;
  tmux.resize(80, 24);
  EXPECT_TRUE(tmux.wait_for([&](const std::string& s) { return s.find(equity_text) != std::string::npos; }, screen))
      << screen;
  daemon->signal(SIGTERM);
  EXPECT_EQ(daemon->collect().exit_code, 0);
  EXPECT_TRUE(tmux.wait_for([](const std::string& s) { return s.find("API unreachable") != std::string::npos; }, screen))
      << screen;
  EXPECT_NE(screen.find(equity_text), std::string::npos) << "the last data stays on screen\n" << screen;
  tmux.keys("q");
  EXPECT_TRUE(tmux.wait_for([](const std::string& s) { return s.find("dashboard exited 0") != std::string::npos; }, screen))
      << screen;
}

}  // namespace
}  // namespace organism::test

// The REST client's transport, retries and weight budget over real loopback sockets, against the
// simulator's own HTTP server driven by a scripted handler (so the test chooses every reply):
// keep-alive reuse, which statuses are retried, malformed replies named and never stored, the
// loopback-only rule for plain http, and the budget under a fake clock.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "core/clock.hpp"
#include "core/json_input.hpp"
#include "data/store.hpp"
#include "exchange/client/fetch_history.hpp"
#include "exchange/client/info_client.hpp"
#include "exchange/sim_server/server.hpp"
#include "queued_info_server.hpp"
#include "support/test_support.hpp"

namespace organism::exchange::client {
namespace {

using sim_server::Reply;

constexpr TimeMs kT0 = 1704067200000;  // 2024-01-01 00:00 UTC

using QueuedHandler = test::QueuedInfoHandler;
using test::RunningServer;

// A session whose backoff waits are recorded instead of slept.
struct TestSession {
  explicit TestSession(const std::string& url) {
    SessionOptions options;
    options.sleep = [this](TimeMs ms) { waits.push_back(ms); };
    session = std::make_shared<RestSession>(url, WeightBudget::make(1'000'000), options);
  }
  std::vector<TimeMs> waits;
  std::shared_ptr<RestSession> session;
};

std::string candle(TimeMs t, const char* o, const char* h, const char* l, const char* c) {
  return fmt::format(R"({{"t":{},"T":{},"s":"BTC","i":"1h","o":"{}","c":"{}","h":"{}","l":"{}","v":"12.5","n":7}})", t,
                     t + core::kHourMs - 1, o, c, h, l);
}

TEST(ClientTransport, PlainHttpOnlyForLoopbackHosts) {
  EXPECT_FALSE(parse_base_url("http://127.0.0.1:8080").tls);
  EXPECT_EQ(parse_base_url("http://127.9.9.9:8080/").port, "8080");
  EXPECT_EQ(parse_base_url("http://[::1]:9000").host, "::1");
  EXPECT_EQ(parse_base_url("http://localhost").port, "80");
  const auto mainnet = parse_base_url("https://api.hyperliquid.xyz");
  EXPECT_TRUE(mainnet.tls);
  EXPECT_EQ(mainnet.port, "443");
  EXPECT_EQ(mainnet.host, "api.hyperliquid.xyz");
  for (const char* url : {"http://api.hyperliquid.xyz", "http://10.0.0.1:80", "http://128.0.0.1", "ftp://x"}) {
    EXPECT_THROW(parse_base_url(url), core::UsageError) << url;
  }
  const auto r = test::run_organism({"data", "fetch", "--url", "http://192.0.2.1:80", "--coins", "BTC"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("plain http is allowed only for loopback hosts"), std::string::npos) << r.err;
}

// HTTPS verifies the peer: a self-signed certificate (openssl s_server on loopback) is refused
// in the handshake, before any request is sent.
TEST(ClientTransport, HttpsRefusesAnUnverifiedCertificate) {
  if (std::system("command -v openssl >/dev/null 2>&1") != 0) GTEST_SKIP() << "openssl not installed";
  test::TempDir dir;
  const std::string key = (dir / "k.pem").string(), cert = (dir / "c.pem").string(), out = (dir / "s.out").string();
  ASSERT_EQ(std::system(("openssl req -x509 -newkey rsa:2048 -nodes -keyout " + key + " -out " + cert +
                         " -days 1 -subj /CN=127.0.0.1 >/dev/null 2>&1").c_str()),
            0);
  test::TempDir spawn_dir;
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    ::execlp("openssl", "openssl", "s_server", "-accept", "0", "-cert", cert.c_str(), "-key", key.c_str(), "-www",
             static_cast<char*>(nullptr));
    ::_exit(127);
  }
  std::string port;
  for (int i = 0; i < 200 && port.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    const std::string text = test::read_file(out);
    const auto accept = text.find("ACCEPT ");
    const auto newline = text.find('\n', accept);
    if (accept != std::string::npos && newline != std::string::npos) {
      port = text.substr(text.rfind(':', newline) + 1, newline - text.rfind(':', newline) - 1);
    }
  }
  ASSERT_FALSE(port.empty()) << test::read_file(out);
  HttpTransport transport("https://127.0.0.1:" + port);
  try {
    transport.post_json("/info", "{}");
    ADD_FAILURE() << "no error";
  } catch (const TransportError& e) {
    EXPECT_FALSE(e.reply_started());
    EXPECT_NE(std::string(e.what()).find("TLS handshake with 127.0.0.1:" + port), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("certificate verify failed"), std::string::npos) << e.what();
  }
  ::kill(pid, SIGTERM);
  ::waitpid(pid, nullptr, 0);
}

TEST(ClientTransport, ReusesOneConnectionAcrossCalls) {
  QueuedHandler handler(kT0);
  RunningServer server(handler);
  TestSession t(server.url());
  InfoClient info(t.session);
  for (int i = 0; i < 50; ++i) EXPECT_TRUE(info.funding_history("BTC", 0, 1).empty());
  HttpTransport probe(server.url());
  EXPECT_EQ(probe.post_json("/info", "{}").status, 200);
  EXPECT_EQ(handler.requests(), 51u);
  EXPECT_EQ(t.session->stats().requests, 50);
  EXPECT_EQ(probe.connections_opened(), 1);
}

TEST(ClientRetries, FiveHundredsAnd429AreRetriedWithJitteredBackoff) {
  QueuedHandler handler(kT0);
  handler.queue({{503, "busy"}, {429, "Too Many Requests"}, {502, "bad gateway"}, {200, "[]"}});
  RunningServer server(handler);
  TestSession t(server.url());
  InfoClient info(t.session);
  EXPECT_TRUE(info.funding_history("BTC", 0, 1).empty());
  EXPECT_EQ(handler.requests(), 4u);
  EXPECT_EQ(t.session->stats().retries, 3);
  EXPECT_EQ(t.session->stats().status_429, 1);
  EXPECT_EQ(t.session->stats().status_5xx, 2);
  // Full jitter: each wait within [0, base·2^k] (the 429's from its own larger base).
  ASSERT_EQ(t.waits.size(), 3u);
  EXPECT_LE(t.waits[0], 250);
  EXPECT_LE(t.waits[1], 4000);
  EXPECT_LE(t.waits[2], 1000);
  // The same seed gives the same waits.
  Backoff a(RetryPolicy{}), b(RetryPolicy{});
  for (int k = 0; k < 8; ++k) EXPECT_EQ(a.delay(k), b.delay(k));
}

TEST(ClientRetries, Other4xxIsNotRetriedAndCarriesTheExchangesText) {
  QueuedHandler handler(kT0);
  handler.queue({{422, "Failed to deserialize the JSON body into the target type"}});
  RunningServer server(handler);
  TestSession t(server.url());
  try {
    t.session->info(Json{{"type", "nonsense"}}, "nonsense");
    FAIL() << "no error";
  } catch (const HttpStatusError& e) {
    EXPECT_EQ(e.status(), 422);
    EXPECT_NE(std::string(e.what()).find("nonsense: HTTP 422 Failed to deserialize the JSON body"), std::string::npos) << e.what();
  }
  EXPECT_EQ(handler.requests(), 1u);
  EXPECT_TRUE(t.waits.empty());
}

TEST(ClientRetries, SignedActionsAreNotResentAfterAReply) {
  QueuedHandler handler(kT0);
  RunningServer server(handler);
  TestSession t(server.url());
  EXPECT_THROW(t.session->action(R"({"action":{"type":"noop"},"nonce":1})", 1, "noop"), HttpStatusError);
  EXPECT_EQ(handler.actions(), 1);
  // Nothing listening: the connection fails before any reply byte, so the same body is re-sent.
  TestSession closed("http://127.0.0.1:1");
  EXPECT_THROW(closed.session->action("{}", 1, "noop"), core::Error);
  EXPECT_EQ(closed.session->stats().requests, 8);
  EXPECT_EQ(closed.session->stats().transport_errors, 8);
}

TEST(ClientInfo, MalformedRepliesAreErrorsNamingRequestAndField) {
  QueuedHandler handler(kT0);
  handler.queue({{200, "[" + candle(kT0, "1", "2", "0.5", "1.5")},  // truncated
                 {200, R"([{"t":"x","T":1,"o":"1","c":"1","h":"1","l":"1","v":"1","n":1}])"},
                 {200, "[" + candle(kT0, "100", "90", "95", "96") + "]"},
                 {200, "[" + candle(kT0, "100", "101", "99", "abc") + "]"}});
  RunningServer server(handler);
  TestSession t(server.url());
  InfoClient info(t.session);
  const auto h1 = core::Interval::parse_or_throw("1h");
  const auto message = [&] {
    try {
      info.candle_snapshot("BTC", h1, kT0, kT0 + core::kDayMs);
    } catch (const core::Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message().find("candleSnapshot BTC 1h: reply: not valid JSON"), std::string::npos);
  EXPECT_NE(message().find("candleSnapshot BTC 1h: candle 0: field 't': expected an integer"), std::string::npos);
  EXPECT_NE(message().find("candleSnapshot BTC 1h: candle 0 (2024-01-01 00:00:00): impossible bar o=100 h=90 l=95"),
            std::string::npos);
  const std::string last = message();
  EXPECT_NE(last.find("candle 0: field 'c': expected a decimal string"), std::string::npos) << last;
}

TEST(ClientFetch, ABadPageLeavesTheStoreWithWholePagesOnly) {
  QueuedHandler handler(kT0);
  // Page 1: three bars (the last held as possibly open); page 2: a bar with high < low.
  handler.queue({{200, "[" + candle(kT0, "10", "11", "9", "10.5") + "," + candle(kT0 + core::kHourMs, "10.5", "12", "10", "11") +
                           "," + candle(kT0 + 2 * core::kHourMs, "11", "11.5", "10.5", "11.2") + "]"},
                 {200, "[" + candle(kT0 + 3 * core::kHourMs, "11.2", "10", "12", "11") + "]"}});
  RunningServer server(handler);
  TestSession t(server.url());
  InfoClient info(t.session);
  test::TempDir dir;
  auto store = data::Store::open((dir / "f.db").string());
  FetchOptions options;
  options.coins = {"BTC"};
  options.since = kT0;
  const core::FixedClock wall(kT0 + core::kDayMs);
  EXPECT_THROW(fetch_history(info, store, options, wall), core::Error);
  const auto bars = store.load_candles({"hyperliquid", "BTC", options.interval});
  ASSERT_TRUE(bars);
  ASSERT_EQ(bars->size(), 2u);  // the third waited for a later bar, which was malformed
  EXPECT_EQ(bars->time()[1], kT0 + core::kHourMs);
  EXPECT_EQ(bars->high()[1], 12.0);
}

TEST(ClientFetch, PagesFromTheBarAfterTheLastAndStoresOnlyBarsSeenClosed) {
  QueuedHandler handler(kT0);
  const TimeMs h = core::kHourMs;
  // A capped first page (3 bars), a second overlapping the first by one (de-duplicated), then the
  // exchange's newest bar alone, then nothing: that newest bar is in progress and not stored.
  handler.queue({{200, "[" + candle(kT0, "10", "11", "9", "10.5") + "," + candle(kT0 + h, "10.5", "12", "10", "11") + "," +
                           candle(kT0 + 2 * h, "11", "11.5", "10.5", "11.2") + "]"},
                 {200, "[" + candle(kT0 + 2 * h, "11", "11.5", "10.5", "11.2") + "," +
                           candle(kT0 + 3 * h, "11.2", "11.4", "11", "11.3") + "]"},
                 {200, "[" + candle(kT0 + 4 * h, "11.3", "11.9", "11.1", "11.8") + "]"},
                 {200, "[]"}});
  RunningServer server(handler);
  TestSession t(server.url());
  InfoClient info(t.session);
  test::TempDir dir;
  auto store = data::Store::open((dir / "f.db").string());
  FetchOptions options;
  options.coins = {"BTC"};
  options.since = kT0 + 1;  // inside the first bar: it starts there
  const core::FixedClock wall(kT0 + core::kDayMs);
  const auto results = fetch_history(info, store, options, wall);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].new_bars, 4);
  EXPECT_EQ(results[0].pages, 4);
  const auto bodies = handler.bodies();
  ASSERT_EQ(bodies.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) {
    const auto request = core::parse_json(bodies[i], "request");
    EXPECT_EQ(request["req"]["startTime"].get<TimeMs>(), kT0 + static_cast<TimeMs>(std::vector<int>{0, 3, 4, 5}[i]) * h);
  }
  const auto bars = store.load_candles({"hyperliquid", "BTC", options.interval});
  ASSERT_TRUE(bars);
  ASSERT_EQ(bars->size(), 4u);
  EXPECT_EQ(bars->time()[3], kT0 + 3 * h);
  EXPECT_EQ(bars->close()[3], 11.3);
  EXPECT_EQ(bars->trades()[3], 7);
}

TEST(ClientWeightBudget, WaitsUntilTheRollingMinuteHasRoom) {
  core::FixedClock clock(kT0);
  std::vector<TimeMs> sleeps;
  WeightBudget budget(100, clock, [&](TimeMs ms) {
    sleeps.push_back(ms);
    clock.advance(ms);
  }, /*margin_ms=*/250);
  budget.acquire(20);
  budget.settle(20, 40);  // a reply's items add weight after it
  clock.advance(1000);
  budget.acquire(30);
  budget.settle(30, 0);
  EXPECT_EQ(budget.used(), 90);
  EXPECT_TRUE(sleeps.empty());
  budget.acquire(20);  // 90 + 20 > 100: waits until the first call (60) leaves the window
  EXPECT_EQ(clock.now(), kT0 + core::kMinuteMs + 250 + 1);
  EXPECT_EQ(budget.used(), 50);
  budget.settle(20, 0);
  EXPECT_EQ(budget.waited_ms(), core::kMinuteMs + 250 + 1 - 1000);
  EXPECT_EQ(info_weight("l2Book"), 2);
  EXPECT_EQ(info_weight("candleSnapshot"), 20);
  EXPECT_EQ(info_extra_weight("candleSnapshot", 5000), 83);
  EXPECT_EQ(info_extra_weight("fundingHistory", 500), 25);
  EXPECT_EQ(exchange_weight(79), 2);
}

}  // namespace
}  // namespace organism::exchange::client

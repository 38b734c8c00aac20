// Alerts to webhooks: a receiver started by the test gets a breaker trip within a second of the
// transition being journaled, exactly once; a receiver that fails twice gets it on the third try;
// repeats within alerts.repeat_seconds are suppressed; a receiver that never answers delays
// neither the polls nor the other receivers.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "exchange/loopback_http_server.hpp"
#include "monitor/alerts/alert_monitor.hpp"
#include "monitor/monitor_sandbox.hpp"

namespace organism::monitor {
namespace {

using backtest::Breaker;
using backtest::TradingState;
using std::chrono::milliseconds;
using std::chrono::steady_clock;
using test::kBar;
using test::kHour;

// Waits up to `limit` for `done`; true when it came.
template <class F>
bool wait_for(F done, milliseconds limit) {
  const auto until = steady_clock::now() + limit;
  while (!done()) {
    if (steady_clock::now() > until) return false;
    std::this_thread::sleep_for(milliseconds(5));
  }
  return true;
}

// A port that accepts connections into its backlog and never answers: the receiver that hangs.
class SilentPort {
 public:
  SilentPort() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(fd_, 16);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
  }
  ~SilentPort() { ::close(fd_); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

void trip(test::MonitorSandbox& box, Breaker breaker, TradingState to = TradingState::halted) {
  // Equity near its peak: no drawdown alert beside the breaker's.
  box.add_transition(TradingState::active, to, breaker, 9'990, 10'000, kBar + kHour);
}

TEST(AlertsWebhook, ABreakerTripArrivesWithinASecondExactlyOnce) {
  test::MonitorSandbox box;
  trip(box, Breaker::daily_loss);  // before the monitor starts: history, never sent
  std::atomic<long long> arrived_ns{0};
  test::LoopbackHttpServer receiver([&](const test::HttpExchange&) {
    if (arrived_ns == 0) arrived_ns = steady_clock::now().time_since_epoch().count();
    return test::ScriptedReply{200, "ok"};
  });
  AlertOptions options;
  options.webhooks = {receiver.url("/hooks/organism?token=abc")};
  AlertMonitor monitor(box.files(), options);
  monitor.start();
  std::this_thread::sleep_for(milliseconds(400));  // the baseline poll has run
  ASSERT_TRUE(receiver.requests().empty());

  trip(box, Breaker::manual);
  const auto written = steady_clock::now();
  ASSERT_TRUE(wait_for([&] { return !receiver.requests().empty(); }, milliseconds(1'000)))
      << "no POST within 1 s of the transition";
  const auto latency = std::chrono::duration_cast<milliseconds>(
      steady_clock::time_point(steady_clock::duration(arrived_ns.load())) - written);
  std::cout << "breaker trip -> webhook POST: " << latency.count() << " ms\n";
  EXPECT_LT(latency.count(), 1'000);
  std::this_thread::sleep_for(milliseconds(2'000));
  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 1u) << "a second POST came";
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].target, "/hooks/organism?token=abc");
  const auto body = nlohmann::json::parse(requests[0].body);
  EXPECT_EQ(body["kind"], "breaker");
  EXPECT_EQ(body["severity"], "critical");
  EXPECT_EQ(body["source"], "organism");
  EXPECT_EQ(body["title"], "production: HALTED by manual");
  EXPECT_EQ(body["fields"]["breaker"], "manual");
  EXPECT_EQ(body["fields"]["equity"], 9'990);
  EXPECT_TRUE(body["id"].is_number_unsigned());
  EXPECT_TRUE(body["time"].is_number_integer());
  EXPECT_EQ(body["text_markdown"].get<std::string>().rfind("*[CRITICAL] production: HALTED by manual*\n", 0), 0u);
  monitor.stop();

  // The same alert in /alerts, newest last.
  const auto response = alerts_route(monitor).handler(http::Request{});
  EXPECT_EQ(response.status, 200);
  const auto listed = nlohmann::json::parse(response.body)["alerts"];
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0]["id"], body["id"]);
  EXPECT_EQ(listed[0]["key"], "breaker:production:manual:HALTED");
}

TEST(AlertsWebhook, AReceiverThatFailsTwiceGetsTheAlertOnTheThirdTry) {
  test::MonitorSandbox box;
  std::atomic<int> calls{0};
  test::LoopbackHttpServer receiver([&](const test::HttpExchange&) {
    return test::ScriptedReply{++calls <= 2 ? 500 : 200, "{}"};
  });
  AlertOptions options;
  options.webhooks = {receiver.url("/hook")};
  options.webhook_backoff_ms = 20;
  AlertMonitor monitor(box.files(), options);
  monitor.poll_once();  // baseline
  trip(box, Breaker::drawdown, TradingState::reducing);
  monitor.poll_once();
  ASSERT_TRUE(wait_for([&] { return monitor.webhook_stats()[0].delivered == 1; }, milliseconds(3'000)));
  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].body, requests[2].body);  // the same alert, the same id: receivers de-duplicate
  EXPECT_EQ(nlohmann::json::parse(requests[2].body)["severity"], "warning");
  const auto stats = monitor.webhook_stats()[0];
  EXPECT_EQ(stats.attempts, 3);
  EXPECT_EQ(stats.failed, 0);
}

TEST(AlertsWebhook, RepeatsWithinRepeatSecondsAreSuppressed) {
  test::MonitorSandbox box;
  core::FixedClock clock(kBar);
  AlertOptions options;
  options.repeat_seconds = 300;
  AlertMonitor monitor(box.files(), options, &clock);
  monitor.poll_once();
  trip(box, Breaker::volatility, TradingState::reducing);
  trip(box, Breaker::volatility, TradingState::reducing);
  monitor.poll_once();
  EXPECT_EQ(monitor.recent(10).size(), 1u);
  EXPECT_EQ(monitor.suppressed(), 1);
  clock.advance(299'000);
  trip(box, Breaker::volatility, TradingState::reducing);
  monitor.poll_once();
  EXPECT_EQ(monitor.recent(10).size(), 1u);
  clock.advance(2'000);  // 301 s after the one sent
  trip(box, Breaker::volatility, TradingState::reducing);
  trip(box, Breaker::stale_data, TradingState::reducing);  // another key: never held back by the first
  monitor.poll_once();
  const auto alerts = monitor.recent(10);
  ASSERT_EQ(alerts.size(), 3u);
  EXPECT_LT(alerts[0].id, alerts[1].id);
  EXPECT_LT(alerts[1].id, alerts[2].id);
  EXPECT_EQ(alerts[2].key, "breaker:production:stale_data:REDUCING");
  EXPECT_EQ(monitor.suppressed(), 2);
}

TEST(AlertsWebhook, ADeadReceiverNeverBlocksThePollNorTheOtherReceivers) {
  test::MonitorSandbox box;
  SilentPort dead;
  test::LoopbackHttpServer live([](const test::HttpExchange&) { return test::ScriptedReply{204, ""}; });
  AlertOptions options;
  options.webhooks = {dead.url(), live.url("/hook")};
  options.webhook_timeout_ms = 300;
  options.webhook_retries = 1;
  options.webhook_backoff_ms = 20;
  options.repeat_seconds = 0;
  AlertMonitor monitor(box.files(), options);
  monitor.poll_once();
  double slowest_ms = 0;
  for (const auto breaker : {Breaker::drawdown, Breaker::daily_loss, Breaker::losing_streak, Breaker::volatility,
                             Breaker::stale_data, Breaker::error_rate}) {
    trip(box, breaker, TradingState::reducing);
    const auto start = steady_clock::now();
    monitor.poll_once();
    slowest_ms = std::max(slowest_ms, std::chrono::duration<double, std::milli>(steady_clock::now() - start).count());
  }
  std::cout << "slowest poll with a dead receiver: " << slowest_ms << " ms\n";
  EXPECT_LT(slowest_ms, 150);  // one POST attempt alone would take the 300 ms timeout
  ASSERT_TRUE(wait_for([&] { return live.requests().size() == 6; }, milliseconds(2'000)))
      << live.requests().size() << " POSTs; delivered " << monitor.webhook_stats()[1].delivered << ", attempts "
      << monitor.webhook_stats()[1].attempts << ", dropped " << monitor.webhook_stats()[1].dropped;
  const auto stats = monitor.webhook_stats();
  EXPECT_EQ(stats[1].delivered, 6);
  EXPECT_EQ(stats[0].delivered, 0);
}

TEST(AlertsWebhook, AFullQueueDropsAndCountsInsteadOfWaiting) {
  SilentPort dead;
  AlertOptions options;
  options.webhook_timeout_ms = 500;
  options.webhook_retries = 0;
  options.webhook_queue = 2;
  WebhookSender sender(dead.url(), options);
  const auto start = steady_clock::now();
  int accepted = 0;
  for (std::uint64_t id = 1; id <= 6; ++id) accepted += sender.enqueue(Alert{id, 0, "k", "info", "error", "t", "x", {}});
  const double took_ms = std::chrono::duration<double, std::milli>(steady_clock::now() - start).count();
  EXPECT_LT(took_ms, 50);
  EXPECT_LE(accepted, 3);  // one in flight at most, two waiting
  EXPECT_EQ(sender.stats().dropped, 6 - accepted);
}

TEST(AlertsWebhook, RefusesAPlainHttpWebhookBeyondLoopback) {
  AlertOptions options;
  options.webhooks = {"http://hooks.example.com/x"};
  EXPECT_THROW(AlertMonitor(test::MonitorSandbox().files(), options), core::UsageError);
}

}  // namespace
}  // namespace organism::monitor

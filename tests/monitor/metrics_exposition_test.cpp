// GET /metrics: the exposition passes a strict format-0.0.4 parser (and `promtool check metrics`
// when promtool is installed), and its counters rise by exactly what the journals gained between
// two scrapes while its gauges follow the files.
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>

#include <gtest/gtest.h>

#include "monitor/exposition_parser.hpp"
#include "monitor/metrics/metrics_collector.hpp"
#include "monitor/monitor_sandbox.hpp"

namespace organism::monitor {
namespace {

using test::kBar;
using test::kHour;
using test::parse_exposition;
using Labels = std::map<std::string, std::string>;

const Labels kProduction{{"journal", "production"}};

DaemonStatus daemon_at(core::TimeMs now, std::int64_t pid, std::int64_t reconnects) {
  DaemonStatus s;
  s.pid = pid;
  s.started_ms = now - 60'000;
  s.heartbeat_ms = now - 2'000;
  s.mode = "paper";
  s.interval = "1h";
  s.last_bar = kBar;
  s.exchange_connected = true;
  s.ws_reconnects = reconnects;
  return s;
}

// promtool's own check when it is installed (Debian's prometheus package); the parser above
// stands alone without it.
void promtool_check(const std::string& text) {
  if (std::system("command -v promtool > /dev/null 2>&1") != 0) {
    std::cout << "[ SKIPPED  ] promtool check metrics: promtool is not on PATH (the strict parser ran)\n";
    return;
  }
  test::TempDir dir;
  const auto file = (dir / "metrics.txt").string();
  test::write_file(file, text);
  EXPECT_EQ(std::system(("promtool check metrics < " + file).c_str()), 0) << text;
}

TEST(MetricsExposition, TheParserRefusesWhatTheFormatForbids) {
  // Guards the guard: each of these breaks one rule the parser claims to check.
  const std::vector<std::string> bad{
      "x_total 1\n",                                                   // no TYPE
      "# TYPE x gauge\n# TYPE x gauge\nx 1\n",                         // TYPE twice
      "# TYPE x gauge\nx 1\n# HELP x late\n",                          // HELP after samples
      "# TYPE x counter\nx 1\n",                                       // counter not *_total
      "# TYPE x gauge\nx{a=\"1\",a=\"2\"} 1\n",                        // label twice
      "# TYPE x gauge\nx{a=\"\\t\"} 1\n",                              // bad escape
      "# TYPE x gauge\nx one\n",                                       // bad value
      "# TYPE x gauge\nx 1\nx 2\n",                                    // series twice
      "# TYPE x gauge\n# TYPE y gauge\nx 1\ny 1\nx{a=\"b\"} 1\n",      // not contiguous
      "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n",  // no +Inf
      "# TYPE h histogram\nh_bucket{le=\"2\"} 1\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n",
      "# TYPE 9x gauge\n",                                              // bad name
  };
  for (const auto& text : bad) EXPECT_THROW(parse_exposition(text), std::runtime_error) << text;
  const auto ok = parse_exposition(
      "# HELP h a help\n# TYPE h histogram\nh_bucket{le=\"0.5\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum 3.5e0\nh_count 2\n"
      "# TYPE g gauge\ng{a=\"x\\\"y\\\\z\\n\"} NaN\ng{a=\"2\"} -Inf 1700000000000\n");
  EXPECT_EQ(ok.value("h_count"), 2);
  EXPECT_TRUE(std::isnan(ok.value("g", {{"a", "x\"y\\z\n"}})));
}

TEST(MetricsExposition, EveryMetricIsPresentAndTheFormatIsStrict) {
  test::MonitorSandbox box;
  core::FixedClock clock(kBar + 2 * kHour);
  box.write_daemon(daemon_at(clock.now(), 42, 0));
  box.add_strategy("a", "production", kBar);
  box.add_strategy("b", "paper", kBar);
  box.add_strategy("c", "paper", kBar);
  const auto cloid = box.add_order(kBar, kBar + kHour + 1'500, 0);
  box.add_fill(cloid, 1, 5'000'000);
  box.add_order(kBar, kBar + kHour + 200, 0, true);  // the paper session's
  box.add_transition(backtest::TradingState::active, backtest::TradingState::reducing, backtest::Breaker::drawdown,
                     9'400, 10'000, kBar + kHour);
  MetricsCollector collector(box.files(), &clock);
  const std::string text = collector.scrape();
  if (std::getenv("ORGANISM_TEST_PRINT_METRICS")) std::cout << text;  // to read the exposition by eye
  const auto m = parse_exposition(text);
  promtool_check(text);

  EXPECT_EQ(m.value("organism_up"), 1);
  for (const char* name :
       {"organism_equity_usd", "organism_realized_pnl_usd", "organism_unrealized_pnl_usd", "organism_drawdown_ratio",
        "organism_orders_total", "organism_fills_total", "organism_fees_usd_total", "organism_funding_paid_usd_total",
        "organism_risk_state", "organism_bar_to_order_latency_seconds_count", "organism_gross_exposure_usd"}) {
    EXPECT_TRUE(m.has(name, kProduction)) << name << "\n" << text;
  }
  EXPECT_EQ(m.value("organism_equity_usd", kProduction), 9'400);
  EXPECT_NEAR(m.value("organism_drawdown_ratio", kProduction), 0.06, 1e-12);
  EXPECT_EQ(m.value("organism_risk_state", kProduction), 1);
  EXPECT_EQ(m.value("organism_risk_state_info", {{"journal", "production"}, {"state", "REDUCING"}}), 1);
  EXPECT_EQ(m.value("organism_risk_state_info", {{"journal", "production"}, {"state", "ACTIVE"}}), 0);
  EXPECT_EQ(m.value("organism_breaker_trips_total", {{"journal", "production"}, {"breaker", "drawdown"}}), 1);
  EXPECT_EQ(m.value("organism_orders", {{"journal", "production"}, {"state", "new"}}), 1);
  EXPECT_EQ(m.value("organism_orders", {{"journal", "production"}, {"state", "filled"}}), 0);
  EXPECT_EQ(m.value("organism_orders_total", {{"journal", "paper"}}), 1);
  EXPECT_EQ(m.value("organism_fees_usd_total", kProduction), 0.05);
  // Every lifecycle state, the empty ones at 0.
  EXPECT_EQ(m.value("organism_strategies", {{"state", "production"}}), 1);
  EXPECT_EQ(m.value("organism_strategies", {{"state", "paper"}}), 2);
  EXPECT_EQ(m.value("organism_strategies", {{"state", "testing"}}), 0);
  EXPECT_EQ(m.value("organism_strategies", {{"state", "retired"}}), 0);
  // Bar -> order: 1.5 s after the 1h bar closed; the paper order 0.2 s.
  EXPECT_EQ(m.value("organism_bar_to_order_latency_seconds_count", kProduction), 1);
  EXPECT_NEAR(m.value("organism_bar_to_order_latency_seconds_sum", kProduction), 1.5, 1e-9);
  EXPECT_EQ(m.value("organism_bar_to_order_latency_seconds_bucket", {{"journal", "production"}, {"le", "1"}}), 0);
  EXPECT_EQ(m.value("organism_bar_to_order_latency_seconds_bucket", {{"journal", "production"}, {"le", "2"}}), 1);
  EXPECT_EQ(m.value("organism_bar_to_order_latency_seconds_bucket", {{"journal", "paper"}, {"le", "0.25"}}), 1);
  EXPECT_EQ(m.value("organism_daemon_heartbeat_age_seconds"), 2);
  EXPECT_EQ(m.value("organism_data_last_bar_age_seconds"), 3'600);  // the bar closed at kBar + 1h
  EXPECT_EQ(m.value("organism_evolution_evaluations_per_second"), 0);
  EXPECT_EQ(m.value("organism_ws_reconnects_total"), 0);
  EXPECT_EQ(m.value("organism_source_up", {{"source", "store"}}), 1);
  EXPECT_EQ(m.value("organism_source_up", {{"source", "daemon"}}), 1);
  EXPECT_EQ(m.families.at("organism_orders_total").type, "counter");
  EXPECT_EQ(m.families.at("organism_bar_to_order_latency_seconds").type, "histogram");

  // The route serves the same exposition with the format's content type.
  const auto route = metrics_route(collector);
  EXPECT_EQ(route.method, "GET");
  EXPECT_EQ(route.pattern, "/metrics");
  const auto response = route.handler(http::Request{});
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NO_THROW(parse_exposition(response.body));
}

TEST(MetricsExposition, CountersRiseByWhatTheJournalsGainedAndGaugesFollow) {
  test::MonitorSandbox box;
  core::FixedClock clock(kBar + 2 * kHour);
  box.write_daemon(daemon_at(clock.now(), 42, 3));
  std::vector<std::string> cloids;
  for (std::uint32_t i = 0; i < 2; ++i) cloids.push_back(box.add_order(kBar, kBar + kHour + 100, i));
  box.add_fill(cloids[0], 1, 1'000'000);
  box.add_funding(2'000'000);
  MetricsCollector collector(box.files(), &clock);
  auto m = parse_exposition(collector.scrape());
  EXPECT_EQ(m.value("organism_orders_total", kProduction), 2);
  EXPECT_EQ(m.value("organism_fills_total", kProduction), 1);
  EXPECT_NEAR(m.value("organism_fees_usd_total", kProduction), 0.01, 1e-12);
  EXPECT_NEAR(m.value("organism_funding_paid_usd_total", kProduction), 0.02, 1e-12);
  EXPECT_EQ(m.value("organism_ws_reconnects_total"), 3);
  EXPECT_EQ(m.value("organism_orders", {{"journal", "production"}, {"state", "new"}}), 2);

  // A second scrape with nothing new: nothing moves.
  m = parse_exposition(collector.scrape());
  EXPECT_EQ(m.value("organism_orders_total", kProduction), 2);
  EXPECT_EQ(m.value("organism_bar_to_order_latency_seconds_count", kProduction), 2);

  // Three orders, two fills, a rebate, a trip and more reconnects later.
  for (std::uint32_t i = 2; i < 5; ++i) cloids.push_back(box.add_order(kBar + kHour, kBar + 2 * kHour + 300, i));
  box.add_fill(cloids[1], 2, 3'000'000);
  box.add_fill(cloids[2], 3, -500'000);
  box.add_transition(backtest::TradingState::active, backtest::TradingState::halted, backtest::Breaker::daily_loss,
                     8'000, 10'000, kBar + 2 * kHour);
  clock.advance(10'000);
  box.write_daemon(daemon_at(clock.now(), 42, 5));
  m = parse_exposition(collector.scrape());
  EXPECT_EQ(m.value("organism_orders_total", kProduction), 5);
  EXPECT_EQ(m.value("organism_fills_total", kProduction), 3);
  EXPECT_NEAR(m.value("organism_fees_usd_total", kProduction), 0.04, 1e-12);
  EXPECT_NEAR(m.value("organism_rebates_usd_total", kProduction), 0.005, 1e-12);
  EXPECT_EQ(m.value("organism_breaker_trips_total", {{"journal", "production"}, {"breaker", "daily_loss"}}), 1);
  EXPECT_EQ(m.value("organism_ws_reconnects_total"), 5);
  EXPECT_EQ(m.value("organism_bar_to_order_latency_seconds_count", kProduction), 5);
  EXPECT_EQ(m.value("organism_orders", {{"journal", "production"}, {"state", "new"}}), 5);
  EXPECT_EQ(m.value("organism_risk_state", kProduction), 2);
  EXPECT_EQ(m.value("organism_equity_usd", kProduction), 8'000);
  EXPECT_NEAR(m.value("organism_drawdown_ratio", kProduction), 0.2, 1e-12);

  // The daemon restarted (a new pid counts reconnects from 0): the counter still only rises.
  box.write_daemon(daemon_at(clock.now(), 43, 1));
  m = parse_exposition(collector.scrape());
  EXPECT_EQ(m.value("organism_ws_reconnects_total"), 6);
  // No daemon file at all: its gauges are absent rather than wrong.
  std::filesystem::remove(box.files().daemon_status_path);
  m = parse_exposition(collector.scrape());
  EXPECT_FALSE(m.has("organism_daemon_heartbeat_age_seconds"));
  EXPECT_EQ(m.value("organism_source_up", {{"source", "daemon"}}), 0);
  EXPECT_EQ(m.value("organism_ws_reconnects_total"), 6);
  // No paper journal (a store traded only by `organism trade`): down, but no read error.
  std::filesystem::remove(box.files().paper_journal);
  m = parse_exposition(collector.scrape());
  m = parse_exposition(collector.scrape());
  EXPECT_EQ(m.value("organism_source_up", {{"source", "paper"}}), 0);
  EXPECT_FALSE(m.has("organism_scrape_errors_total", {{"source", "paper"}}));
}

TEST(MetricsExposition, ConcurrentScrapesCountEachDeltaOnce) {
  test::MonitorSandbox box;
  for (std::uint32_t i = 0; i < 20; ++i) box.add_order(kBar, kBar + kHour + 10, i);
  MetricsCollector collector(box.files());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 5; ++i) EXPECT_NO_THROW(parse_exposition(collector.scrape()));
    });
  for (auto& t : threads) t.join();
  const auto start = std::chrono::steady_clock::now();
  const std::clock_t cpu = std::clock();
  const std::string text = collector.scrape();
  std::cout << "one scrape: " << std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count()
            << " ms wall, " << 1000.0 * static_cast<double>(std::clock() - cpu) / CLOCKS_PER_SEC << " ms CPU, "
            << text.size() << " bytes\n";
  const auto m = parse_exposition(text);
  EXPECT_EQ(m.value("organism_orders_total", kProduction), 20);
}

}  // namespace
}  // namespace organism::monitor

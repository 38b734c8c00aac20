// The alert rules over real files: drawdown thresholds once per crossing and re-armed below half,
// lifecycle moves, the daemon's exchange connection and heartbeat (with recovery), the daemon's
// new errors; the alerts.* keys and their checks.
#include <gtest/gtest.h>

#include "core/config.hpp"
#include "core/error.hpp"
#include "monitor/alerts/alert_monitor.hpp"
#include "monitor/config_keys.hpp"
#include "monitor/monitor_sandbox.hpp"

namespace organism::monitor {
namespace {

using test::kBar;

std::vector<std::string> kinds_since(const AlertMonitor& monitor, std::size_t& seen) {
  const auto all = monitor.recent(100);
  std::vector<std::string> out;
  for (std::size_t i = seen; i < all.size(); ++i) out.push_back(all[i].kind + " " + all[i].severity + " " + all[i].title);
  seen = all.size();
  return out;
}

TEST(AlertsRules, DrawdownAlertsOncePerCrossingAndReArmsBelowHalf) {
  test::MonitorSandbox box;
  core::FixedClock clock(kBar);
  AlertOptions options;
  options.repeat_seconds = 0;
  AlertMonitor monitor(box.files(), options, &clock);
  std::size_t seen = 0;
  box.set_memory(9'400, 10'000);  // 6%: a condition, reported at the first poll
  monitor.poll_once();
  EXPECT_EQ(kinds_since(monitor, seen),
            (std::vector<std::string>{"drawdown warning production: drawdown 6% (threshold 5%)"}));
  monitor.poll_once();
  EXPECT_TRUE(kinds_since(monitor, seen).empty());
  box.set_memory(7'900, 10'000);  // 21%: two more thresholds crossed, the last one critical
  monitor.poll_once();
  EXPECT_EQ(kinds_since(monitor, seen),
            (std::vector<std::string>{"drawdown warning production: drawdown 21% (threshold 10%)",
                                      "drawdown critical production: drawdown 21% (threshold 20%)"}));
  box.set_memory(9'600, 10'000);  // 4%: under half of 10% and 20%, not under half of 5%
  monitor.poll_once();
  box.set_memory(8'900, 10'000);  // 11%: 10% again; 5% was never re-armed
  monitor.poll_once();
  EXPECT_EQ(kinds_since(monitor, seen),
            (std::vector<std::string>{"drawdown warning production: drawdown 11% (threshold 10%)"}));
  box.set_memory(9'500, 10'000, true);  // the paper journal has its own
  monitor.poll_once();
  EXPECT_EQ(kinds_since(monitor, seen), (std::vector<std::string>{"drawdown warning paper: drawdown 5% (threshold 5%)"}));
}

TEST(AlertsRules, LifecycleMovesAfterTheStartAreInfoAlerts) {
  test::MonitorSandbox box;
  box.add_strategy("old", "paper", kBar);  // before the monitor: not re-sent
  AlertMonitor monitor(box.files(), AlertOptions{});
  monitor.poll_once();
  std::size_t seen = 0;
  EXPECT_TRUE(kinds_since(monitor, seen).empty());
  box.add_strategy("s1", "validated", kBar);
  monitor.poll_once();
  EXPECT_EQ(kinds_since(monitor, seen), (std::vector<std::string>{"lifecycle info strategy s1: born -> testing",
                                                                  "lifecycle info strategy s1: testing -> validated"}));
}

TEST(AlertsRules, DisconnectionsLongerThanTheLimitAndTheirRecovery) {
  test::MonitorSandbox box;
  core::FixedClock clock(kBar);
  AlertOptions options;
  options.disconnect_seconds = 30;
  AlertMonitor monitor(box.files(), options, &clock);
  DaemonStatus s;
  s.pid = 7;
  s.url = "http://127.0.0.1:9";
  s.heartbeat_ms = kBar;
  s.exchange_connected = false;
  s.exchange_since_ms = kBar - 20'000;
  s.errors = {{kBar - 5'000, "old error"}};
  box.write_daemon(s);
  std::size_t seen = 0;
  monitor.poll_once();  // down for 20 s: not yet
  EXPECT_TRUE(kinds_since(monitor, seen).empty());
  clock.advance(11'000);
  s.heartbeat_ms = clock.now();
  s.errors.push_back({clock.now() - 1, "order rejected: margin"});
  box.write_daemon(s);
  monitor.poll_once();
  EXPECT_EQ(kinds_since(monitor, seen), (std::vector<std::string>{"disconnect critical exchange disconnected",
                                                                   "error error daemon error"}));
  monitor.poll_once();  // still down: no second alert
  EXPECT_TRUE(kinds_since(monitor, seen).empty());
  s.exchange_connected = true;
  box.write_daemon(s);
  monitor.poll_once();
  EXPECT_EQ(kinds_since(monitor, seen), (std::vector<std::string>{"recovery info exchange reconnected"}));
  clock.advance(31'000);  // the daemon stopped writing
  monitor.poll_once();
  EXPECT_EQ(kinds_since(monitor, seen), (std::vector<std::string>{"disconnect critical daemon silent"}));
  s.heartbeat_ms = clock.now();
  box.write_daemon(s);
  monitor.poll_once();
  EXPECT_EQ(kinds_since(monitor, seen), (std::vector<std::string>{"recovery info daemon back"}));
  EXPECT_EQ(monitor.recent(100)[1].text, "order rejected: margin");
}

TEST(AlertsRules, TheKeysHaveDefaultsAndRefuseBadValues) {
  core::Config config(config_keys());
  const auto o = alert_options_from(config);
  EXPECT_EQ(o.drawdown_thresholds, (std::vector<double>{0.05, 0.10, 0.20}));
  EXPECT_EQ(o.disconnect_seconds, 30);
  EXPECT_EQ(o.repeat_seconds, 300);
  EXPECT_EQ(o.poll_ms, 250);
  EXPECT_TRUE(o.webhooks.empty());
  EXPECT_EQ(o.webhook_timeout_ms, 2'000);
  EXPECT_EQ(o.webhook_retries, 3);
  EXPECT_TRUE(o.log);
  config.set("alerts.webhooks", "https://hooks.example.com/x, http://127.0.0.1:9000/hook", "test");
  EXPECT_EQ(alert_options_from(config).webhooks.size(), 2u);
  config.set("alerts.webhooks", "http://hooks.example.com/x", "test");
  EXPECT_THROW(alert_options_from(config), core::UsageError);
  config.set("alerts.webhooks", "", "test");
  config.set("alerts.drawdown_thresholds", "0.05,1.5", "test");
  EXPECT_THROW(alert_options_from(config), core::UsageError);
}

}  // namespace
}  // namespace organism::monitor

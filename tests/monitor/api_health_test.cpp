// The health rules (docs/api.md) on hand-made inputs, one rule at a time, the score and its
// status, and GET /health over the files of api_fixture.hpp.
#include <gtest/gtest.h>

#include "api_fixture.hpp"
#include "monitor/api/health.hpp"

namespace organism::test {
namespace {

using monitor::api::ComponentStatus;
using monitor::api::compute_health;
using monitor::api::HealthInputs;
using S = ComponentStatus;

constexpr core::TimeMs kNowMs = 1'800'000'000'000;
constexpr core::TimeMs kH = 3'600'000;

// Everything healthy: a live daemon, connected, the feed and the scheduler on the newest bar.
HealthInputs healthy() {
  HealthInputs in;
  in.now = kNowMs;
  in.store_open = true;
  in.store_schema = 8;
  in.interval_ms = kH;
  in.newest_bar = kNowMs - kH - 5'000;  // the last closed bar opened an interval ago
  in.newest_bar_series = "hyperliquid:BTC:1h";
  monitor::DaemonStatus d;
  d.pid = 42;
  d.heartbeat_ms = kNowMs - 500;
  d.interval = "1h";
  d.coins = {"BTC"};
  d.url = "http://127.0.0.1:1";
  d.exchange_connected = true;
  d.exchange_since_ms = kNowMs - 100 * kH;
  d.last_bar = *in.newest_bar;
  d.scheduler_last_bar = *in.newest_bar;
  d.scheduler_last_wall_ms = kNowMs - 2'000;
  in.daemon = d;
  in.risk_state = "ACTIVE";
  in.evolution = monitor::api::EvolutionHealthInputs{};
  return in;
}

S status_of(const HealthInputs& in, const std::string& name) {
  for (const auto& c : compute_health(in).components) {
    if (c.name == name) return c.status;
  }
  ADD_FAILURE() << "no component " << name;
  return S::unknown;
}

TEST(Health, AllOkIsScore100SixOfSix) {
  const auto r = compute_health(healthy());
  EXPECT_DOUBLE_EQ(r.score, 100);
  EXPECT_EQ(r.status, "ok");
  EXPECT_EQ(r.connected, 6);
  EXPECT_EQ(r.total, 6);
  std::vector<std::string> names;
  for (const auto& c : r.components) names.push_back(c.name);
  EXPECT_EQ(names, (std::vector<std::string>{"store", "data_feed", "exchange", "risk", "evolution_worker",
                                             "lifecycle_scheduler"}));
}

TEST(Health, StoreDownWhenItCannotBeOpened) {
  auto in = healthy();
  in.store_open = false;
  in.store_error = "store /x.db does not exist";
  const auto r = compute_health(in);
  EXPECT_EQ(r.components[0].status, S::down);
  EXPECT_EQ(r.components[0].detail, "store /x.db does not exist");
  EXPECT_DOUBLE_EQ(r.score, 83.3);  // 10 of the weights 2+2+3+3+1+1, to one decimal
}

TEST(Health, DataFeedByTheNewestBarsAge) {
  auto in = healthy();
  in.newest_bar = kNowMs - 2 * kH - 60'000;  // exactly 2 intervals + 1 min
  EXPECT_EQ(status_of(in, "data_feed"), S::ok);
  in.newest_bar = *in.newest_bar - 1;
  EXPECT_EQ(status_of(in, "data_feed"), S::degraded);
  in.newest_bar = kNowMs - 5 * kH;
  EXPECT_EQ(status_of(in, "data_feed"), S::degraded);
  in.newest_bar = kNowMs - 5 * kH - 1;
  EXPECT_EQ(status_of(in, "data_feed"), S::down);
  in.newest_bar.reset();
  EXPECT_EQ(status_of(in, "data_feed"), S::down);  // the daemon's coins have no bar at all
  in.daemon.reset();
  EXPECT_EQ(status_of(in, "data_feed"), S::unknown);
}

TEST(Health, ExchangeByHeartbeatAndConnection) {
  auto in = healthy();
  in.daemon->heartbeat_ms = kNowMs - 10'000;
  EXPECT_EQ(status_of(in, "exchange"), S::ok);
  in.daemon->heartbeat_ms = kNowMs - 10'001;
  EXPECT_EQ(status_of(in, "exchange"), S::down);  // the daemon is gone or hangs
  in = healthy();
  in.daemon->exchange_connected = false;
  in.daemon->exchange_since_ms = kNowMs - 30'000;
  EXPECT_EQ(status_of(in, "exchange"), S::degraded);
  in.daemon->exchange_since_ms = kNowMs - 30'001;
  EXPECT_EQ(status_of(in, "exchange"), S::down);
  in.daemon.reset();
  EXPECT_EQ(status_of(in, "exchange"), S::unknown);
}

TEST(Health, RiskByTheTradingState) {
  auto in = healthy();
  in.risk_state = "REDUCING";
  EXPECT_EQ(status_of(in, "risk"), S::degraded);
  in.risk_state = "HALTED";
  EXPECT_EQ(status_of(in, "risk"), S::down);
  in.risk_state.reset();
  EXPECT_EQ(status_of(in, "risk"), S::unknown);
}

TEST(Health, EvolutionWorkerByItsResumeAttempts) {
  auto in = healthy();
  in.evolution->child_pid = 77;
  in.evolution->cycle_started_wall = kNowMs - 60'000;
  const auto running = compute_health(in).components[4];
  EXPECT_EQ(running.status, S::ok);
  EXPECT_EQ(running.age_ms, 60'000);
  in.evolution->resume_attempts = 1;
  EXPECT_EQ(status_of(in, "evolution_worker"), S::degraded);
  in.evolution->resume_attempts = 3;
  EXPECT_EQ(status_of(in, "evolution_worker"), S::down);
  in.daemon.reset();
  EXPECT_EQ(status_of(in, "evolution_worker"), S::unknown);
}

TEST(Health, LifecycleSchedulerWithinTwoIntervalsOfTheNewestBar) {
  auto in = healthy();
  in.daemon->scheduler_last_bar = *in.newest_bar - 2 * kH;
  EXPECT_EQ(status_of(in, "lifecycle_scheduler"), S::ok);
  in.daemon->scheduler_last_bar -= 1;
  EXPECT_EQ(status_of(in, "lifecycle_scheduler"), S::degraded);
  in.daemon->scheduler_last_bar = *in.newest_bar - 5 * kH - 1;
  EXPECT_EQ(status_of(in, "lifecycle_scheduler"), S::down);
  in.daemon->scheduler_last_bar = 0;
  EXPECT_EQ(status_of(in, "lifecycle_scheduler"), S::degraded);  // not evaluated yet
  in.daemon->heartbeat_ms = kNowMs - 60'000;
  EXPECT_EQ(status_of(in, "lifecycle_scheduler"), S::unknown);
}

TEST(Health, ScoreWeightsAndStatusThresholds) {
  auto in = healthy();
  in.risk_state = "REDUCING";  // 3 x 0.5 lost of 12
  auto r = compute_health(in);
  EXPECT_DOUBLE_EQ(r.score, 87.5);
  EXPECT_EQ(r.status, "degraded");
  EXPECT_EQ(r.connected, 5);
  in.risk_state = "ACTIVE";
  in.evolution->resume_attempts = 1;  // 1 x 0.5 lost of 12
  r = compute_health(in);
  EXPECT_DOUBLE_EQ(r.score, 95.8);
  EXPECT_EQ(r.status, "ok");
  in = healthy();
  in.daemon->exchange_connected = false;  // exchange 3 and risk 3 down: 6 of 12
  in.daemon->exchange_since_ms = kNowMs - 60'000;
  in.risk_state = "HALTED";
  r = compute_health(in);
  EXPECT_DOUBLE_EQ(r.score, 50);
  EXPECT_EQ(r.status, "degraded");
  in.store_open = false;
  EXPECT_EQ(compute_health(in).status, "down");
}

TEST(Health, UnknownCountsAsDownOnlyWhileADaemonIsAlive) {
  auto in = healthy();
  in.risk_state.reset();  // unknown risk with a fresh heartbeat: down, weight 3
  auto r = compute_health(in);
  EXPECT_DOUBLE_EQ(r.score, 75);
  EXPECT_EQ(r.connected, 5);
  // No daemon at all: data_feed, exchange, evolution and scheduler unknown and left out with risk.
  in.daemon.reset();
  r = compute_health(in);
  EXPECT_DOUBLE_EQ(r.score, 100);  // only the store counts
  EXPECT_EQ(r.connected, 1);
  EXPECT_EQ(r.status, "ok");
}

TEST(HealthRoute, PublicAndReadFromTheFiles) {
  ApiFixture f;
  monitor::DaemonStatus d;
  d.pid = 7;
  d.heartbeat_ms = kNow - 1'000;
  d.interval = "1h";
  d.coins = {"BTC", "ETH"};
  d.exchange_connected = true;
  d.last_bar = kT0 + 9 * kHour;
  d.scheduler_last_bar = kT0 + 9 * kHour;
  d.scheduler_last_wall_ms = kNow - 2'000;
  f.write_daemon(d, 1);
  const auto r = call(f.sources, "GET", "/health");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto j = json_of(r);
  std::vector<std::string> keys;
  for (const auto& [k, v] : j.items()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"time", "score", "status", "connected", "total", "components"}));
  EXPECT_EQ(j["time"], kNow);
  EXPECT_EQ(j["total"], 6);
  const auto& c = j["components"];
  EXPECT_EQ(c[0]["status"], "ok");
  // ETH's newest bar (kT0 + 7h) is the stalest of the daemon's coins: 3h 1min old at kNow.
  EXPECT_EQ(c[1]["status"], "degraded");
  EXPECT_EQ(c[1]["age_ms"], kNow - (kT0 + 7 * kHour));
  EXPECT_EQ(c[2]["status"], "ok");
  EXPECT_EQ(c[3]["status"], "degraded");  // the production journal is REDUCING
  EXPECT_EQ(c[4]["status"], "degraded");  // one failed resume
  EXPECT_EQ(c[5]["status"], "ok");
  EXPECT_TRUE(c[3]["age_ms"].is_null());
  // store 2 + feed 2 x 0.5 + exchange 3 + risk 3 x 0.5 + worker 1 x 0.5 + scheduler 1 = 9 of 12
  EXPECT_DOUBLE_EQ(j["score"].get<double>(), 75);
  EXPECT_EQ(j["connected"], 3);
}

}  // namespace
}  // namespace organism::test

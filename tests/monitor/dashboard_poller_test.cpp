// The dashboard's poller against a scripted API on loopback: one GET per route per round with the
// bearer token, the API's loss and return, and the data kept in between.
#include <cstdint>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "dashboard_fixtures.hpp"
#include "exchange/loopback_http_server.hpp"
#include "monitor/dashboard/dashboard_poller.hpp"

namespace organism::monitor::dashboard {
namespace {

test::ScriptedReply fixture_reply(const test::HttpExchange& request) {
  static const auto fixtures = test::dashboard_fixtures();
  const auto it = fixtures.find(request.target);
  if (it == fixtures.end()) return {404, R"({"error": "no route"})"};
  return {200, it->second};
}

TEST(DashboardPoller, OneRoundIsOneGetPerRouteWithTheToken) {
  test::LoopbackHttpServer api(fixture_reply);
  core::FixedClock clock(test::kFixtureNowMs);
  PollerOptions o;
  o.url = api.url();
  o.token = "secret-token-0123456789";
  Poller poller(o, clock);
  poller.poll_once();
  const auto requests = api.requests();
  ASSERT_EQ(requests.size(), kRouteCount);
  for (std::size_t i = 0; i < kRouteCount; ++i) {
    EXPECT_EQ(requests[i].method, "GET");
    EXPECT_EQ(requests[i].target, route_path(kAllRoutes[i]));
    EXPECT_EQ(requests[i].authorization, "Bearer secret-token-0123456789");
  }
  DashboardState state;
  EXPECT_NE(poller.snapshot(state, 0), 0u);
  for (const Route r : kAllRoutes) EXPECT_TRUE(state.json(r)) << route_path(r);
  EXPECT_FALSE(state.unreachable_since);
  EXPECT_EQ(poller.rounds(), 1u);
}

TEST(DashboardPoller, BetweenFullRoundsOnlyTheFastRoutesArePolled) {
  test::LoopbackHttpServer api(fixture_reply);
  core::FixedClock clock(test::kFixtureNowMs);
  PollerOptions o;
  o.url = api.url();
  Poller poller(o, clock);
  std::size_t fast = 0;
  for (const Route r : kAllRoutes) fast += is_fast_route(r);
  ASSERT_EQ(fast, 4u);
  std::size_t expected = 0;
  for (std::uint64_t round = 0; round < 2 * kFullRoundEvery + 1; ++round) {
    poller.poll_once();
    expected += round % kFullRoundEvery == 0 ? kRouteCount : fast;
    ASSERT_EQ(api.requests().size(), expected) << "round " << round;
  }
  poller.refresh_now();  // `r`: the next round is a full one
  poller.poll_once();
  EXPECT_EQ(api.requests().size(), expected + kRouteCount);
}

TEST(DashboardPoller, NoTokenNoHeader) {
  test::LoopbackHttpServer api(fixture_reply);
  core::FixedClock clock(0);
  PollerOptions o;
  o.url = api.url();
  Poller poller(o, clock);
  poller.poll_once();
  for (const auto& r : api.requests()) EXPECT_EQ(r.authorization, "");
}

TEST(DashboardPoller, LostApiKeepsTheDataAndRecoversOnTheSamePort) {
  auto api = std::make_unique<test::LoopbackHttpServer>(fixture_reply);
  const std::uint16_t port = api->port();
  core::FixedClock clock(test::kFixtureNowMs);
  PollerOptions o;
  o.url = api->url();
  o.timeout_ms = 1000;
  Poller poller(o, clock);
  poller.poll_once();
  api.reset();
  clock.advance(3000);
  poller.poll_once();  // the first route fails, the round stops there
  DashboardState state;
  poller.snapshot(state, 0);
  ASSERT_TRUE(state.unreachable_since);
  EXPECT_EQ(*state.unreachable_since, test::kFixtureNowMs + 3000);
  EXPECT_FALSE(state.unreachable_why.empty());
  EXPECT_TRUE(state.json(Route::positions)) << "the last data stays";
  EXPECT_EQ(poller.rounds(), 2u);

  api = std::make_unique<test::LoopbackHttpServer>(fixture_reply, port);
  poller.poll_once();
  poller.snapshot(state, 0);
  EXPECT_FALSE(state.unreachable_since);
  EXPECT_EQ(api->requests().size(), kRouteCount);
}

TEST(DashboardPoller, RemotePlainHttpIsRefused) {
  core::FixedClock clock(0);
  PollerOptions o;
  o.url = "http://192.0.2.10:8080";
  EXPECT_THROW(Poller(o, clock), core::UsageError);
}

}  // namespace
}  // namespace organism::monitor::dashboard

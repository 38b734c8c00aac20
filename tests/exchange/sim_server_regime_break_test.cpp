// `organism exchange-sim` regime breaks as a process: the control request from the current market
// time, --regime-break on the command line, their survival across a kill -9 with --state-dir, and
// usage errors naming the bad item (docs/exchange-sim.md).
#include <gtest/gtest.h>

#include <array>
#include <cmath>

#include "core/json_input.hpp"
#include "core/time.hpp"
#include "sim_server_client.hpp"
#include "sim_server_process.hpp"

namespace organism::test {
namespace {

using Json = nlohmann::ordered_json;

Json parsed(const std::string& text) { return core::parse_ordered_json(text, "reply"); }

// The 1m candles of `coin` from kSimFirstBar to `end` as (open, high, low, close).
std::vector<std::array<double, 4>> candles(HttpClient& http, const std::string& coin, std::int64_t end) {
  const Json req{{"type", "candleSnapshot"},
                 {"req", {{"coin", coin}, {"interval", "1m"}, {"startTime", kSimFirstBar}, {"endTime", end}}}};
  std::vector<std::array<double, 4>> out;
  for (const auto& c : parsed(http.post("/info", req.dump()).body)) {
    out.push_back({std::stod(c.at("o").get<std::string>()), std::stod(c.at("h").get<std::string>()),
                   std::stod(c.at("l").get<std::string>()), std::stod(c.at("c").get<std::string>())});
  }
  return out;
}

double status_time(HttpClient& http) {
  return parsed(http.post("/control", R"({"type":"status"})").body).at("marketTime").get<double>();
}

TEST(SimServerRegimeBreak, ControlRequestMirrorsFromTheCurrentBarAndSurvivesKill9) {
  TempDir dir;
  const std::string state_dir = (dir.path() / "state").string();
  const std::int64_t from = kSimFirstBar + 500 * core::kMinuteMs;  // the default --from
  std::vector<std::array<double, 4>> plain, broken_btc, plain_eth;
  {
    SimProcess reference({"--speed", "0"});
    ASSERT_TRUE(reference.started());
    HttpClient http(reference.port());
    ASSERT_EQ(http.post("/control", Json{{"type", "advanceTo"}, {"time", from + 60 * core::kMinuteMs}}.dump()).status, 200);
    plain = candles(http, "BTC", from + 60 * core::kMinuteMs);
    plain_eth = candles(http, "ETH", from + 60 * core::kMinuteMs);
  }
  {
    SimProcess sim({"--speed", "0", "--state-dir", state_dir});
    ASSERT_TRUE(sim.started());
    HttpClient http(sim.port());
    // At --from + 10 min, on a bar open: the break starts at this bar, P its open.
    ASSERT_EQ(http.post("/control", Json{{"type", "advanceTo"}, {"time", from + 10 * core::kMinuteMs}}.dump()).status, 200);
    const auto bad = http.post("/control", R"({"type":"fault","fault":"regimeBreak","coin":"BTC","exponent":0})");
    EXPECT_EQ(bad.status, 400);
    EXPECT_NE(bad.body.find("non-zero"), std::string::npos) << bad.body;
    EXPECT_EQ(http.post("/control", R"({"type":"fault","fault":"regimeBreak","coin":"XYZ","exponent":-1})").status, 400);
    const auto ok = http.post("/control", R"({"type":"fault","fault":"regimeBreak","coin":"BTC","exponent":-1})");
    ASSERT_EQ(ok.status, 200) << ok.body;
    EXPECT_EQ(parsed(ok.body).at("time").get<std::int64_t>(), from + 10 * core::kMinuteMs);
    ASSERT_EQ(http.post("/control", R"({"type":"advance","steps":1})").status, 200);  // saved after a control request
    EXPECT_EQ(sim.stop(SIGKILL), 128 + SIGKILL);
  }
  SimProcess again({"--speed", "0", "--state-dir", state_dir});
  ASSERT_TRUE(again.started());
  HttpClient http(again.port());
  EXPECT_GT(status_time(http), static_cast<double>(from + 10 * core::kMinuteMs));
  ASSERT_EQ(http.post("/control", Json{{"type", "advanceTo"}, {"time", from + 60 * core::kMinuteMs}}.dump()).status, 200);
  broken_btc = candles(http, "BTC", from + 60 * core::kMinuteMs);
  const auto eth = candles(http, "ETH", from + 60 * core::kMinuteMs);
  ASSERT_EQ(broken_btc.size(), plain.size());
  ASSERT_GT(plain.size(), 510u);
  const std::size_t at = 510;  // the bar of from + 10 min
  const double pivot = plain[at][0];
  for (std::size_t k = 0; k < plain.size(); ++k) {
    if (k < at) {
      EXPECT_EQ(broken_btc[k], plain[k]) << k;  // the past is untouched
      continue;
    }
    // P^2 / x, snapped: BTC near 42000 has integer ticks, so within half a dollar.
    EXPECT_NEAR(broken_btc[k][0], pivot * pivot / plain[k][0], 0.5 + 1e-6) << k;
    EXPECT_NEAR(broken_btc[k][1], pivot * pivot / plain[k][2], 0.5 + 1e-6) << k;
    EXPECT_NEAR(broken_btc[k][2], pivot * pivot / plain[k][1], 0.5 + 1e-6) << k;
    EXPECT_NEAR(broken_btc[k][3], pivot * pivot / plain[k][3], 0.5 + 1e-6) << k;
  }
  EXPECT_EQ(broken_btc[at][0], pivot);
  EXPECT_EQ(eth, plain_eth);  // the coin without a break is untouched
  // The mid follows the transformed path.
  const double mid = std::stod(parsed(http.post("/info", R"({"type":"allMids"})").body).at("BTC").get<std::string>());
  EXPECT_NEAR(mid, broken_btc.back()[3], 0.5 * std::fabs(broken_btc.back()[1] - broken_btc.back()[2]) + 1);
}

TEST(SimServerRegimeBreak, CommandLineBreakAndBadItemsAreUsageErrors) {
  const std::int64_t from = kSimFirstBar + 500 * core::kMinuteMs;
  SimProcess sim({"--speed", "0", "--regime-break", "ETH@2024-01-01T08:30:2"});
  ASSERT_TRUE(sim.started());
  HttpClient http(sim.port());
  ASSERT_EQ(http.post("/control", Json{{"type", "advanceTo"}, {"time", from + 20 * core::kMinuteMs}}.dump()).status, 200);
  SimProcess reference({"--speed", "0"});
  ASSERT_TRUE(reference.started());
  HttpClient ref(reference.port());
  ASSERT_EQ(ref.post("/control", Json{{"type", "advanceTo"}, {"time", from + 20 * core::kMinuteMs}}.dump()).status, 200);
  const auto got = candles(http, "ETH", from + 20 * core::kMinuteMs);
  const auto want = candles(ref, "ETH", from + 20 * core::kMinuteMs);
  ASSERT_EQ(got.size(), want.size());
  const std::size_t at = 510;  // 08:30
  const double pivot = want[at][0];
  EXPECT_EQ(got[at - 1], want[at - 1]);
  for (std::size_t k = at; k < got.size(); ++k) {
    const double expect_close = pivot * std::pow(want[k][3] / pivot, 2);
    EXPECT_NEAR(got[k][3], expect_close, 0.05 + 1e-6) << k;  // ETH near 2200: ticks of 0.1
  }
  for (const char* bad : {"ETH@noon:2", "DOGE@2024-01-01:2", "ETH@2024-01-01T08:30:0", "ETH@2030-01-01:-1"}) {
    const auto r = run_organism({"--db", sim_test_store(), "exchange-sim", "--speed", "0", "--regime-break", bad});
    EXPECT_EQ(r.exit_code, 2) << bad << ": " << r.err;
    EXPECT_NE(r.err.find(std::string("bad item '") + bad + "'"), std::string::npos) << r.err;
  }
}

}  // namespace
}  // namespace organism::test

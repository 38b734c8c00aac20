// A small simulated exchange for the SimApi tests: two coins of synthetic 1-minute bars, a fixed
// wall clock, and signing helpers with the keys of vectors.json. Used by tests/exchange/sim_api_*.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "exchange/hyperliquid/signing.hpp"
#include "exchange/sim_api/sim_api.hpp"
#include "exchange_test_support.hpp"

namespace organism::exchange::sim_api::testing {

using test_support::order_action;

inline constexpr core::TimeMs kFirstBar = 1'699'999'200'000;  // an hour boundary
inline constexpr int kBars = 300;
inline constexpr int kHistoryBars = 120;  // bars before the replay's start
inline constexpr core::TimeMs kStart = kFirstBar + kHistoryBars * core::kMinuteMs;
inline constexpr core::TimeMs kWallNow = 1'760'000'000'000;  // unrelated to market time on purpose
inline constexpr const char* kKeyA =
    "0x0123456789012345678901234567890123456789012345678901234567890123";
inline constexpr const char* kKeyB =
    "0xe908f86dbb4d55ac876378565aafeabc187f6690f046459397b17d9b9a19688e";
inline constexpr const char* kAddressA = "0x14791697260e4c9a71f18484c9f997b308e59325";

// BTC bar i: open 30000 + i, high open + 20, low open - 20, close open + 1; ETH the same shape
// around 2000 with +-2. Volume 5 and 50.
inline data::Bar btc_bar(int i) {
  const double open = 30000 + i;
  return {kFirstBar + i * core::kMinuteMs, open, open + 20, open - 20, open + 1, 5, 40};
}
inline data::Bar eth_bar(int i) {
  const double open = 2000 + 0.1 * i;
  return {kFirstBar + i * core::kMinuteMs, open, open + 2, open - 2, open + 0.1, 50, 60};
}

inline sim::MarketReplay make_market() {
  std::vector<sim::CoinMarketData> coins(2);
  coins[0].spec = {"BTC", 5, 50, false};
  coins[1].spec = {"ETH", 4, 50, false};
  for (int i = 0; i < kBars; ++i) {
    coins[0].bars.push_back(btc_bar(i));
    coins[1].bars.push_back(eth_bar(i));
  }
  data::FundingSeries funding;
  funding.coin = "BTC";
  for (int h = 0; h < 6; ++h) {
    funding.time.push_back(kFirstBar + h * core::kHourMs);
    funding.rate.push_back(0.0000125 * (h + 1));
  }
  coins[0].funding = funding;
  sim::MarketConfig config;
  config.from = kStart;
  config.seed = 1;
  return sim::MarketReplay(std::move(coins), config);
}

inline sim::Engine make_engine() {
  return sim::Engine({{"BTC", 5, 50, false}, {"ETH", 4, 50, false}}, sim::EngineConfig{});
}

struct SimFixture : ::testing::Test {
  core::FixedClock wall{kWallNow};
  SimApi api{make_market(), make_engine(), wall};
  std::uint64_t next_nonce = static_cast<std::uint64_t>(kWallNow);

  void SetUp() override { control(R"({"type":"advance","steps":1})"); }

  Json control(const std::string& body) {
    const Reply reply = api.control(body);
    EXPECT_EQ(reply.status, 200) << reply.body;
    return Json::parse(reply.body);
  }
  Json info(const Json& body) {
    const Reply reply = api.info(body.dump());
    EXPECT_EQ(reply.status, 200) << body.dump() << " -> " << reply.body;
    return reply.status == 200 ? Json::parse(reply.body) : Json();
  }
  // The envelope of an L1 action signed by `key_hex`, as the SDKs post it.
  Json signed_l1(const Json& action, const char* key_hex, bool mainnet = true,
                 std::uint64_t nonce = 0) {
    if (nonce == 0) nonce = ++next_nonce;
    return test_support::signed_envelope(action, hl::PrivateKey::from_hex(key_hex), nonce,
                                         mainnet);
  }
  Json post(const Json& envelope) {
    const Reply reply = api.exchange(envelope.dump());
    EXPECT_EQ(reply.status, 200) << envelope.dump() << " -> " << reply.body;
    return reply.status == 200 ? Json::parse(reply.body) : Json();
  }
  Json act(const Json& action, const char* key_hex = kKeyA) {
    return post(signed_l1(action, key_hex));
  }

  static std::string address_of(const char* key_hex) {
    return hl::PrivateKey::from_hex(key_hex).address().hex();
  }
};

inline double num(const Json& text) { return std::stod(text.get<std::string>()); }

}  // namespace organism::exchange::sim_api::testing

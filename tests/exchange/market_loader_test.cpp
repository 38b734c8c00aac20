// Building the simulator's market from the store (market_loader.hpp).
#include "exchange/sim/market_loader.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "exchange/market_test_support.hpp"
#include "support/test_support.hpp"

namespace organism::exchange::sim {
namespace {

constexpr core::TimeMs kT0 = 1'704'067'200'000;

data::Candles hourly(int n, double price) {
  data::Candles c;
  for (int i = 0; i < n; ++i)
    c.push_back({kT0 + i * core::kHourMs, price, price + 1, price - 1, price, 1});
  return c;
}

data::FundingSeries funding(const std::string& venue, const std::string& coin, double rate,
                            core::TimeMs every) {
  data::FundingSeries f;
  f.venue = venue;
  f.coin = coin;
  f.interval_ms = every;
  f.time = {kT0, kT0 + every};
  f.rate = {rate, rate};
  return f;
}

struct StoreFixture : ::testing::Test {
  test::TempDir dir;
  data::Store store = data::Store::open((dir / "s.db").string());
  void SetUp() override {
    const auto h1 = *core::Interval::parse("1h");
    const auto m5 = *core::Interval::parse("5m");
    store.upsert_candles({"binance", "BTC", h1}, hourly(700, 40000).view());
    store.upsert_candles({"hyperliquid", "BTC", h1}, hourly(600, 40010).view());
    data::Candles fine;
    for (int i = 0; i < 20; ++i)
      fine.push_back({kT0 + i * 5 * core::kMinuteMs, 40000, 40001, 39999, 40000, 1});
    store.upsert_candles({"hyperliquid", "BTC", m5}, fine.view());
    store.upsert_candles({"binance", "ETH", h1}, hourly(300, 2000).view());
    store.upsert_candles({"okx", "ETH", h1}, hourly(200, 2001).view());
    store.upsert_candles({"binance", "ZZZ", h1}, hourly(10, 123.4).view());
    store.upsert_funding(funding("hyperliquid", "BTC", 0.0001, core::kHourMs));
    store.upsert_funding(funding("binance", "ETH", 0.0003, 8 * core::kHourMs));
  }
};

TEST_F(StoreFixture, PicksTheFinestCommonIntervalHyperliquidFirstThenTheMostBars) {
  const auto m = load_market(store, {"BTC", "ETH"});
  EXPECT_EQ(m.interval.name(), "1h");  // BTC has 5m too, ETH only 1h
  EXPECT_EQ(m.venues, (std::vector<std::string>{"hyperliquid", "binance"}));
  ASSERT_EQ(m.coins.size(), 2u);
  EXPECT_EQ(m.coins[0].bars.size(), 600u);
  EXPECT_EQ(m.coins[0].spec.sz_decimals, 5);
  EXPECT_EQ(m.coins[0].spec.max_leverage, 40);
  ASSERT_TRUE(m.coins[0].funding.has_value());
  EXPECT_EQ(m.coins[0].funding->venue, "hyperliquid");
  EXPECT_EQ(m.coins[1].bars.size(), 300u);
  EXPECT_EQ(m.coins[1].spec.sz_decimals, 4);
  EXPECT_EQ(m.coins[1].funding->interval_ms, 8 * core::kHourMs);
  const auto fine = load_market(store, {"BTC"});
  EXPECT_EQ(fine.interval.name(), "5m");
}

TEST_F(StoreFixture, FundingFromAnotherVenueWhenTheCandleVenueHasNone) {
  const auto m = load_market(store, {"ETH"}, "1h");
  EXPECT_EQ(m.venues, std::vector<std::string>{"binance"});
  ASSERT_TRUE(m.coins[0].funding.has_value());
  store.delete_funding("binance", "ETH");
  store.upsert_funding(funding("okx", "ETH", 0.0002, core::kHourMs));
  const auto other = load_market(store, {"ETH"}, "1h");
  ASSERT_TRUE(other.coins[0].funding.has_value());
  EXPECT_EQ(other.coins[0].funding->venue, "okx");
  const auto none = load_market(store, {"ZZZ"}, "1h");
  EXPECT_FALSE(none.coins[0].funding.has_value());
}

TEST_F(StoreFixture, ErrorsNameTheMissingCoinOrIntervalAndListTheStore) {
  const std::string have =
      "it has BTC 1h (binance, hyperliquid), BTC 5m (hyperliquid), ETH 1h (binance, okx), ZZZ 1h "
      "(binance)";
  try {
    load_market(store, {"BTC", "XRP"}, "1h");
    FAIL();
  } catch (const core::Error& e) {
    EXPECT_EQ(std::string(e.what()), "no XRP candles at 1h in store " + store.path() + "; " + have);
  }
  try {
    load_market(store, {"ETH"}, "5m");
    FAIL();
  } catch (const core::Error& e) {
    EXPECT_EQ(std::string(e.what()), "no ETH candles at 5m in store " + store.path() + "; " + have);
  }
  try {
    load_market(store, {"BTC", "XRP"});
    FAIL();
  } catch (const core::Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "no interval holds candles of all of BTC,XRP in store " + store.path() + "; " + have);
  }
  EXPECT_THROW(load_market(store, {"BTC"}, "7m"), core::UsageError);
}

TEST(MarketLoader, AssetSpecsFromTheSnapshotElseFromThePriceLevel) {
  EXPECT_EQ(asset_spec_for("BTC", 1).sz_decimals, 5);
  EXPECT_EQ(asset_spec_for("SOL", 1).max_leverage, 20);
  // Unknown coins: one lot worth $0.1 .. $1.
  EXPECT_EQ(asset_spec_for("ZZZ", 123.4).sz_decimals, 3);   // 0.001 x 123.4 = $0.12
  EXPECT_EQ(asset_spec_for("ZZZ", 0.5).sz_decimals, 0);     // $0.5
  EXPECT_EQ(asset_spec_for("ZZZ", 9.99).sz_decimals, 1);    // $0.999
  EXPECT_EQ(asset_spec_for("ZZZ", 0.0001).sz_decimals, 0);  // clamped: $0.0001
  EXPECT_EQ(asset_spec_for("ZZZ", 5e7).sz_decimals, 6);     // clamped
  EXPECT_EQ(asset_spec_for("ZZZ", 10).max_leverage, 10);
}

TEST(MarketLoader, DefaultFromLeavesAWarmupOf500BarsWhenTheDataAllows) {
  CoinMarketData a, b;
  a.bars = hourly(700, 10);
  b.bars = hourly(600, 10);
  EXPECT_EQ(default_from({a, b}), kT0 + 500 * core::kHourMs);
  b.bars = hourly(300, 10);
  EXPECT_EQ(default_from({a, b}), kT0);  // b has no bar 500: the first bar
  EXPECT_EQ(default_from({a}, 10), kT0 + 10 * core::kHourMs);
}

}  // namespace
}  // namespace organism::exchange::sim

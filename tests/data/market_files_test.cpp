// The market of the backtest command's inputs: a candle file with an optional funding file
// (data::market_from_files), and a stored market built without funding or the store's sentiment.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "core/error.hpp"
#include "data/align.hpp"
#include "data/market.hpp"
#include "support/test_support.hpp"

namespace organism::data {
namespace {

using test::TempDir;

constexpr TimeMs kStart = 1'704'067'200'000;  // 2024-01-01 00:00 UTC
const core::Interval kHour = *core::Interval::parse("1h");

// 24 hourly bars under ohlcv/hyperliquid/ETH-1h.csv, and funding settled at each bar's end.
struct Files {
  TempDir dir;
  std::string candles = (dir / "ohlcv/hyperliquid/ETH-1h.csv").string();
  std::string funding = (dir / "funding.csv").string();
  Files() {
    std::filesystem::create_directories(dir / "ohlcv/hyperliquid");
    std::string bars = "time,open,high,low,close,volume\n", rates = "time,rate\n";
    for (int i = 0; i < 24; ++i) {
      bars += std::to_string(kStart + i * core::kHourMs) + ",100,101,99,100,1\n";
      rates += std::to_string(kStart + (i + 1) * core::kHourMs) + "," +
               std::to_string(1e-5 * (i + 1)) + "\n";
    }
    test::write_file(candles, bars);
    test::write_file(funding, rates);
  }
};

TEST(MarketFromFiles, NamesTheSeriesFromThePathAndAlignsItsFunding) {
  Files f;
  const auto m = market_from_files({f.candles, f.funding, "", "", "", ""}, true, std::nullopt);
  EXPECT_EQ(m.interval.name(), "1h");
  ASSERT_EQ(m.coins.size(), 1u);
  const auto& c = m.coins[0];
  EXPECT_EQ(c.label, "hyperliquid:ETH:1h");
  ASSERT_EQ(c.bars.size(), 24u);
  ASSERT_EQ(c.funding_per_bar.size(), 24u);
  EXPECT_DOUBLE_EQ(c.funding_per_bar[0], 1e-5);  // settled at bar 0's end: paid by bar 0
  EXPECT_DOUBLE_EQ(c.funding_per_bar[23], 24e-5);
  EXPECT_TRUE(c.sentiment.empty());
}

// binance funds every 8 hours; the hourly file says so with its funding interval.
TEST(MarketFromFiles, FlagsNameTheSeriesAndNoFundingModelLeavesFundingOut) {
  Files f;
  const auto m =
      market_from_files({f.candles, f.funding, "1h", "binance", "SOL", ""}, false, std::nullopt);
  EXPECT_EQ(m.coins[0].label, "binance:SOL:1h");
  EXPECT_TRUE(m.coins[0].funding_per_bar.empty());
}

TEST(MarketFromFiles, ABadFundingFileIsAnErrorEvenWithoutFunding) {
  Files f;
  test::write_file(f.funding, "time,rate\nnot-a-time,0.1\n");
  EXPECT_THROW(market_from_files({f.candles, f.funding, "", "", "", ""}, false, std::nullopt),
               core::Error);
}

TEST(MarketFromFiles, GivenSentimentIsAlignedToTheBars) {
  Files f;
  const SentimentSeries fg{"fear_greed",
                           {kStart - core::kHourMs, kStart + 12 * core::kHourMs},
                           {20, 80},
                           {"fear", "greed"}};
  const auto m = market_from_files({f.candles, "", "", "", "", ""}, true, fg);
  const auto& c = m.coins[0];
  EXPECT_TRUE(c.funding_per_bar.empty());  // no funding file
  ASSERT_EQ(c.sentiment.size(), 24u);
  EXPECT_EQ(c.sentiment, sentiment_per_bar(c.bars.time(), fg));
  EXPECT_EQ(c.sentiment[0], 20);
}

TEST(MarketBuilder, WithoutFundingOrStoreSentimentTheCoinHasNeither) {
  TempDir dir;
  auto store = Store::open((dir / "store.sqlite").string());
  Candles bars;
  for (int i = 0; i < 10; ++i) bars.push_back({kStart + i * core::kHourMs, 100, 101, 99, 100, 1});
  store.upsert_candles({"binance", "BTC", kHour}, bars.view());
  store.upsert_funding({"binance", "BTC", core::kHourMs, {kStart + core::kHourMs}, {1e-4}});
  store.upsert_sentiment({"fear_greed", {kStart}, {50}, {"neutral"}});
  MarketSpec with{"1h", {"BTC"}, {}};
  const auto full = build_market(store, with);
  EXPECT_EQ(full.coins[0].funding_per_bar.size(), 10u);
  EXPECT_EQ(full.coins[0].sentiment.size(), 10u);
  MarketSpec without{"1h", {"BTC"}, {}};
  without.funding = false;
  without.store_sentiment = false;
  const auto bare = build_market(store, without);
  EXPECT_EQ(bare.coins[0].bars.size(), 10u);
  EXPECT_TRUE(bare.coins[0].funding_per_bar.empty());
  EXPECT_TRUE(bare.coins[0].sentiment.empty());
}

TEST(MarketBuilder, AGivenVenueWithoutTheCoinPointsToTheList) {
  TempDir dir;
  auto store = Store::open((dir / "store.sqlite").string());
  MarketSpec spec{"1h", {"BTC"}, {"binance"}};
  try {
    build_market(store, spec);
    FAIL() << "no throw";
  } catch (const core::Error& e) {
    EXPECT_NE(std::string(e.what()).find("no candles binance:BTC:1h in store"), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("organism data list"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace organism::data

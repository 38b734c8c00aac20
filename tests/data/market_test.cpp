// The market builder: a universe's candles with funding and sentiment aligned bar for bar, the
// venue of a coin stored on several chosen as documented, and a missing coin named.
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.hpp"
#include "data/align.hpp"
#include "data/market.hpp"
#include "support/test_support.hpp"

namespace organism::data {
namespace {

using test::TempDir;

constexpr TimeMs kStart = 1'704'067'200'000;  // 2024-01-01 00:00 UTC
const core::Interval kHour = *core::Interval::parse("1h");

Candles hourly(std::size_t bars, double price) {
  Candles c;
  for (std::size_t i = 0; i < bars; ++i) {
    const double p = price + static_cast<double>(i);
    c.push_back({kStart + static_cast<TimeMs>(i) * core::kHourMs, p, p + 1, p - 1, p + 0.5, 10});
  }
  return c;
}

struct Stored {
  TempDir dir;
  Store store = Store::open((dir / "store.sqlite").string());
  Stored() {
    store.upsert_candles({"hyperliquid", "BTC", kHour}, hourly(48, 100).view());
    store.upsert_candles({"binance", "BTC", kHour}, hourly(72, 200).view());  // more bars
    store.upsert_candles({"binance", "ETH", kHour}, hourly(24, 10).view());
    FundingSeries f{"binance", "BTC", core::kHourMs, {}, {}};
    for (int h = 1; h <= 72; ++h) {
      f.time.push_back(kStart + h * core::kHourMs);
      f.rate.push_back(1e-5 * h);
    }
    store.upsert_funding(f);
  }
};

TEST(MarketBuilder, AlignsFundingAndTakesTheVenueWithTheMostBars) {
  Stored s;
  MarketSpec spec{"1h", {"BTC", "ETH"}, {}};
  const auto m = build_market(s.store, spec, "");
  EXPECT_EQ(spec.venues, (std::vector<std::string>{"binance", "binance"}));
  ASSERT_EQ(m.coins.size(), 2u);
  const auto& btc = m.coins[0];
  EXPECT_EQ(btc.label, "binance:BTC:1h");
  ASSERT_EQ(btc.bars.size(), 72u);
  EXPECT_EQ(btc.bars.close()[0], 200.5);
  // The settlement at the end of bar t (open + 1h) is paid by bar t.
  ASSERT_EQ(btc.funding_per_bar.size(), 72u);
  EXPECT_DOUBLE_EQ(btc.funding_per_bar[0], 1e-5);
  EXPECT_DOUBLE_EQ(btc.funding_per_bar[71], 72e-5);
  EXPECT_TRUE(m.coins[1].funding_per_bar.empty());  // none stored for ETH: none paid
  EXPECT_TRUE(btc.sentiment.empty());               // no sentiment source
}

TEST(MarketBuilder, ThePreferredOrGivenVenueWins) {
  Stored s;
  MarketSpec spec{"1h", {"BTC"}, {}};
  EXPECT_EQ(build_market(s.store, spec, "hyperliquid").coins[0].bars.size(), 48u);
  EXPECT_EQ(spec.venues, std::vector<std::string>{"hyperliquid"});
  MarketSpec given{"1h", {"BTC"}, {"hyperliquid"}};
  EXPECT_EQ(build_market(s.store, given, "binance").coins[0].label, "hyperliquid:BTC:1h");
}

TEST(MarketBuilder, TheOnlySentimentSourceIsAlignedToEveryCoin) {
  Stored s;
  SentimentSeries fg{"fear_greed", {kStart - core::kHourMs, kStart + 24 * core::kHourMs}, {20, 80}, {"fear", "greed"}};
  s.store.upsert_sentiment(fg);
  MarketSpec spec{"1h", {"ETH"}, {}};
  const auto m = build_market(s.store, spec, "");
  ASSERT_EQ(m.coins[0].sentiment.size(), 24u);
  EXPECT_EQ(m.coins[0].sentiment, sentiment_per_bar(m.coins[0].bars.time(), fg));
  EXPECT_EQ(m.coins[0].sentiment[23], 20);
}

TEST(MarketBuilder, AMissingCoinIsNamedWithWhatTheStoreHas) {
  Stored s;
  MarketSpec spec{"1h", {"BTC", "DOGE"}, {}};
  try {
    build_market(s.store, spec, "");
    FAIL() << "no throw";
  } catch (const core::Error& e) {
    EXPECT_NE(std::string(e.what()).find("no DOGE 1h candles"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("BTC,ETH"), std::string::npos) << e.what();
  }
}

// A portfolio trades its coins in one account: only the times every coin has are kept, with
// their funding and sentiment (ETH starts 2 bars later, BTC misses bar 5).
TEST(MarketCommonBars, KeepsOnlyTheTimesEveryCoinHasWithTheirFundingAndSentiment) {
  Market m;
  m.interval = kHour;
  CoinSeries btc{"x:BTC:1h", {}, {}, {}};
  const Candles all = hourly(10, 100);
  for (std::size_t i = 0; i < 10; ++i) {
    if (i == 5) continue;
    btc.bars.push_back(all.bar(i));
    btc.funding_per_bar.push_back(static_cast<double>(i));
    btc.sentiment.push_back(static_cast<double>(10 * i));
  }
  CoinSeries eth{"x:ETH:1h", {}, {}, {}};
  for (std::size_t i = 2; i < 10; ++i) eth.bars.push_back(all.bar(i));
  m.coins = {btc, eth};
  const Market c = common_bars(m);
  const std::vector<TimeMs> want{kStart + 2 * core::kHourMs, kStart + 3 * core::kHourMs, kStart + 4 * core::kHourMs,
                                 kStart + 6 * core::kHourMs, kStart + 7 * core::kHourMs, kStart + 8 * core::kHourMs,
                                 kStart + 9 * core::kHourMs};
  for (const auto& coin : c.coins) {
    const auto t = coin.bars.view().time;
    EXPECT_EQ(std::vector<TimeMs>(t.begin(), t.end()), want) << coin.label;
  }
  EXPECT_EQ(c.coins[0].funding_per_bar, (std::vector<double>{2, 3, 4, 6, 7, 8, 9}));
  EXPECT_EQ(c.coins[0].sentiment, (std::vector<double>{20, 30, 40, 60, 70, 80, 90}));
  EXPECT_TRUE(c.coins[1].funding_per_bar.empty());
  EXPECT_DOUBLE_EQ(c.coins[0].bars.bar(3).close, 106.5);  // bar 6 of the hourly series

  Market apart;
  apart.interval = kHour;
  CoinSeries late{"x:SOL:1h", {}, {}, {}};
  late.bars.push_back({kStart + 100 * core::kHourMs, 1, 2, 0.5, 1.5, 1});
  apart.coins = {btc, late};
  EXPECT_THROW(common_bars(apart), core::Error);
}

}  // namespace
}  // namespace organism::data

// SimApi's POST /info: shapes and numbers of PROTOCOL §3, no future bar, 422 for bad bodies.
#include "exchange/hyperliquid/decimal.hpp"
#include "exchange/sim_api/render.hpp"
#include "sim_api_fixture.hpp"

namespace organism::exchange::sim_api::testing {
namespace {

using SimApiInfo = SimFixture;

TEST_F(SimApiInfo, MetaListsTheUniverseInAssetOrder) {
  EXPECT_EQ(
      info(Json{{"type", "meta"}}).dump(),
      R"({"universe":[{"name":"BTC","szDecimals":5,"maxLeverage":50,"marginTableId":50},)"
      R"({"name":"ETH","szDecimals":4,"maxLeverage":50,"marginTableId":50}],)"
      R"("marginTables":[[50,{"description":"","marginTiers":[{"lowerBound":"0.0","maxLeverage":50}]}]],)"
      R"("collateralToken":0})");
  // The Python SDK sends "dex": "" on meta.
  EXPECT_EQ(info(Json{{"type", "meta"}, {"dex", ""}})["universe"].size(), 2u);
}

TEST_F(SimApiInfo, SpotAndDexesAreEmpty) {
  EXPECT_EQ(info(Json{{"type", "spotMeta"}}).dump(), R"({"tokens":[],"universe":[]})");
  EXPECT_EQ(info(Json{{"type", "spotMetaAndAssetCtxs"}}).dump(),
            R"([{"tokens":[],"universe":[]},[]])");
  EXPECT_EQ(info(Json{{"type", "perpDexs"}}).dump(), "[null]");
}

TEST_F(SimApiInfo, MetaAndAssetCtxsHasOneStringContextPerAsset) {
  const Json reply = info(Json{{"type", "metaAndAssetCtxs"}});
  ASSERT_TRUE(reply.is_array());
  ASSERT_EQ(reply.size(), 2u);
  ASSERT_EQ(reply[1].size(), 2u);
  for (const auto& ctx : reply[1]) {
    for (const char* key : {"dayNtlVlm", "funding", "markPx", "oraclePx", "openInterest",
                            "prevDayPx", "dayBaseVlm"}) {
      ASSERT_TRUE(ctx[key].is_string()) << key << " in " << ctx.dump();
    }
  }
  // The replay stands at the second tick of bar 120 of BTC (the fixture steps once; range
  // 30100..30140).
  const double mark = num(reply[1][0]["markPx"]);
  EXPECT_GE(mark, 30100 - 1e-9);
  EXPECT_LE(mark, 30140 + 1e-9);
  // 24 hours back is before the data: the first open. The day's volume is the 120 closed bars
  // of 5 BTC plus the bar in progress pro rata (2 of its 12 ticks shown), at the current price.
  EXPECT_EQ(num(reply[1][0]["prevDayPx"]), 30000);
  EXPECT_NEAR(num(reply[1][0]["dayBaseVlm"]), 120 * 5 + 5.0 * 2 / 12, 1e-6);
  EXPECT_NEAR(num(reply[1][0]["dayNtlVlm"]), num(reply[1][0]["dayBaseVlm"]) * mark, 1e-3);
  EXPECT_EQ(num(reply[1][1]["prevDayPx"]), 2000);
  EXPECT_NEAR(num(reply[1][0]["premium"]), num(reply[1][0]["funding"]) - 0.0000125, 1e-12);
}

TEST_F(SimApiInfo, AllMidsAreStringsBetweenTheBestLevels) {
  const Json mids = info(Json{{"type", "allMids"}});
  ASSERT_TRUE(mids["BTC"].is_string());
  ASSERT_TRUE(mids["ETH"].is_string());
  const Json book = info(Json{{"type", "l2Book"}, {"coin", "BTC"}});
  const double bid = num(book["levels"][0][0]["px"]), ask = num(book["levels"][1][0]["px"]);
  EXPECT_NEAR(num(mids["BTC"]), (bid + ask) / 2, 1e-8);
}

TEST_F(SimApiInfo, L2BookLevelsAreSortedStringsWithCounts) {
  const Json book = info(Json{{"type", "l2Book"}, {"coin", "BTC"}});
  EXPECT_EQ(book["coin"], "BTC");
  EXPECT_TRUE(book["time"].is_number_integer());
  const Json& bids = book["levels"][0];
  const Json& asks = book["levels"][1];
  ASSERT_FALSE(bids.empty());
  ASSERT_FALSE(asks.empty());
  EXPECT_LE(bids.size(), 20u);
  EXPECT_LE(asks.size(), 20u);
  for (std::size_t i = 0; i < bids.size(); ++i) {
    ASSERT_TRUE(bids[i]["px"].is_string());
    ASSERT_TRUE(bids[i]["sz"].is_string());
    ASSERT_TRUE(bids[i]["n"].is_number_integer());
    if (i > 0) {
      EXPECT_LT(num(bids[i]["px"]), num(bids[i - 1]["px"]));
    }
  }
  for (std::size_t i = 1; i < asks.size(); ++i)
    EXPECT_GT(num(asks[i]["px"]), num(asks[i - 1]["px"]));
  EXPECT_LT(num(bids[0]["px"]), num(asks[0]["px"]));
  EXPECT_EQ(info(Json{{"type", "l2Book"}, {"coin", "DOGE"}}).dump(), "null");
}

TEST_F(SimApiInfo, L2BookAggregatesToSignificantFigures) {
  const Json full = info(Json{{"type", "l2Book"}, {"coin", "BTC"}});
  const Json two = info(Json{{"type", "l2Book"}, {"coin", "BTC"}, {"nSigFigs", 2}});
  // Two significant figures of ~30100: buckets of 1000; bids round down, asks up.
  for (const auto& level : two["levels"][0]) EXPECT_EQ(std::fmod(num(level["px"]), 1000.0), 0.0);
  for (const auto& level : two["levels"][1]) EXPECT_EQ(std::fmod(num(level["px"]), 1000.0), 0.0);
  EXPECT_EQ(num(two["levels"][0][0]["px"]),
            std::floor(num(full["levels"][0][0]["px"]) / 1000) * 1000);
  EXPECT_EQ(num(two["levels"][1][0]["px"]),
            std::ceil(num(full["levels"][1][0]["px"]) / 1000) * 1000);
  // The first bid bucket holds at least the full book's levels that round into it.
  double in_bucket = 0;
  for (const auto& level : full["levels"][0]) {
    if (num(level["px"]) >= num(two["levels"][0][0]["px"])) in_bucket += num(level["sz"]);
  }
  EXPECT_GE(num(two["levels"][0][0]["sz"]) + 1e-8, in_bucket);
  // mantissa only with nSigFigs 5.
  EXPECT_EQ(api.info(R"({"type":"l2Book","coin":"BTC","nSigFigs":4,"mantissa":2})").status, 422);
  EXPECT_EQ(
      info(Json{{"type", "l2Book"}, {"coin", "BTC"}, {"nSigFigs", 5}, {"mantissa", 5}})["coin"],
      "BTC");
}

TEST_F(SimApiInfo, CandleSnapshotNeverShowsAFutureBar) {
  const Json candles = info(Json{{"type", "candleSnapshot"},
                                 {"req", Json{{"coin", "BTC"},
                                              {"interval", "1m"},
                                              {"startTime", 0},
                                              {"endTime", kFirstBar + kBars * core::kMinuteMs}}}});
  const core::TimeMs now = api.market_time();
  ASSERT_EQ(candles.size(),
            static_cast<std::size_t>(kHistoryBars + 1));  // history + the bar in progress
  const Json& last = candles.back();
  EXPECT_EQ(last["t"].get<core::TimeMs>(), kStart);
  EXPECT_LE(last["t"].get<core::TimeMs>(), now);
  EXPECT_GT(last["T"].get<core::TimeMs>(), now);
  EXPECT_LE(num(last["h"]), 30140);  // never above the bar's stored high
  // A closed bar is the stored bar, with the REST field types.
  const Json& bar5 = candles[5];
  EXPECT_EQ(
      bar5.dump(),
      R"({"t":)" + std::to_string(kFirstBar + 5 * core::kMinuteMs) + R"(,"T":)" +
          std::to_string(kFirstBar + 6 * core::kMinuteMs - 1) +
          R"(,"s":"BTC","i":"1m","o":"30005","c":"30006","h":"30025","l":"29985","v":"5","n":40})");
  // Every candle overlapping the window: a start inside bar 10 returns bar 10 first.
  const Json window =
      info(Json{{"type", "candleSnapshot"},
                {"req", Json{{"coin", "BTC"},
                             {"interval", "1m"},
                             {"startTime", kFirstBar + 10 * core::kMinuteMs + 30'000},
                             {"endTime", kFirstBar + 12 * core::kMinuteMs}}}});
  ASSERT_EQ(window.size(), 3u);
  EXPECT_EQ(window[0]["t"].get<core::TimeMs>(), kFirstBar + 10 * core::kMinuteMs);
  // After advancing one whole bar the next bar appears, and not before.
  control(R"({"type":"advanceTo","time":)" + std::to_string(kStart + core::kMinuteMs) + "}");
  const Json later = info(Json{{"type", "candleSnapshot"},
                               {"req", Json{{"coin", "BTC"},
                                            {"interval", "1m"},
                                            {"startTime", 0},
                                            {"endTime", kFirstBar + kBars * core::kMinuteMs}}}});
  EXPECT_EQ(later.size(), static_cast<std::size_t>(kHistoryBars + 2));
  EXPECT_EQ(later[kHistoryBars]["c"], "30121");
}

TEST_F(SimApiInfo, FundingHistoryListsStoredRatesUpToNow) {
  const Json rates = info(Json{{"type", "fundingHistory"}, {"coin", "BTC"}, {"startTime", 0}});
  // Market time is 2 h into the data: the settlements at hours 0, 1 and 2 have happened.
  ASSERT_EQ(rates.size(), 3u);
  EXPECT_EQ(rates[0]["coin"], "BTC");
  EXPECT_EQ(rates[0]["fundingRate"], "0.0000125");
  EXPECT_EQ(rates[1]["fundingRate"], "0.000025");
  EXPECT_TRUE(rates[0]["premium"].is_string());
  EXPECT_TRUE(rates[0]["time"].is_number_integer());
}

TEST_F(SimApiInfo, UnknownUserHasTheEmptyState) {
  const Json state = info(
      Json{{"type", "clearinghouseState"}, {"user", "0x5e9ee1089755c3435139848e47e6635505d5a13a"}});
  EXPECT_EQ(state["assetPositions"].dump(), "[]");
  EXPECT_EQ(state["marginSummary"].dump(),
            R"({"accountValue":"0","totalMarginUsed":"0","totalNtlPos":"0","totalRawUsd":"0"})");
  EXPECT_EQ(state["withdrawable"], "0");
  EXPECT_TRUE(state["time"].is_number_integer());
  EXPECT_EQ(info(Json{{"type", "openOrders"}, {"user", kAddressA}}).dump(), "[]");
  EXPECT_EQ(info(Json{{"type", "userFills"}, {"user", kAddressA}}).dump(), "[]");
  EXPECT_EQ(info(Json{{"type", "orderStatus"}, {"user", kAddressA}, {"oid", 7}}).dump(),
            R"({"status":"unknownOid"})");
  EXPECT_EQ(info(Json{{"type", "userAbstraction"}, {"user", kAddressA}}).dump(), R"("default")");
  const Json limits = info(Json{{"type", "userRateLimit"}, {"user", kAddressA}});
  EXPECT_EQ(limits.dump(),
            R"({"cumVlm":"0","nRequestsUsed":0,"nRequestsCap":10000,"nRequestsSurplus":0})");
  EXPECT_TRUE(info(Json{{"type", "exchangeStatus"}})["time"].is_number_integer());
}

TEST_F(SimApiInfo, BadBodiesGetThe422Text) {
  for (const char* body :
       {"{", "[]", "{}", "42", R"({"type":"nope"})", R"({"type":"l2Book"})",
        R"({"type":"l2Book","coin":5})", R"({"type":"clearinghouseState","user":"0x12"})",
        R"({"type":"candleSnapshot","req":{"coin":"BTC","interval":"2m","startTime":0}})",
        R"({"type":"meta","dex":"xyz"})",
        R"({"type":"orderStatus","user":"0x14791697260e4c9a71f18484c9f997b308e59325","oid":true})",
        "\xff\xfe"}) {
    const Reply reply = api.info(body);
    EXPECT_EQ(reply.status, 422) << body;
    EXPECT_EQ(reply.body, "Failed to deserialize the JSON body into the target type") << body;
  }
  // Deep nesting is refused before parsing.
  EXPECT_EQ(api.info(std::string(10000, '[') + std::string(10000, ']')).status, 422);
}

TEST_F(SimApiInfo, WeightsFollowTheRateLimitTable) {
  EXPECT_EQ(api.info_weight(R"({"type":"l2Book","coin":"BTC"})", 0), 2);
  EXPECT_EQ(api.info_weight(R"({"type":"allMids"})", 0), 2);
  EXPECT_EQ(api.info_weight(R"({"type":"userRole","user":"0x0"})", 0), 60);
  EXPECT_EQ(api.info_weight(R"({"type":"meta"})", 0), 20);
  EXPECT_EQ(api.info_weight(R"({"type":"userFills"})", 45), 22);
  EXPECT_EQ(api.info_weight(R"({"type":"candleSnapshot"})", 125), 22);
  EXPECT_EQ(api.exchange_weight(R"({"action":{"type":"order","orders":[]}})"), 1);
  Json batch = Json{{"action", Json{{"type", "order"}, {"orders", Json(std::vector<int>(79, 0))}}}};
  EXPECT_EQ(api.exchange_weight(batch.dump()), 2);
}

}  // namespace
}  // namespace organism::exchange::sim_api::testing

namespace organism::exchange::sim_api::testing {
namespace {

TEST(SimApiRender, BookTextEqualsTheJsonTree) {
  sim::BookView book{0,
                     1'700'000'000'123,
                     {{3'013'550'000'000, 12'345'000, 2}, {3'013'500'000'000, 100'000'000, 1}},
                     {{3'013'600'000'000, 1, 7}}};
  EXPECT_EQ(render_book_text("BTC", book), render_book("BTC", book).dump());
  EXPECT_EQ(
      render_book_text("BTC", book),
      R"({"coin":"BTC","time":1700000000123,"levels":[[{"px":"30135.5","sz":"0.12345","n":2},)"
      R"({"px":"30135","sz":"1","n":1}],[{"px":"30136","sz":"0.00000001","n":7}]]})");
  EXPECT_EQ(render_book_text("a\"b", sim::BookView{}), render_book("a\"b", sim::BookView{}).dump());
  EXPECT_EQ(wire_number(0.1 + 0.2), "0.3");
  EXPECT_EQ(wire_number(-0.000000004), "0");
  EXPECT_EQ(wire_number(1e12), "1000000000000");
  EXPECT_EQ(wire_number(std::nan("")), "0");
}

}  // namespace
}  // namespace organism::exchange::sim_api::testing

namespace organism::exchange::sim_api::testing {
namespace {

// Before any advance the market at `from` exists: the opening tick is fed when SimApi is built,
// and market time stays `from` (not a millisecond after it).
TEST(SimApiOpening, TheMarketAtFromExistsBeforeAnyAdvance) {
  core::FixedClock wall{kWallNow};
  SimApi api{make_market(), make_engine(), wall};
  EXPECT_EQ(api.market_time(), kStart);
  EXPECT_EQ(Json::parse(api.control(R"({"type":"status"})").body)["marketTime"], kStart);
  const Json book = Json::parse(api.info(R"({"type":"l2Book","coin":"BTC"})").body);
  EXPECT_EQ(book["time"], kStart);
  ASSERT_FALSE(book["levels"][0].empty());
  ASSERT_FALSE(book["levels"][1].empty());
  // Around the opening price of the bar at `from` (btc_bar(kHistoryBars).open = 30120).
  EXPECT_LT(num(book["levels"][0][0]["px"]), 30120);
  EXPECT_GT(num(book["levels"][1][0]["px"]), 30120);
  const Json mids = Json::parse(api.info(R"({"type":"allMids"})").body);
  EXPECT_NEAR(num(mids["BTC"]), 30120, 1);
  // The first advance moves on from the opening tick: one step is 60 s / 12 steps per bar.
  api.control(R"({"type":"advance","steps":1})");
  EXPECT_EQ(api.market_time(), kStart + 5'000);
}

}  // namespace
}  // namespace organism::exchange::sim_api::testing

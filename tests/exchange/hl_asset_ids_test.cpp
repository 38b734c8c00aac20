// Asset ids from meta and spotMeta: position in the perp universe (delisted entries included),
// 10000 + pair index for spot with the base token's szDecimals, and errors naming the entry.
#include <gtest/gtest.h>

#include "exchange_test_support.hpp"
#include "exchange/hyperliquid/asset_ids.hpp"

namespace {

// The text of the expected error: malformed meta is a WireError.
std::string error_of(auto&& f) {
  return organism::exchange::test_support::error_of<organism::exchange::hl::WireError>(f);
}

using namespace organism::exchange::hl;

// PROTOCOL §3.1's example.
const char* kMeta = R"({"universe":[
  {"name":"BTC","szDecimals":5,"maxLeverage":50},
  {"name":"HPOS","szDecimals":0,"maxLeverage":3,"onlyIsolated":true},
  {"name":"LOOM","szDecimals":1,"maxLeverage":3,"isDelisted":true,"marginMode":"strictIsolated","onlyIsolated":true,"marginTableId":51}],
  "marginTables":[[50,{"description":"","marginTiers":[{"lowerBound":"0.0","maxLeverage":50}]}]],"collateralToken":0})";

// Token indices differ from positions on purpose: HYPE is token 150, its pair index 107.
const char* kSpotMeta = R"({"tokens":[
  {"name":"USDC","szDecimals":8,"weiDecimals":8,"index":0},
  {"name":"PURR","szDecimals":0,"weiDecimals":5,"index":1},
  {"name":"HYPE","szDecimals":2,"weiDecimals":8,"index":150}],
  "universe":[{"name":"PURR/USDC","tokens":[1,0],"index":0,"isCanonical":true},
              {"name":"@107","tokens":[150,0],"index":107,"isCanonical":false}]})";

TEST(HlAssetIds, PerpsArePositionsDelistedIncluded) {
  const AssetDirectory dir = AssetDirectory::from_meta(Json::parse(kMeta));
  ASSERT_EQ(dir.all().size(), 3u);
  EXPECT_EQ(dir.by_coin("BTC")->asset, 0u);
  EXPECT_EQ(dir.by_coin("BTC")->sz_decimals, 5);
  EXPECT_EQ(dir.by_coin("BTC")->max_leverage, 50);
  EXPECT_TRUE(dir.by_coin("HPOS")->only_isolated);
  EXPECT_EQ(dir.by_coin("LOOM")->asset, 2u);
  EXPECT_TRUE(dir.by_coin("LOOM")->delisted);
  EXPECT_EQ(dir.by_asset(1)->coin, "HPOS");
  EXPECT_EQ(dir.by_coin("ETH"), nullptr);
  EXPECT_EQ(dir.by_asset(3), nullptr);
}

TEST(HlAssetIds, SpotPairsAreOffsetAndTakeTheBaseTokensDecimals) {
  AssetDirectory dir = AssetDirectory::from_meta(Json::parse(kMeta));
  dir.add_spot_meta(Json::parse(kSpotMeta));
  EXPECT_EQ(dir.by_coin("PURR/USDC")->asset, 10000u);
  EXPECT_EQ(dir.by_coin("PURR/USDC")->sz_decimals, 0);
  EXPECT_FALSE(dir.by_coin("PURR/USDC")->perp);
  EXPECT_EQ(dir.by_coin("@107")->asset, 10107u);
  EXPECT_EQ(dir.by_coin("@107")->sz_decimals, 2);
  EXPECT_EQ(dir.by_asset(10107)->coin, "@107");
  EXPECT_EQ(dir.all().size(), 5u);
}

TEST(HlAssetIds, MalformedEntriesAreNamed) {
  EXPECT_EQ(error_of([] {
              AssetDirectory::from_meta(Json::parse(
                  R"({"universe":[{"name":"BTC","szDecimals":"5","maxLeverage":50}]})"));
            }),
            "meta universe 0: field szDecimals: expected a non-negative integer");
  EXPECT_EQ(
      error_of([] {
        AssetDirectory::from_meta(Json::parse(
            R"({"universe":[{"name":"BTC","szDecimals":5,"maxLeverage":50},{"szDecimals":1}]})"));
      }),
      "meta universe 1: missing field name");
  EXPECT_EQ(
      error_of([] {
        AssetDirectory::from_meta(Json::parse(
            R"({"universe":[{"name":"BTC","szDecimals":5,"maxLeverage":50},{"name":"BTC","szDecimals":5,"maxLeverage":50}]})"));
      }),
      "asset BTC: listed twice");
  EXPECT_EQ(error_of([] { AssetDirectory::from_meta(Json::parse("[]")); }),
            "meta: expected an object");
  AssetDirectory dir;
  EXPECT_EQ(error_of([&] {
              dir.add_spot_meta(Json::parse(
                  R"({"tokens":[],"universe":[{"name":"X/USDC","tokens":[9,0],"index":0}]})"));
            }),
            "spotMeta pair 0: field tokens: expected a listed base token");
}

}  // namespace

// SimApi's WebSocket side: subscription keys and errors, snapshots, and the channel messages
// publish renders from engine events (PROTOCOL §4.2-4.3).
#include <set>

#include "exchange/sim_api/nonces.hpp"
#include "sim_api_fixture.hpp"

namespace organism::exchange::sim_api::testing {
namespace {

using SimApiFeeds = SimFixture;

TEST_F(SimApiFeeds, SubscriptionsParseToCanonicalKeys) {
  std::string error;
  const auto key_of = [&](const char* text) {
    const auto sub = api.parse_subscription(Json::parse(text), error);
    return sub ? sub->key + "|" + sub->channel + (sub->user_specific ? "|user" : "")
               : "error: " + error;
  };
  EXPECT_EQ(key_of(R"({"type":"allMids"})"), "allMids|allMids");
  EXPECT_EQ(key_of(R"({"type":"l2Book","coin":"BTC"})"), "l2Book:BTC|l2Book");
  EXPECT_EQ(key_of(R"({"type":"l2Book","coin":"BTC","nSigFigs":null,"mantissa":null})"),
            "l2Book:BTC|l2Book");
  EXPECT_EQ(key_of(R"({"type":"l2Book","coin":"BTC","nSigFigs":5,"mantissa":2})"),
            "l2Book:BTC:sig5:m2|l2Book");
  EXPECT_EQ(key_of(R"({"type":"l2Book","coin":"ETH","nSigFigs":3,"fast":true})"),
            "l2Book:ETH:sig3:fast|l2Book");
  EXPECT_EQ(key_of(R"({"type":"bbo","coin":"BTC"})"), "bbo:BTC|bbo");
  EXPECT_EQ(key_of(R"({"type":"trades","coin":"ETH"})"), "trades:ETH|trades");
  EXPECT_EQ(key_of(R"({"type":"candle","coin":"BTC","interval":"1h"})"), "candle:BTC:1h|candle");
  EXPECT_EQ(
      key_of(R"({"type":"orderUpdates","user":"0x14791697260E4c9A71f18484C9f997B308e59325"})"),
      std::string("orderUpdates:") + kAddressA + "|orderUpdates|user");
  EXPECT_EQ(key_of(R"({"type":"userEvents","user":"0x14791697260E4c9A71f18484C9f997B308e59325"})"),
            std::string("user:") + kAddressA + "|user|user");
  EXPECT_EQ(key_of(R"({"type":"userFills","user":"0x14791697260e4c9a71f18484c9f997b308e59325"})"),
            std::string("userFills:") + kAddressA + "|userFills|user");
  EXPECT_EQ(
      key_of(R"({"type":"userFundings","user":"0x14791697260e4c9a71f18484c9f997b308e59325"})"),
      std::string("userFundings:") + kAddressA + "|userFundings|user");
  EXPECT_EQ(
      key_of(R"({"type":"notification","user":"0x14791697260e4c9a71f18484c9f997b308e59325"})"),
      std::string("notification:") + kAddressA + "|notification|user");
  EXPECT_EQ(key_of(R"({"type":"l2Book","coin":"btc"})"),
            R"(error: Invalid subscription {"type":"l2Book","coin":"btc"})");
  EXPECT_EQ(key_of(R"({"type":"trades"})"), R"(error: Invalid subscription {"type":"trades"})");
  EXPECT_EQ(key_of(R"({"type":"weather","coin":"BTC"})"),
            R"(error: Invalid subscription {"type":"weather","coin":"BTC"})");
  EXPECT_EQ(key_of(R"({"type":"candle","coin":"BTC","interval":"2m"})"),
            R"(error: Invalid subscription {"type":"candle","coin":"BTC","interval":"2m"})");
  EXPECT_EQ(key_of(R"({"type":"userFills","user":"0x12"})"),
            R"(error: Invalid subscription {"type":"userFills","user":"0x12"})");
  // The request is kept as received, for the acknowledgement.
  const auto sub = api.parse_subscription(
      Json::parse(R"({"type":"l2Book","coin":"BTC","nSigFigs":null})"), error);
  EXPECT_EQ(sub->request.dump(), R"({"type":"l2Book","coin":"BTC","nSigFigs":null})");
}

TEST_F(SimApiFeeds, SnapshotsForBooksMidsCandlesAndFills) {
  std::string error;
  auto snap = [&](const char* text) {
    return api.snapshot(*api.parse_subscription(Json::parse(text), error));
  };
  const auto book = snap(R"({"type":"l2Book","coin":"BTC","fast":true})");
  ASSERT_EQ(book.size(), 1u);
  const Json message = Json::parse(book[0]);
  EXPECT_EQ(message["channel"], "l2Book");
  EXPECT_LE(message["data"]["levels"][0].size(), 5u);
  EXPECT_EQ(Json::parse(snap(R"({"type":"allMids"})")[0])["data"]["mids"].size(), 2u);
  const Json candle = Json::parse(snap(R"({"type":"candle","coin":"BTC","interval":"1m"})")[0]);
  EXPECT_EQ(candle["channel"], "candle");
  EXPECT_EQ(candle["data"]["t"].get<core::TimeMs>(), kStart);
  EXPECT_EQ(candle["data"]["o"], "30120");
  const Json fills = Json::parse(
      snap(R"({"type":"userFills","user":"0x14791697260e4c9a71f18484c9f997b308e59325"})")[0]);
  EXPECT_EQ(fills.dump(),
            std::string(R"({"channel":"userFills","data":{"isSnapshot":true,"user":")") +
                kAddressA + R"(","fills":[]}})");
  const Json bbo = Json::parse(snap(R"({"type":"bbo","coin":"ETH"})")[0]);
  EXPECT_EQ(bbo["data"]["coin"], "ETH");
  EXPECT_TRUE(bbo["data"]["bbo"][0]["px"].is_string());
  EXPECT_TRUE(snap(R"({"type":"trades","coin":"BTC"})").empty());
}

TEST_F(SimApiFeeds, PublishRendersEachChannelForHeardKeysOnly) {
  const std::string a = kAddressA;
  const std::set<std::string> heard = {"trades:BTC", "orderUpdates:" + a, "userFills:" + a,
                                       "user:" + a,  "l2Book:BTC",        "bbo:BTC",
                                       "allMids",    "candle:BTC:1m"};
  api.publish([](const std::string&) { return false; });  // drop what setup produced
  act(order_action(0, true, "29000", "0.01", "Gtc"));
  act(order_action(0, true, "32000", "0.01", "Ioc"));
  control(R"({"type":"advance","steps":2})");
  std::map<std::string, std::vector<Json>> by_key;
  for (const auto& m : api.publish([&](const std::string& key) { return heard.contains(key); })) {
    ASSERT_TRUE(heard.contains(m.key)) << m.key;
    by_key[m.key].push_back(Json::parse(m.text));
  }
  ASSERT_FALSE(by_key["trades:BTC"].empty());
  const Json& trades = by_key["trades:BTC"][0];
  EXPECT_EQ(trades["channel"], "trades");
  ASSERT_TRUE(trades["data"].is_array());
  EXPECT_EQ(trades["data"][0]["coin"], "BTC");
  EXPECT_TRUE(trades["data"][0]["px"].is_string());
  EXPECT_EQ(trades["data"][0]["users"].size(), 2u);

  ASSERT_EQ(by_key["orderUpdates:" + a].size(), 1u);  // one array for the whole publish
  const Json& updates = by_key["orderUpdates:" + a][0]["data"];
  ASSERT_GE(updates.size(), 2u);
  EXPECT_EQ(updates[0]["status"], "open");
  EXPECT_EQ(updates[0]["order"]["limitPx"], "29000");
  EXPECT_TRUE(updates[0]["statusTimestamp"].is_number_integer());

  ASSERT_EQ(by_key["userFills:" + a].size(), 1u);
  const Json& fills = by_key["userFills:" + a][0]["data"];
  EXPECT_EQ(fills["user"], a);
  EXPECT_FALSE(fills.contains("isSnapshot"));
  ASSERT_EQ(fills["fills"].size(), 1u);
  EXPECT_EQ(fills["fills"][0]["sz"], "0.01");
  const Json& user = by_key["user:" + a][0];
  EXPECT_EQ(user["channel"], "user");
  EXPECT_EQ(user["data"]["fills"][0]["oid"], fills["fills"][0]["oid"]);

  ASSERT_EQ(by_key["l2Book:BTC"].size(), 1u);
  EXPECT_EQ(by_key["l2Book:BTC"][0]["data"]["coin"], "BTC");
  ASSERT_EQ(by_key["allMids"].size(), 1u);
  EXPECT_TRUE(by_key["allMids"][0]["data"]["mids"]["ETH"].is_string());
  ASSERT_EQ(by_key["candle:BTC:1m"].size(), 1u);
  EXPECT_EQ(by_key["candle:BTC:1m"][0]["data"]["s"], "BTC");
  // Nothing changed: a second publish at the same market time sends no book, mids or candle.
  for (const auto& m : api.publish([&](const std::string& key) { return heard.contains(key); })) {
    EXPECT_NE(m.key, "candle:BTC:1m");
    EXPECT_NE(m.key, "allMids");
  }
}

TEST_F(SimApiFeeds, StaleBookHoldsBookMessagesBack) {
  const auto all = [](const std::string&) { return true; };
  api.publish(all);
  control(R"({"type":"fault","fault":"staleBook","seconds":10})");
  control(R"({"type":"advance","steps":3})");
  for (const auto& m : api.publish(all)) {
    EXPECT_FALSE(m.key.starts_with("l2Book:") || m.key.starts_with("bbo:") || m.key == "allMids")
        << m.key;
  }
  wall.advance(10'000);
  bool book = false;
  for (const auto& m : api.publish(all)) book = book || m.key == "l2Book:BTC";
  EXPECT_TRUE(book);
}

// A stuck exchange: while staleBook runs, REST l2Book (every aggregation) and a new subscriber's
// bbo answer the book of the fault's start, levels and time, though the market moved on; a second
// fault extends it without refreezing; when it ends the book is the market's again.
TEST_F(SimApiFeeds, StaleBookFreezesRestL2BookAtTheFaultsStart) {
  const Json before = info(Json{{"type", "l2Book"}, {"coin", "BTC"}});
  const Json before_sig = info(Json{{"type", "l2Book"}, {"coin", "BTC"}, {"nSigFigs", 2}});
  ASSERT_FALSE(before["levels"][0].empty());
  control(R"({"type":"fault","fault":"staleBook","seconds":10})");
  control(R"({"type":"advance","steps":3})");
  // The market did move: its clock is past the frozen book's time.
  EXPECT_GT(control(R"({"type":"status"})")["marketTime"].get<std::int64_t>(),
            before["time"].get<std::int64_t>());
  wall.advance(6'000);
  EXPECT_EQ(info(Json{{"type", "l2Book"}, {"coin", "BTC"}}).dump(), before.dump());
  EXPECT_EQ(info(Json{{"type", "l2Book"}, {"coin", "BTC"}, {"nSigFigs", 2}}).dump(),
            before_sig.dump());
  Subscription bbo_sub;
  std::string error;
  bbo_sub = *api.parse_subscription(Json::parse(R"({"type":"bbo","coin":"BTC"})"), error);
  const Json bbo = Json::parse(api.snapshot(bbo_sub).at(0))["data"];
  EXPECT_EQ(bbo["time"], before["time"]);
  EXPECT_EQ(bbo["bbo"][0], before["levels"][0][0]);
  EXPECT_EQ(bbo["bbo"][1], before["levels"][1][0]);
  // Extended at 6 s for 10 s more: still the first frozen book at 15 s.
  control(R"({"type":"fault","fault":"staleBook","seconds":10})");
  control(R"({"type":"advance","steps":2})");
  wall.advance(9'000);
  EXPECT_EQ(info(Json{{"type", "l2Book"}, {"coin", "BTC"}}).dump(), before.dump());
  // Over (16 s): the current book, stamped with the market's time.
  wall.advance(1'000);
  const Json after = info(Json{{"type", "l2Book"}, {"coin", "BTC"}});
  EXPECT_EQ(after["time"], control(R"({"type":"status"})")["marketTime"]);
  EXPECT_GT(after["time"].get<std::int64_t>(), before["time"].get<std::int64_t>());
}

TEST(SimApiNonces, KeepsTheHundredHighestPerSigner) {
  NonceBook book;
  const auto a = *hl::Address::parse(kAddressA);
  const core::TimeMs now = kWallNow;
  EXPECT_EQ(book.accept(a, now + 50, now), "");
  EXPECT_EQ(book.accept(a, now + 10, now), "");  // out of order, still fine: fewer than 100 kept
  EXPECT_EQ(book.accept(a, now + 10, now), kNonceDuplicate);
  for (int k = 100; k < 198; ++k) ASSERT_EQ(book.accept(a, now + k, now), "");
  EXPECT_EQ(book.accept(a, now + 11, now), "");  // 100 kept and 11 > 10: accepted, 10 dropped
  EXPECT_EQ(book.accept(a, now + 9, now), kNonceTooLow);
  EXPECT_EQ(book.accept(a, now + 12, now), "");  // above the smallest (11): accepted, 11 dropped
  EXPECT_EQ(book.accept(a, now + 10, now), kNonceTooLow);
  EXPECT_EQ(book.accept(a, now - 2 * core::kDayMs + 1, now), kNonceTooLow);
  EXPECT_EQ(book.accept(a, now - 2 * core::kDayMs, now), kNonceOutOfRange);
  EXPECT_EQ(book.accept(a, now + core::kDayMs, now), kNonceOutOfRange);
  NonceBook copy;
  copy.restore(book.to_json());
  EXPECT_EQ(copy.to_json(), book.to_json());
  EXPECT_EQ(copy.accept(a, now + 12, now), kNonceDuplicate);
}

}  // namespace
}  // namespace organism::exchange::sim_api::testing

// `organism exchange-sim` as a real process on loopback: the listening line, info and exchange
// over HTTP, WebSocket subscriptions as the market advances (--speed 0 + POST /control), limits,
// faults, usage errors. State and determinism are in sim_server_state_test.cpp.
#include <gtest/gtest.h>

#include <regex>
#include <thread>

#include "core/json_input.hpp"
#include "exchange/hyperliquid/decimal.hpp"
#include "sim_server_client.hpp"
#include "sim_server_process.hpp"

namespace organism::test {
namespace {

using namespace std::chrono_literals;
using Json = nlohmann::ordered_json;

Json parsed(const std::string& text) { return core::parse_ordered_json(text, "reply"); }

#define SKIP_WITHOUT_SHARED() \
  if (!shared_dir()) GTEST_SKIP() << "../shared (vectors.json keys) is absent"

// The BTC mid from allMids, as a double.
double btc_mid(HttpClient& http) {
  const auto mids = parsed(http.post("/info", R"({"type":"allMids"})").body);
  return std::stod(mids.at("BTC").get<std::string>());
}

TEST(SimServerBinary, PrintsTheListeningLineAndServesInfoAsJson) {
  SimProcess sim({"--speed", "0", "--coins", "BTC,ETH"});
  ASSERT_TRUE(sim.started());
  EXPECT_TRUE(std::regex_match(sim.first_line(), std::regex(R"(listening on http://127\.0\.0\.1:[0-9]{2,5})")));
  HttpClient http(sim.port());
  const auto meta = http.post("/info", R"({"type":"meta"})");
  ASSERT_EQ(meta.status, 200) << meta.body;
  EXPECT_EQ(meta.content_type, "application/json");
  const auto universe = parsed(meta.body).at("universe");
  ASSERT_EQ(universe.size(), 2u);
  EXPECT_EQ(universe[0].at("name"), "BTC");
  EXPECT_EQ(universe[1].at("name"), "ETH");
  const auto mids = http.post("/info", R"({"type":"allMids"})");
  ASSERT_EQ(mids.status, 200);
  EXPECT_TRUE(parsed(mids.body).at("BTC").is_string());
  const auto book = http.post("/info", R"({"type":"l2Book","coin":"BTC"})");
  ASSERT_EQ(book.status, 200);
  EXPECT_EQ(book.content_type, "application/json");
  const auto levels = parsed(book.body).at("levels");
  ASSERT_EQ(levels.size(), 2u);
  ASSERT_FALSE(levels[0].empty());
  ASSERT_FALSE(levels[1].empty());
  // Best bid below best ask, prices as strings.
  EXPECT_LT(std::stod(levels[0][0].at("px").get<std::string>()), std::stod(levels[1][0].at("px").get<std::string>()));
  EXPECT_EQ(sim.stop(SIGTERM), 0);
}

TEST(SimServerBinary, BadRequestsGetTheExchangesStatusesAndTexts) {
  SimProcess sim({"--speed", "0"});
  ASSERT_TRUE(sim.started());
  HttpClient http(sim.port());
  const auto malformed = http.post("/info", R"({"type":"meta")");
  EXPECT_EQ(malformed.status, 422);
  EXPECT_EQ(malformed.body, "Failed to deserialize the JSON body into the target type");
  EXPECT_EQ(http.post("/info", R"({"type":"noSuchType"})").status, 422);
  EXPECT_EQ(http.post("/exchange", "[]").status, 422);
  const auto missing = http.post("/v2/info", "{}");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.body, "Not Found");
  EXPECT_EQ(http.request("GET", "/info", "").status, 405);
  const auto huge = http.post("/info", std::string(2 << 20, ' '));
  EXPECT_EQ(huge.status, 413);
  EXPECT_EQ(http.post("/info", R"({"type":"meta"})").status, 200);  // still serving
}

TEST(SimServerBinary, ASignedIocOrderFillsAndAGtcRests) {
  SKIP_WITHOUT_SHARED();
  SimProcess sim({"--speed", "0"});
  ASSERT_TRUE(sim.started());
  HttpClient http(sim.port());
  TestSigner signer(0);
  const double mid = btc_mid(http);
  const std::string buy_px = exchange::hl::float_to_wire(exchange::hl::slippage_price(mid, true, 0.05, 5));
  const auto ioc = http.post("/exchange", signer.envelope(order_action(0, true, buy_px, "0.01", "Ioc")));
  ASSERT_EQ(ioc.status, 200) << ioc.body;
  const auto ioc_reply = parsed(ioc.body);
  ASSERT_EQ(ioc_reply.at("status"), "ok") << ioc.body;
  const auto filled = ioc_reply.at("response").at("data").at("statuses").at(0).at("filled");
  EXPECT_EQ(filled.at("totalSz"), "0.01");
  EXPECT_TRUE(filled.at("oid").is_number_integer());

  const std::string rest_px = exchange::hl::float_to_wire(exchange::hl::round_price(mid * 0.9, 5));
  const auto gtc = http.post("/exchange", signer.envelope(order_action(0, true, rest_px, "0.01", "Gtc")));
  const auto resting = parsed(gtc.body).at("response").at("data").at("statuses").at(0).at("resting");
  const auto oid = resting.at("oid").get<std::uint64_t>();

  // Mixed-case address: users are matched without regard to case.
  std::string user = signer.address();
  for (std::size_t i = 2; i < user.size(); i += 2) user[i] = static_cast<char>(std::toupper(user[i]));
  const auto orders = parsed(http.post("/info", Json{{"type", "openOrders"}, {"user", user}}.dump()).body);
  ASSERT_EQ(orders.size(), 1u);
  EXPECT_EQ(orders[0].at("oid"), oid);
  EXPECT_EQ(orders[0].at("limitPx"), rest_px);
  const auto state = parsed(http.post("/info", Json{{"type", "clearinghouseState"}, {"user", user}}.dump()).body);
  EXPECT_EQ(state.at("assetPositions").at(0).at("position").at("szi"), "0.01");
  const auto fills = parsed(http.post("/info", Json{{"type", "userFills"}, {"user", user}}.dump()).body);
  ASSERT_EQ(fills.size(), 1u);
  EXPECT_EQ(fills[0].at("sz"), "0.01");
}

TEST(SimServerBinary, WebSocketAcksEchoTheSubscriptionAndFeedsFollowTheMarket) {
  SimProcess sim({"--speed", "0"});
  ASSERT_TRUE(sim.started());
  HttpClient http(sim.port());
  WsClient ws(sim.port());
  ASSERT_TRUE(ws.ok());
  ws.send(R"({"method":"subscribe","subscription":{"type":"l2Book","coin":"BTC","nSigFigs":null}})");
  EXPECT_EQ(ws.next().value_or(""),
            R"({"channel":"subscriptionResponse","data":{"method":"subscribe","subscription":{"type":"l2Book","coin":"BTC","nSigFigs":null}}})");
  ws.send(R"({"method":"subscribe","subscription":{"type":"trades","coin":"BTC"}})");
  EXPECT_TRUE(ws.next_containing(R"("subscription":{"type":"trades","coin":"BTC"})"));
  ws.send(R"({"method":"subscribe","subscription":{"type":"candle","coin":"BTC","interval":"1m"}})");
  EXPECT_TRUE(ws.next_containing(R"("subscription":{"type":"candle","coin":"BTC","interval":"1m"})"));
  ASSERT_EQ(http.post("/control", R"({"type":"advance","steps":24})").status, 200);
  const auto book = ws.next_containing(R"({"channel":"l2Book")");
  ASSERT_TRUE(book);
  EXPECT_EQ(parsed(*book).at("data").at("coin"), "BTC");
  const auto candle = ws.next_containing(R"({"channel":"candle")");
  ASSERT_TRUE(candle);
  EXPECT_NE(candle->find(R"("s":"BTC")"), std::string::npos) << *candle;
  if (shared_dir()) {
    // Trades print when orders match: a signed market buy shows on the tape.
    TestSigner signer(0);
    const auto px = exchange::hl::float_to_wire(exchange::hl::slippage_price(btc_mid(http), true, 0.05, 5));
    ASSERT_EQ(http.post("/exchange", signer.envelope(order_action(0, true, px, "0.01", "Ioc"))).status, 200);
    const auto trades = ws.next_containing(R"({"channel":"trades")");
    ASSERT_TRUE(trades);
    EXPECT_EQ(parsed(*trades).at("data").at(0).at("coin"), "BTC");
    EXPECT_EQ(parsed(*trades).at("data").at(0).at("side"), "B");
  }
  ws.send(R"({"method":"ping"})");
  EXPECT_TRUE(ws.next_containing(R"({"channel":"pong"})"));
}

TEST(SimServerBinary, PostRequestsOverWebSocket) {
  SKIP_WITHOUT_SHARED();
  SimProcess sim({"--speed", "0"});
  ASSERT_TRUE(sim.started());
  WsClient ws(sim.port());
  ASSERT_TRUE(ws.ok());
  ws.send(R"({"method":"post","id":7,"request":{"type":"info","payload":{"type":"l2Book","coin":"ETH"}}})");
  const auto info = parsed(ws.next_containing(R"("id":7)").value_or("{}"));
  EXPECT_EQ(info.at("channel"), "post");
  EXPECT_EQ(info.at("data").at("response").at("type"), "info");
  EXPECT_EQ(info.at("data").at("response").at("payload").at("type"), "l2Book");
  EXPECT_EQ(info.at("data").at("response").at("payload").at("data").at("coin"), "ETH");
  TestSigner signer(1);
  const auto envelope = signer.envelope(Json{{"type", "noop"}});
  ws.send(R"({"method":"post","id":8,"request":{"type":"action","payload":)" + envelope + "}}");
  const auto action = parsed(ws.next_containing(R"("id":8)").value_or("{}"));
  EXPECT_EQ(action.at("data").at("response").at("type"), "action");
  EXPECT_EQ(action.at("data").at("response").at("payload").at("status"), "ok");
}

TEST(SimServerBinary, IdleWebSocketsAreClosed) {
  SimProcess sim({"--speed", "0", "--ws-idle-ms", "500"});
  ASSERT_TRUE(sim.started());
  WsClient ws(sim.port());
  ASSERT_TRUE(ws.ok());
  EXPECT_FALSE(ws.wait_closed(300ms));
  EXPECT_TRUE(ws.wait_closed(2000ms));
}

TEST(SimServerBinary, RestWeightBeyond1200AMinuteIs429AndThe11thWebSocketIsRefused) {
  SimProcess sim({"--speed", "0"});
  ASSERT_TRUE(sim.started());
  HttpClient http(sim.port());
  for (int i = 0; i < 60; ++i) ASSERT_EQ(http.post("/info", R"({"type":"meta"})").status, 200) << i;  // 60 x 20
  const auto refused = http.post("/info", R"({"type":"l2Book","coin":"BTC"})");
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(refused.body, "Too Many Requests");
  std::vector<std::unique_ptr<WsClient>> clients;
  for (int i = 0; i < 10; ++i) clients.push_back(std::make_unique<WsClient>(sim.port()));
  for (auto& c : clients) EXPECT_TRUE(c->ok());
  EXPECT_FALSE(WsClient(sim.port()).ok());
}

TEST(SimServerBinary, FaultsDropConnectionsBurst429sDelayAndMalformFrames) {
  SimProcess sim({"--speed", "0", "--seed", "3", "--faults", "drop_ws=1s,http429=2@1500ms,delay=200,malformed_ws=1"});
  ASSERT_TRUE(sim.started());
  HttpClient http(sim.port());
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(http.post("/info", R"({"type":"meta"})").status, 200);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 200ms);  // delay=200
  WsClient ws(sim.port());
  ASSERT_TRUE(ws.ok());
  ws.send(R"({"method":"ping"})");
  const auto frame = ws.next();
  ASSERT_TRUE(frame);
  EXPECT_NE(*frame, R"({"channel":"pong"})");
  EXPECT_FALSE(nlohmann::json::accept(*frame)) << *frame;  // malformed_ws=1: every frame
  EXPECT_TRUE(ws.wait_closed(2500ms));                      // drop_ws=1s
  // From 1.5 s on, the first two requests of each 1.5 s period are 429.
  std::this_thread::sleep_for(1600ms - (std::chrono::steady_clock::now() - start));
  EXPECT_EQ(http.post("/info", R"({"type":"meta"})").status, 429);
  EXPECT_EQ(http.post("/info", R"({"type":"meta"})").status, 429);
  EXPECT_EQ(http.post("/info", R"({"type":"meta"})").status, 200);
}

TEST(SimServerBinary, UsageAndDataErrorsExitWithTheirCodes) {
  const auto bad_fault = run_organism({"--db", sim_test_store(), "exchange-sim", "--faults", "delay=5,warp=9"});
  EXPECT_EQ(bad_fault.exit_code, 2);
  EXPECT_NE(bad_fault.err.find("--faults: bad item 'warp=9': unknown fault"), std::string::npos) << bad_fault.err;
  const auto missing = run_organism({"--db", sim_test_store(), "exchange-sim", "--coins", "DOGE"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("DOGE"), std::string::npos) << missing.err;
  const auto bad_from = run_organism({"--db", sim_test_store(), "exchange-sim", "--from", "yesterday"});
  EXPECT_EQ(bad_from.exit_code, 2);
  EXPECT_NE(bad_from.err.find("--from 'yesterday'"), std::string::npos);
}

}  // namespace
}  // namespace organism::test

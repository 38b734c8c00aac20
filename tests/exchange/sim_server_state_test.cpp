// `organism exchange-sim --state-dir`: orders, positions and balances survive kill -9 once a reply
// was sent, SIGTERM saves and exits 0, a state of other data is refused; and the same seed, data
// and requests give byte-identical fills and account state.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/json_input.hpp"
#include "exchange/hyperliquid/decimal.hpp"
#include "sim_server_client.hpp"
#include "sim_server_process.hpp"

namespace organism::test {
namespace {

using Json = nlohmann::ordered_json;

Json parsed(const std::string& text) { return core::parse_ordered_json(text, "reply"); }

std::string user_query(const std::string& type, const std::string& user) {
  return Json{{"type", type}, {"user", user}}.dump();
}

// A filled IOC buy and a resting GTC buy of BTC; the GTC's oid.
std::uint64_t trade(HttpClient& http, TestSigner& signer) {
  const auto mids = parsed(http.post("/info", R"({"type":"allMids"})").body);
  const double mid = std::stod(mids.at("BTC").get<std::string>());
  const auto buy_px = exchange::hl::float_to_wire(exchange::hl::slippage_price(mid, true, 0.05, 5));
  EXPECT_NE(http.post("/exchange", signer.envelope(order_action(0, true, buy_px, "0.02", "Ioc"))).body.find("filled"),
            std::string::npos);
  const auto rest_px = exchange::hl::float_to_wire(exchange::hl::round_price(mid * 0.95, 5));
  const auto gtc = parsed(http.post("/exchange", signer.envelope(order_action(0, true, rest_px, "0.01", "Gtc"))).body);
  return gtc.at("response").at("data").at("statuses").at(0).at("resting").at("oid").get<std::uint64_t>();
}

TEST(SimServerState, OrdersPositionsAndBalancesSurviveKill9) {
  if (!shared_dir()) GTEST_SKIP() << "../shared is absent";
  TempDir dir;
  const std::string state_dir = (dir.path() / "state").string();
  TestSigner signer(0);
  std::string orders_before, account_before;
  std::uint64_t oid = 0;
  std::string noop;
  {
    SimProcess sim({"--speed", "0", "--state-dir", state_dir});
    ASSERT_TRUE(sim.started());
    HttpClient http(sim.port());
    oid = trade(http, signer);
    noop = signer.envelope(Json{{"type", "noop"}});
    ASSERT_EQ(parsed(http.post("/exchange", noop).body).at("status"), "ok");
    ASSERT_EQ(http.post("/control", R"({"type":"advance","steps":3})").status, 200);
    orders_before = http.post("/info", user_query("openOrders", signer.address())).body;
    account_before = http.post("/info", user_query("clearinghouseState", signer.address())).body;
    EXPECT_EQ(sim.stop(SIGKILL), 128 + SIGKILL);  // no chance to save at exit
  }
  SimProcess again({"--speed", "0", "--state-dir", state_dir});
  ASSERT_TRUE(again.started());
  HttpClient http(again.port());
  EXPECT_EQ(http.post("/info", user_query("openOrders", signer.address())).body, orders_before);
  EXPECT_EQ(http.post("/info", user_query("clearinghouseState", signer.address())).body, account_before);
  EXPECT_NE(orders_before.find(std::to_string(oid)), std::string::npos);
  // The nonces survived too: the same signed body again is refused, a fresh one is taken.
  EXPECT_EQ(parsed(http.post("/exchange", noop).body).at("status"), "err");
  EXPECT_EQ(parsed(http.post("/exchange", signer.envelope(Json{{"type", "noop"}})).body).at("status"), "ok");
}

TEST(SimServerState, SigtermSavesAndExitsZeroAndOtherDataIsRefused) {
  TempDir dir;
  const std::string state_dir = (dir.path() / "state").string();
  {
    SimProcess sim({"--speed", "0", "--state-dir", state_dir});
    ASSERT_TRUE(sim.started());
    HttpClient http(sim.port());
    ASSERT_EQ(http.post("/control", R"({"type":"advance","steps":5})").status, 200);
    EXPECT_EQ(sim.stop(SIGTERM), 0);
    EXPECT_NE(sim.err().find("exchange-sim: stopped by SIGTERM, state saved in " + state_dir), std::string::npos)
        << sim.err();
  }
  ASSERT_TRUE(std::filesystem::exists(state_dir + "/state.json"));
  const auto other = run_organism({"--db", sim_test_store(), "exchange-sim", "--speed", "0", "--seed", "9",
                                   "--state-dir", state_dir});
  EXPECT_EQ(other.exit_code, 1);
  EXPECT_NE(other.err.find("saved with seed 1, but this server has seed 9"), std::string::npos) << other.err;
  write_file(state_dir + "/state.json", "{\"format\": tru");
  const auto corrupt = run_organism({"--db", sim_test_store(), "exchange-sim", "--speed", "0", "--state-dir", state_dir});
  EXPECT_EQ(corrupt.exit_code, 1);
  EXPECT_NE(corrupt.err.find("state.json: not valid JSON"), std::string::npos) << corrupt.err;
}

TEST(SimServerState, SameSeedDataAndRequestsGiveByteIdenticalFillsAndAccounts) {
  if (!shared_dir()) GTEST_SKIP() << "../shared is absent";
  SimProcess a({"--speed", "0", "--seed", "5"});
  SimProcess b({"--speed", "0", "--seed", "5"});
  ASSERT_TRUE(a.started() && b.started());
  HttpClient http_a(a.port()), http_b(b.port());
  TestSigner signer(2);
  // The same signed bodies to both: a market buy, a resting bid the market later reaches.
  const double mid = std::stod(parsed(http_a.post("/info", R"({"type":"allMids"})").body).at("BTC").get<std::string>());
  std::vector<std::string> bodies{
      signer.envelope(order_action(0, true, exchange::hl::float_to_wire(exchange::hl::slippage_price(mid, true, 0.05, 5)),
                                   "0.05", "Ioc")),
      signer.envelope(order_action(0, false, exchange::hl::float_to_wire(exchange::hl::round_price(mid * 1.002, 5)),
                                   "0.03", "Gtc")),
      signer.envelope(order_action(1, true, exchange::hl::float_to_wire(exchange::hl::round_price(2200 * 0.999, 4)),
                                   "0.5", "Gtc"))};
  for (const auto& body : bodies) EXPECT_EQ(http_a.post("/exchange", body).body, http_b.post("/exchange", body).body);
  EXPECT_EQ(http_a.post("/control", R"({"type":"advance","steps":120})").body,
            http_b.post("/control", R"({"type":"advance","steps":120})").body);
  const auto fills_a = http_a.post("/info", user_query("userFills", signer.address())).body;
  EXPECT_EQ(fills_a, http_b.post("/info", user_query("userFills", signer.address())).body);
  EXPECT_EQ(http_a.post("/info", user_query("clearinghouseState", signer.address())).body,
            http_b.post("/info", user_query("clearinghouseState", signer.address())).body);
  EXPECT_GE(parsed(fills_a).size(), 1u);
}

}  // namespace
}  // namespace organism::test

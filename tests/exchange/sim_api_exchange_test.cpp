// SimApi's POST /exchange: signer recovery, the account acted for, nonces, and each action's
// reply in the shapes of PROTOCOL §5.2.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "sim_api_fixture.hpp"

namespace organism::exchange::sim_api::testing {
namespace {

using SimApiExchange = SimFixture;

constexpr const char* kNeverPlaced = "Order was never placed, already canceled, or filled.";
constexpr const char* kCloid = "0x00000000000000000000000000000abc";

Json user_query(const char* type, const std::string& user) {
  return Json{{"type", type}, {"user", user}};
}

TEST_F(SimApiExchange, FirstTimeSignerStartsWithTheBalance) {
  const std::string b = address_of(kKeyB);
  EXPECT_EQ(info(user_query("clearinghouseState", b))["withdrawable"], "0");
  EXPECT_EQ(act(Json{{"type", "noop"}}, kKeyB).dump(),
            R"({"status":"ok","response":{"type":"default"}})");
  const Json state = info(user_query("clearinghouseState", b));
  EXPECT_EQ(state["marginSummary"]["accountValue"], "100000");
  EXPECT_EQ(state["withdrawable"], "100000");
}

TEST_F(SimApiExchange, IocBuyFillsAndShowsInFillsAndPosition) {
  const Json reply = act(order_action(0, true, "32000", "0.01", "Ioc"));
  ASSERT_EQ(reply["status"], "ok") << reply.dump();
  EXPECT_EQ(reply["response"]["type"], "order");
  const Json& filled = reply["response"]["data"]["statuses"][0]["filled"];
  ASSERT_TRUE(filled.is_object()) << reply.dump();
  EXPECT_EQ(filled["totalSz"], "0.01");
  EXPECT_TRUE(filled["oid"].is_number_unsigned());
  const double avg_px = num(filled["avgPx"]);
  EXPECT_GT(avg_px, 30090);
  EXPECT_LT(avg_px, 30160);

  const Json fills = info(user_query("userFills", kAddressA));
  ASSERT_EQ(fills.size(), 1u);
  const Json& fill = fills[0];
  EXPECT_EQ(fill["coin"], "BTC");
  EXPECT_EQ(fill["side"], "B");
  EXPECT_EQ(fill["sz"], "0.01");
  EXPECT_EQ(fill["dir"], "Open Long");
  EXPECT_EQ(fill["startPosition"], "0");
  EXPECT_EQ(fill["crossed"], true);
  EXPECT_EQ(fill["feeToken"], "USDC");
  EXPECT_EQ(fill["oid"], filled["oid"]);
  EXPECT_NEAR(num(fill["px"]), avg_px, 1e-8);
  EXPECT_NEAR(num(fill["fee"]), 0.00045 * avg_px * 0.01, 1e-6);  // the engine's taker fee
  EXPECT_TRUE(fill["hash"].is_string());
  EXPECT_TRUE(fill["tid"].is_number_unsigned());

  const Json state = info(user_query("clearinghouseState", kAddressA));
  ASSERT_EQ(state["assetPositions"].size(), 1u);
  const Json& position = state["assetPositions"][0]["position"];
  EXPECT_EQ(state["assetPositions"][0]["type"], "oneWay");
  EXPECT_EQ(position["coin"], "BTC");
  EXPECT_EQ(position["szi"], "0.01");
  EXPECT_NEAR(num(position["entryPx"]), avg_px, 1e-8);
  EXPECT_EQ(position["leverage"].dump(), R"({"type":"cross","value":20})");
  EXPECT_NEAR(num(position["positionValue"]),
              0.01 * num(info(Json{{"type", "metaAndAssetCtxs"}})[1][0]["markPx"]), 1e-6);
  // Fills by time from the fill's time on find it; from a millisecond later do not.
  const auto t = fill["time"].get<core::TimeMs>();
  EXPECT_EQ(info(Json{{"type", "userFillsByTime"}, {"user", kAddressA}, {"startTime", t}}).size(),
            1u);
  EXPECT_EQ(
      info(Json{{"type", "userFillsByTime"}, {"user", kAddressA}, {"startTime", t + 1}}).size(),
      0u);
}

TEST_F(SimApiExchange, GtcWithCloidRestsAndCancelsByCloid) {
  const Json reply = act(order_action(0, true, "29000", "0.01", "Gtc", kCloid));
  const Json& resting = reply["response"]["data"]["statuses"][0]["resting"];
  ASSERT_TRUE(resting.is_object()) << reply.dump();
  const auto oid = resting["oid"].get<std::uint64_t>();

  // Checksummed mixed case finds the same user.
  const Json open = info(user_query("openOrders", "0x14791697260E4c9A71f18484C9f997B308e59325"));
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0]["coin"], "BTC");
  EXPECT_EQ(open[0]["side"], "B");
  EXPECT_EQ(open[0]["limitPx"], "29000");
  EXPECT_EQ(open[0]["sz"], "0.01");
  EXPECT_EQ(open[0]["oid"], oid);
  EXPECT_EQ(open[0]["cloid"], kCloid);
  const Json frontend = info(user_query("frontendOpenOrders", kAddressA));
  EXPECT_EQ(frontend[0]["orderType"], "Limit");
  EXPECT_EQ(frontend[0]["tif"], "Gtc");
  EXPECT_EQ(frontend[0]["triggerCondition"], "N/A");
  EXPECT_EQ(frontend[0]["isTrigger"], false);
  const Json status = info(Json{{"type", "orderStatus"}, {"user", kAddressA}, {"oid", kCloid}});
  EXPECT_EQ(status["status"], "order");
  EXPECT_EQ(status["order"]["status"], "open");
  EXPECT_EQ(status["order"]["order"]["oid"], oid);

  const Json cancel = act(Json{{"type", "cancelByCloid"},
                               {"cancels", Json::array({Json{{"asset", 0}, {"cloid", kCloid}}})}});
  EXPECT_EQ(cancel.dump(),
            R"({"status":"ok","response":{"type":"cancel","data":{"statuses":["success"]}}})");
  EXPECT_EQ(info(user_query("openOrders", kAddressA)).dump(), "[]");
  EXPECT_EQ(
      info(Json{{"type", "orderStatus"}, {"user", kAddressA}, {"oid", oid}})["order"]["status"],
      "canceled");
}

TEST_F(SimApiExchange, ForeignTestnetOrAlteredCancelsLeaveTheOrder) {
  const auto oid = act(order_action(0, true, "29000", "0.01",
                                    "Gtc"))["response"]["data"]["statuses"][0]["resting"]["oid"];
  const Json cancel{{"type", "cancel"}, {"cancels", Json::array({Json{{"a", 0}, {"o", oid}}})}};
  const std::string never =
      std::string(R"({"status":"ok","response":{"type":"cancel","data":{"statuses":[{"error":")") +
      kNeverPlaced + R"("}]}}})";
  EXPECT_EQ(act(cancel, kKeyB).dump(), never);                                 // another key
  EXPECT_EQ(post(signed_l1(cancel, kKeyA, /*mainnet=*/false)).dump(), never);  // signed for testnet
  Json altered = signed_l1(
      Json{{"type", "cancel"}, {"cancels", Json::array({Json{{"a", 0}, {"o", 999}}})}}, kKeyA);
  altered["action"]["cancels"][0]["o"] = oid;  // changed after signing: recovers another address
  EXPECT_EQ(post(altered).dump(), never);
  EXPECT_EQ(info(user_query("openOrders", kAddressA)).size(), 1u);
}

TEST_F(SimApiExchange, TestnetSignatureActsOnAnotherAddress) {
  const Json reply =
      post(signed_l1(order_action(0, true, "29000", "0.01", "Gtc"), kKeyA, /*mainnet=*/false));
  EXPECT_TRUE(reply["response"]["data"]["statuses"][0].contains("resting")) << reply.dump();
  EXPECT_EQ(info(user_query("openOrders", kAddressA)).dump(), "[]");
}

TEST_F(SimApiExchange, BadSignatureIsTheUnknownUserError) {
  Json envelope = signed_l1(Json{{"type", "noop"}}, kKeyA);
  envelope["signature"]["r"] = "0x0";
  EXPECT_EQ(
      post(envelope).dump(),
      R"({"status":"err","response":"User or API Wallet 0x0000000000000000000000000000000000000000 does not exist."})");
  envelope["signature"] = "nope";
  EXPECT_EQ(api.exchange(envelope.dump()).status, 422);
}

TEST_F(SimApiExchange, ExpiresAfterAndVaultAddressAreChecked) {
  const auto key = hl::PrivateKey::from_hex(kKeyA);
  const Json noop{{"type", "noop"}};
  auto envelope = [&](std::optional<std::uint64_t> expires, std::optional<hl::Address> vault) {
    const std::uint64_t nonce = ++next_nonce;
    Json out{{"action", noop},
             {"nonce", nonce},
             {"signature", hl::sign_l1_action(noop, nonce, vault, expires, true, key).to_json()},
             {"vaultAddress", vault ? Json(vault->hex()) : Json(nullptr)}};
    if (expires) out["expiresAfter"] = *expires;
    return out;
  };
  const auto wall_now = static_cast<std::uint64_t>(kWallNow);
  EXPECT_EQ(
      post(envelope(wall_now - 1, std::nullopt)).dump(),
      R"({"status":"err","response":"Action expired: expiresAfter 1759999999999 is in the past"})");
  EXPECT_EQ(post(envelope(wall_now + 5000, std::nullopt))["status"], "ok");
  const auto vault = *hl::Address::parse("0x5e9ee1089755c3435139848e47e6635505d5a13a");
  EXPECT_EQ(
      post(envelope(std::nullopt, vault)).dump(),
      R"({"status":"err","response":"Vault not registered: 0x5e9ee1089755c3435139848e47e6635505d5a13a"})");
}

TEST_F(SimApiExchange, NoncesAreCheckedAgainstTheWallClock) {
  const auto wall_now = static_cast<std::uint64_t>(kWallNow);
  EXPECT_EQ(post(signed_l1(Json{{"type", "noop"}}, kKeyA, true, wall_now))["status"], "ok");
  EXPECT_EQ(post(signed_l1(Json{{"type", "noop"}}, kKeyA, true, wall_now)).dump(),
            R"({"status":"err","response":"Invalid nonce: duplicate nonce"})");
  const std::string out_of_range =
      R"({"status":"err","response":"Invalid nonce: too far from the current time"})";
  EXPECT_EQ(
      post(signed_l1(Json{{"type", "noop"}}, kKeyA, true, wall_now - 2 * core::kDayMs)).dump(),
      out_of_range);
  EXPECT_EQ(post(signed_l1(Json{{"type", "noop"}}, kKeyA, true, wall_now + core::kDayMs)).dump(),
            out_of_range);
  // The market clock (2023) is not the reference: a nonce from market time is far too old.
  EXPECT_EQ(post(signed_l1(Json{{"type", "noop"}}, kKeyA, true,
                           static_cast<std::uint64_t>(api.market_time())))
                .dump(),
            out_of_range);
  // Inside the window, below the smallest of the 100 highest: too low.
  for (std::uint64_t k = 1; k <= 100; ++k)
    ASSERT_EQ(post(signed_l1(Json{{"type", "noop"}}, kKeyA, true, wall_now + k))["status"], "ok");
  EXPECT_EQ(post(signed_l1(Json{{"type", "noop"}}, kKeyA, true, wall_now - 5)).dump(),
            R"({"status":"err","response":"Invalid nonce: too low"})");
  // Per signer: the other key may use it.
  EXPECT_EQ(post(signed_l1(Json{{"type", "noop"}}, kKeyB, true, wall_now - 5))["status"], "ok");
}

TEST_F(SimApiExchange, ModifyGivesANewOid) {
  const auto oid = act(order_action(0, true, "29000", "0.01",
                                    "Gtc"))["response"]["data"]["statuses"][0]["resting"]["oid"]
                       .get<std::uint64_t>();
  Json wire = order_action(0, true, "29500", "0.02", "Gtc")["orders"][0];
  const Json reply = act(Json{{"type", "batchModify"},
                              {"modifies", Json::array({Json{{"oid", oid}, {"order", wire}}})}});
  ASSERT_EQ(reply["response"]["type"], "batchModify") << reply.dump();
  const auto new_oid =
      reply["response"]["data"]["statuses"][0]["resting"]["oid"].get<std::uint64_t>();
  EXPECT_NE(new_oid, oid);
  const Json open = info(user_query("openOrders", kAddressA));
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0]["oid"], new_oid);
  EXPECT_EQ(open[0]["limitPx"], "29500");
  EXPECT_EQ(open[0]["sz"], "0.02");
  // The single form answers "default".
  const Json single =
      act(Json{{"type", "modify"},
               {"oid", new_oid},
               {"order", order_action(0, true, "29400", "0.02", "Gtc")["orders"][0]}});
  EXPECT_EQ(single.dump(), R"({"status":"ok","response":{"type":"default"}})");
  EXPECT_EQ(info(user_query("openOrders", kAddressA))[0]["limitPx"], "29400");
}

TEST_F(SimApiExchange, UpdateLeverageShowsOnThePosition) {
  EXPECT_EQ(
      act(Json{{"type", "updateLeverage"}, {"asset", 0}, {"isCross", false}, {"leverage", 10}})
          .dump(),
      R"({"status":"ok","response":{"type":"default"}})");
  act(order_action(0, true, "32000", "0.01", "Ioc"));
  const Json position =
      info(user_query("clearinghouseState", kAddressA))["assetPositions"][0]["position"];
  EXPECT_EQ(position["leverage"]["type"], "isolated");
  EXPECT_EQ(position["leverage"]["value"], 10);
  EXPECT_TRUE(position["leverage"]["rawUsd"].is_string());
  EXPECT_EQ(act(Json{{"type", "updateLeverage"}, {"asset", 7}, {"isCross", true}, {"leverage", 10}})
                .dump(),
            R"({"status":"err","response":"Asset 7 does not exist."})");
}

TEST_F(SimApiExchange, AnApprovedAgentActsForItsMaster) {
  const auto master = hl::PrivateKey::from_hex(kKeyA);
  Json approve{{"type", "approveAgent"},
               {"signatureChainId", "0x66eee"},
               {"hyperliquidChain", "Mainnet"},
               {"agentAddress", address_of(kKeyB)},
               {"agentName", "bot"},
               {"nonce", ++next_nonce}};
  const auto sig = hl::sign_user_action(approve, master);
  EXPECT_EQ(post(Json{{"action", approve},
                      {"nonce", next_nonce},
                      {"signature", sig.to_json()},
                      {"vaultAddress", nullptr}})
                .dump(),
            R"({"status":"ok","response":{"type":"default"}})");
  EXPECT_TRUE(
      act(order_action(0, true, "29000", "0.01", "Gtc"), kKeyB)["response"]["data"]["statuses"][0]
          .contains("resting"));
  EXPECT_EQ(info(user_query("openOrders", kAddressA)).size(), 1u);
  EXPECT_EQ(info(user_query("openOrders", address_of(kKeyB))).dump(), "[]");
  EXPECT_EQ(info(user_query("userRole", address_of(kKeyB)))["role"], "agent");
}

TEST_F(SimApiExchange, UnmodelledActionsAreAnsweredWithoutACrash) {
  const std::string ok = R"({"status":"ok","response":{"type":"default"}})";
  EXPECT_EQ(act(Json{{"type", "setReferrer"}, {"code", "ABC"}}).dump(), ok);
  const auto key = hl::PrivateKey::from_hex(kKeyA);
  Json builder{{"type", "approveBuilderFee"},   {"signatureChainId", "0x66eee"},
               {"hyperliquidChain", "Mainnet"}, {"maxFeeRate", "0.001%"},
               {"builder", address_of(kKeyB)},  {"nonce", ++next_nonce}};
  EXPECT_EQ(post(Json{{"action", builder},
                      {"nonce", next_nonce},
                      {"signature", hl::sign_user_action(builder, key).to_json()}})
                .dump(),
            ok);
  Json send{{"type", "usdSend"},
            {"signatureChainId", "0x66eee"},
            {"hyperliquidChain", "Mainnet"},
            {"destination", address_of(kKeyB)},
            {"amount", "1"},
            {"time", ++next_nonce}};
  EXPECT_EQ(post(Json{{"action", send},
                      {"nonce", next_nonce},
                      {"signature", hl::sign_user_action(send, key).to_json()}})
                .dump(),
            R"({"status":"err","response":"Action usdSend is not supported by the simulator."})");
  EXPECT_EQ(api.exchange(signed_l1(Json{{"type", "fooBar"}}, kKeyA).dump()).status, 422);
  EXPECT_EQ(api.exchange(R"({"action":{"type":"order"},"nonce":1})").body,
            "Failed to deserialize the JSON body into the target type");
  // An asset past the universe is a per-order error.
  EXPECT_EQ(
      act(order_action(9, true, "100", "1", "Gtc")).dump(),
      R"({"status":"ok","response":{"type":"order","data":{"statuses":[{"error":"Asset 9 does not exist."}]}}})");
}

TEST_F(SimApiExchange, RejectOrdersFaultAnswersEachOrderWithAnError) {
  control(R"({"type":"fault","fault":"rejectOrders","seconds":30})");
  EXPECT_EQ(
      act(order_action(0, true, "29000", "0.01", "Gtc")).dump(),
      R"({"status":"ok","response":{"type":"order","data":{"statuses":[{"error":"Order rejected: the simulator's rejectOrders fault is active."}]}}})");
  wall.advance(30'000);
  EXPECT_TRUE(act(order_action(0, true, "29000", "0.01", "Gtc"))["response"]["data"]["statuses"][0]
                  .contains("resting"));
  EXPECT_EQ(api.control(R"({"type":"fault","fault":"meteor"})").body,
            "control: unknown fault \"meteor\" (known: rejectOrders, staleBook, flashMove, regimeBreak)");
  EXPECT_EQ(api.control("nope").status, 400);
}

TEST_F(SimApiExchange, SameRequestsGiveTheSameStateAndRestoreKeepsIt) {
  auto run = [](SimFixture& f) {
    f.act(order_action(0, true, "32000", "0.01", "Ioc"));
    f.act(order_action(1, false, "2100", "0.5", "Gtc", kCloid));
    f.control(R"({"type":"advance","steps":30})");
    f.act(order_action(0, false, "29000", "0.005", "Ioc"));
    return f.api.state();
  };
  struct Run : SimFixture {
    void TestBody() override {}
  };
  Run second;
  second.SetUp();
  const Json state = run(*this);
  EXPECT_EQ(state.dump(), run(second).dump());
  Run restored;
  restored.api.restore(state);
  EXPECT_EQ(restored.api.state().dump(), state.dump());
  EXPECT_EQ(restored.info(user_query("openOrders", kAddressA)).dump(),
            info(user_query("openOrders", kAddressA)).dump());
  // The nonces came back too: replaying the last envelope is a duplicate.
  EXPECT_EQ(restored.post(signed_l1(Json{{"type", "noop"}}, kKeyA, true, next_nonce)).dump(),
            R"({"status":"err","response":"Invalid nonce: duplicate nonce"})");
}

}  // namespace
}  // namespace organism::exchange::sim_api::testing

namespace organism::exchange::sim_api::testing {
namespace {

// ApiOptions::order_log: accepted orders only, one JSON line each, resting and filled, with the
// cloid as sent; a refused order writes nothing.
TEST(SimApiOrderLog, WritesOneLinePerAcceptedOrder) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("organism_order_log_" + std::to_string(::getpid()) + ".jsonl");
  std::filesystem::remove(path);
  {
    core::FixedClock wall{kWallNow};
    SimApi api{make_market(), make_engine(), wall, ApiOptions{true, path.string()}};
    api.control(R"({"type":"advance","steps":1})");
    std::uint64_t nonce = static_cast<std::uint64_t>(kWallNow);
    auto act = [&](const Json& action) {
      const auto envelope =
          test_support::signed_envelope(action, hl::PrivateKey::from_hex(kKeyA), ++nonce, true);
      return Json::parse(api.exchange(envelope.dump()).body);
    };
    act(order_action(0, true, "29000", "0.01", "Gtc", kCloid));                 // rests
    act(order_action(0, true, "29000", "0.01", "Gtc", kCloid));                 // duplicate: refused
    act(order_action(0, true, "99000", "0.002", "Ioc"));                        // fills
    act(order_action(0, true, "29000", "0.000001", "Gtc"));                // bad size: refused
  }
  std::ifstream in(path);
  std::vector<Json> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(Json::parse(line));
  std::filesystem::remove(path);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["cloid"], kCloid);
  EXPECT_EQ(lines[0]["status"], "resting");
  EXPECT_EQ(lines[0]["coin"], "BTC");
  EXPECT_EQ(lines[0]["side"], "B");
  EXPECT_EQ(lines[0]["px"], 29000LL * 100'000'000);
  EXPECT_EQ(lines[0]["sz"], 1'000'000);
  EXPECT_EQ(lines[0]["user"], SimFixture::address_of(kKeyA));
  EXPECT_TRUE(lines[1]["cloid"].is_null());
  EXPECT_EQ(lines[1]["status"], "filled");
}

}  // namespace
}  // namespace organism::exchange::sim_api::testing

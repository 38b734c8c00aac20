// The typed wire actions: hand-built actions serialise to the exact msgpack bytes of the signing
// vectors, every modelled vector round-trips through parse and to_json, and malformed input gets
// a short error naming the field.
#include <gtest/gtest.h>

#include "exchange_test_support.hpp"
#include "exchange/hyperliquid/wire.hpp"
#include "hl_vectors_file.hpp"

namespace {

// The text of the expected error: malformed wire input is a WireError.
std::string error_of(auto&& f) {
  return organism::exchange::test_support::error_of<organism::exchange::hl::WireError>(f);
}

using namespace organism::exchange::hl;

std::string packed_hex(const Json& j) { return to_hex(msgpack_of(j)).substr(2); }

WireDecimal dec(const char* text) { return *WireDecimal::parse(text); }

OrderWire order(std::uint32_t asset, const char* px, const char* sz,
                std::variant<LimitWire, TriggerWire> type,
                std::optional<std::string> cloid = std::nullopt) {
  return OrderWire{asset, true, dec(px), dec(sz), false, type, cloid};
}

OrderAction single(OrderWire o) { return OrderAction{{std::move(o)}, {}, std::nullopt}; }

const Json* vector_named(const Json& v, const std::string& name) {
  for (const Json& vec : v["l1_action_vectors"]) {
    if (vec["name"] == name) return &vec;
  }
  ADD_FAILURE() << "no vector " << name;
  return nullptr;
}

TEST(HlWire, TypedActionsGiveTheVectorsMsgpack) {
  HL_LOAD_VECTORS_OR_SKIP(v);
  const std::vector<std::pair<std::string, L1Action>> cases = {
      {"l1_order_gtc", single(order(1, "100", "100", LimitWire{WireTif::Gtc}))},
      {"phantom_agent_connection_id_order_eth_ioc",
       single(order(4, "1670.1", "0.0147", LimitWire{WireTif::Ioc}))},
      {"l1_order_gtc_with_cloid", single(order(1, "100", "100", LimitWire{WireTif::Gtc},
                                               "0x00000000000000000000000000000001"))},
      {"rs_limit_order_ioc_with_cloid", single(order(1, "2000.0", "3.5", LimitWire{WireTif::Ioc},
                                                     "0x1e60610f0b3d420597c88c1fed2ad5ee"))},
      {"l1_order_trigger_sl", single(order(1, "100", "100", TriggerWire{true, dec("103"), false}))},
      {"rs_trigger_order_tp",
       single(order(1, "2000.0", "3.5", TriggerWire{true, dec("2000.0"), true}))},
      {"rs_cancel", CancelAction{{CancelWire{1, 82382}}}},
      {"l1_schedule_cancel_unset", ScheduleCancelAction{}},
      {"l1_schedule_cancel_with_time", ScheduleCancelAction{123456789}},
  };
  for (const auto& [name, action] : cases) {
    const Json* vec = vector_named(v, name);
    ASSERT_NE(vec, nullptr);
    EXPECT_EQ(packed_hex(to_json(action)),
              (*vec)["derived"]["msgpack_action_hex"].get<std::string>())
        << name;
    EXPECT_EQ(to_json(action).dump(), (*vec)["action"].dump()) << name;
  }
}

TEST(HlWire, EveryModelledVectorRoundTrips) {
  HL_LOAD_VECTORS_OR_SKIP(v);
  int modelled = 0;
  for (const Json& vec : v["l1_action_vectors"]) {
    const auto type = action_type(vec["action"]);
    ASSERT_TRUE(type);
    if (!is_modelled_l1_action(*type)) {
      EXPECT_EQ(error_of([&] { parse_l1_action(vec["action"]); }), "action: unknown type " + *type);
      continue;
    }
    const L1Action parsed = parse_l1_action(vec["action"]);
    EXPECT_EQ(to_json(parsed), vec["action"]) << vec["name"];
    EXPECT_EQ(packed_hex(to_json(parsed)), vec["derived"]["msgpack_action_hex"].get<std::string>());
    ++modelled;
  }
  // 12 orders (1 + 3 Python, 4 Rust, 4 TypeScript), the Rust cancel and the two scheduleCancels;
  // the dummy, sub-account and claimRewards actions are not modelled.
  EXPECT_EQ(modelled, 15);
}

TEST(HlWire, ParsedValuesAreExact) {
  const L1Action parsed = parse_l1_action(Json::parse(
      R"({"type":"order","orders":[{"a":3,"b":false,"p":"1670.1","s":"0.0147","r":true,"t":{"trigger":{"isMarket":false,"triggerPx":"1600","tpsl":"tp"}},"c":"0xABCDEF00000000000000000000000001"}],"grouping":{"p":5},"builder":{"b":"0x14791697260E4c9A71f18484C9f997B308e59325","f":10}})"));
  const auto& o = std::get<OrderAction>(parsed);
  ASSERT_EQ(o.orders.size(), 1u);
  EXPECT_EQ(o.orders[0].asset, 3u);
  EXPECT_FALSE(o.orders[0].is_buy);
  EXPECT_EQ(o.orders[0].px.units, 167'010'000'000);
  EXPECT_EQ(o.orders[0].sz.units, 1'470'000);
  EXPECT_TRUE(o.orders[0].reduce_only);
  const auto& trig = std::get<TriggerWire>(o.orders[0].type);
  EXPECT_FALSE(trig.is_market);
  EXPECT_EQ(trig.trigger_px.units, 160'000'000'000);
  EXPECT_TRUE(trig.take_profit);
  EXPECT_EQ(o.orders[0].cloid, "0xabcdef00000000000000000000000001");  // read as bytes: lower case
  EXPECT_EQ(o.grouping.kind, Grouping::Kind::Priority);
  EXPECT_EQ(o.grouping.priority, 5u);
  ASSERT_TRUE(o.builder);
  EXPECT_EQ(o.builder->fee, 10u);
  // Out: builder address lower case, keys in the documented order, the grouping object kept.
  EXPECT_EQ(
      to_json(parsed).dump(),
      R"({"type":"order","orders":[{"a":3,"b":false,"p":"1670.1","s":"0.0147","r":true,"t":{"trigger":{"isMarket":false,"triggerPx":"1600","tpsl":"tp"}},"c":"0xabcdef00000000000000000000000001"}],"grouping":{"p":5},"builder":{"b":"0x14791697260e4c9a71f18484c9f997b308e59325","f":10}})");
}

TEST(HlWire, OtherActionsInDocumentedKeyOrder) {
  const std::vector<std::pair<L1Action, std::string>> cases = {
      {CancelByCloidAction{{{1, "0x1e60610f0b3d420597c88c1fed2ad5ee"}}},
       R"({"type":"cancelByCloid","cancels":[{"asset":1,"cloid":"0x1e60610f0b3d420597c88c1fed2ad5ee"}]})"},
      {ModifyAction{std::uint64_t{12345}, order(4, "1670", "0.5", LimitWire{WireTif::Alo})},
       R"({"type":"modify","oid":12345,"order":{"a":4,"b":true,"p":"1670","s":"0.5","r":false,"t":{"limit":{"tif":"Alo"}}}})"},
      {BatchModifyAction{
           {{std::string("0x00000000000000000000000000000001"), order(0, "1", "2", LimitWire{})}}},
       R"({"type":"batchModify","modifies":[{"oid":"0x00000000000000000000000000000001","order":{"a":0,"b":true,"p":"1","s":"2","r":false,"t":{"limit":{"tif":"Gtc"}}}}]})"},
      {UpdateLeverageAction{4, false, 21},
       R"({"type":"updateLeverage","asset":4,"isCross":false,"leverage":21})"},
      {UpdateIsolatedMarginAction{4, true, -1000000},
       R"({"type":"updateIsolatedMargin","asset":4,"isBuy":true,"ntli":-1000000})"},
      {NoopAction{}, R"({"type":"noop"})"},
  };
  for (const auto& [action, text] : cases) {
    EXPECT_EQ(to_json(action).dump(), text);
    EXPECT_EQ(parse_l1_action(Json::parse(text)), action) << text;
  }
}

TEST(HlWire, MalformedActionsNameTheField) {
  const std::string good_order =
      R"({"a":1,"b":true,"p":"100","s":"1","r":false,"t":{"limit":{"tif":"Gtc"}}})";
  auto order_error = [&](const std::string& key, const std::string& value) {
    Json o = Json::parse(good_order);
    if (value.empty()) {
      o.erase(key);
    } else {
      o[key] = Json::parse(value);
    }
    Json action = {{"type", "order"},
                   {"orders", Json::array({Json::parse(good_order), o})},
                   {"grouping", "na"}};
    return error_of([&] { parse_l1_action(action); });
  };
  EXPECT_EQ(order_error("p", "100.5"), "order 1: field p: expected a decimal string");
  EXPECT_EQ(order_error("p", R"("1e5")"), "order 1: field p: expected a decimal string");
  EXPECT_EQ(order_error("s", R"("1.123456789")"), "order 1: field s: expected a decimal string");
  EXPECT_EQ(order_error("a", "-1"), "order 1: field a: expected a non-negative integer");
  EXPECT_EQ(order_error("a", "1.0"), "order 1: field a: expected a non-negative integer");
  EXPECT_EQ(order_error("b", "1"), "order 1: field b: expected a boolean");
  EXPECT_EQ(order_error("r", ""), "order 1: missing field r");
  EXPECT_EQ(order_error("t", R"({"limit":{"tif":"Fok"}})"),
            "order 1: field t.limit.tif: expected Gtc, Ioc or Alo");
  EXPECT_EQ(order_error("t", R"({"limit":{"tif":"Gtc"},"trigger":{}})"),
            "order 1: field t: expected {limit} or {trigger}");
  EXPECT_EQ(order_error("t", R"({"trigger":{"isMarket":true,"triggerPx":"1","tpsl":"x"}})"),
            "order 1: field t.trigger.tpsl: expected tp or sl");
  EXPECT_EQ(order_error("c", R"("0x1")"),
            "order 1: field c: expected a cloid (0x and 32 hex digits)");
  EXPECT_EQ(order_error("c", "null"), "no error");  // null reads as absent
  EXPECT_EQ(error_of([] {
              parse_l1_action(Json::parse(R"({"type":"order","orders":[],"grouping":"x"})"));
            }),
            "action: field grouping: expected na, normalTpsl, positionTpsl or {p}");
  EXPECT_EQ(error_of([] { parse_l1_action(Json::parse(R"({"type":"order","grouping":"na"})")); }),
            "action: missing field orders");
  EXPECT_EQ(error_of([] {
              parse_l1_action(Json::parse(R"({"type":"cancel","cancels":[{"a":1,"o":"5"}]})"));
            }),
            "cancel 0: field o: expected an unsigned integer");
  EXPECT_EQ(error_of([] { parse_l1_action(Json::parse(R"({"type":"cancel","cancels":[5]})")); }),
            "cancel 0: expected an object");
  EXPECT_EQ(
      error_of([] { parse_l1_action(Json::parse(R"({"type":"modify","oid":-3,"order":{}})")); }),
      "action: field oid: expected an order id or a cloid");
  EXPECT_EQ(error_of([] {
              parse_l1_action(Json::parse(
                  R"({"type":"updateIsolatedMargin","asset":1,"isBuy":true,"ntli":1.5})"));
            }),
            "action: field ntli: expected an integer");
  EXPECT_EQ(error_of([] { parse_l1_action(Json::parse(R"({"type":"setReferrer","code":"x"})")); }),
            "action: unknown type setReferrer");
  EXPECT_EQ(error_of([] { parse_l1_action(Json::parse(R"([1,2])")); }),
            "action: expected an object with a string type");
}

TEST(HlWire, ExchangeRequestEnvelope) {
  const Json body = Json::parse(
      R"({"action":{"type":"noop","z":1,"a":2},"nonce":1713825891591,"signature":{"r":"0x1","s":"0x2","v":28},"vaultAddress":"0x1719884EB866cb12b2287399b15f7db5e7d775ea","expiresAfter":1713825899999})");
  const ExchangeRequest req = parse_exchange_request(body);
  // The action is kept as received, key order included: the server hashes what was sent.
  EXPECT_EQ(req.action.dump(), R"({"type":"noop","z":1,"a":2})");
  EXPECT_EQ(req.nonce, 1713825891591u);
  EXPECT_EQ(req.signature.r[31], 1);
  EXPECT_EQ(req.signature.s[31], 2);
  EXPECT_EQ(req.signature.v, 28);
  EXPECT_EQ(req.vault_address->hex(), "0x1719884eb866cb12b2287399b15f7db5e7d775ea");
  EXPECT_EQ(req.expires_after, 1713825899999u);
  EXPECT_EQ(
      to_json(req).dump(),
      R"({"action":{"type":"noop","z":1,"a":2},"nonce":1713825891591,"signature":{"r":"0x0000000000000000000000000000000000000000000000000000000000000001","s":"0x0000000000000000000000000000000000000000000000000000000000000002","v":28},"vaultAddress":"0x1719884eb866cb12b2287399b15f7db5e7d775ea","expiresAfter":1713825899999})");
  // null vault and expiry read as absent and are omitted on the way out.
  const Json nulls = Json::parse(
      R"({"action":{"type":"noop"},"nonce":1,"signature":{"r":"0x1","s":"0x2","v":27},"vaultAddress":null,"expiresAfter":null})");
  const ExchangeRequest plain = parse_exchange_request(nulls);
  EXPECT_FALSE(plain.vault_address);
  EXPECT_FALSE(plain.expires_after);
  EXPECT_EQ(to_json(plain).dump().find("vaultAddress"), std::string::npos);
  auto envelope_error = [](const char* text) {
    return error_of([&] { parse_exchange_request(Json::parse(text)); });
  };
  EXPECT_EQ(envelope_error(R"([])"), "expected a JSON object");
  EXPECT_EQ(envelope_error(R"({"nonce":1})"), "missing field action");
  EXPECT_EQ(envelope_error(R"({"action":{"x":1},"nonce":1})"),
            "field action: expected an object with a string type");
  EXPECT_EQ(envelope_error(R"({"action":{"type":"noop"},"nonce":-1})"),
            "field nonce: expected an unsigned integer");
  EXPECT_EQ(envelope_error(
                R"({"action":{"type":"noop"},"nonce":1,"signature":{"r":"0x1","s":"0x2","v":29}})"),
            "field signature: expected {r, s, v}");
  EXPECT_EQ(
      envelope_error(
          R"({"action":{"type":"noop"},"nonce":1,"signature":{"r":"0x1","s":"0x2","v":27},"vaultAddress":"0x12"})"),
      "field vaultAddress: expected an address");
}

TEST(HlWire, SignedRequestsRecoverTheirSignerThroughJsonText) {
  const auto key =
      PrivateKey::from_hex("0x0123456789012345678901234567890123456789012345678901234567890123");
  const auto agent =
      PrivateKey::from_hex("0xe908f86dbb4d55ac876378565aafeabc187f6690f046459397b17d9b9a19688e");
  const Json action = to_json(L1Action{single(order(1, "100", "1", LimitWire{WireTif::Ioc}))});
  const auto vault = Address::parse("0x1719884eb866cb12b2287399b15f7db5e7d775ea");
  const ExchangeRequest signed_req =
      sign_request(action, 1'700'000'000'000, true, key, vault, 1'700'000'060'000);
  // Posted as text and read back by the server, as a client would send it.
  const ExchangeRequest received = parse_exchange_request(Json::parse(to_json(signed_req).dump()));
  EXPECT_EQ(recover_request_signer(received, true), key.address());
  // The same request checked as testnet, with another nonce, or altered after signing: someone
  // else.
  EXPECT_NE(recover_request_signer(received, false), key.address());
  ExchangeRequest other_nonce = received;
  other_nonce.nonce += 1;
  EXPECT_NE(recover_request_signer(other_nonce, true), key.address());
  ExchangeRequest altered = received;
  altered.action["orders"][0]["p"] = "101";
  EXPECT_NE(recover_request_signer(altered, true), key.address());
  ExchangeRequest no_vault = received;
  no_vault.vault_address.reset();
  EXPECT_NE(recover_request_signer(no_vault, true), key.address());
  // Key order is part of the hash: the same keys reordered recover someone else.
  ExchangeRequest reordered = received;
  reordered.action = Json::parse(R"({"orders":[],"type":"order","grouping":"na"})");
  reordered.action["orders"] = received.action["orders"];
  EXPECT_NE(recover_request_signer(reordered, true), key.address());
  // A user-signed approveAgent is recognised by its type and recovered as EIP-712 data.
  const Json approve = {{"type", "approveAgent"},
                        {"signatureChainId", "0x66eee"},
                        {"hyperliquidChain", "Mainnet"},
                        {"agentAddress", agent.address().hex()},
                        {"agentName", "bot"},
                        {"nonce", 1'700'000'000'001}};
  const ExchangeRequest approve_req = sign_request(approve, 1'700'000'000'001, true, key);
  EXPECT_EQ(recover_request_signer(parse_exchange_request(Json::parse(to_json(approve_req).dump())),
                                   true),
            key.address());
  // An agent signs L1 actions for the account: its own address is what recovers.
  EXPECT_EQ(recover_request_signer(sign_request(action, 5, true, agent), true), agent.address());
  // Floats in an action cannot be hashed: a WireError, not a crash.
  ExchangeRequest with_float = received;
  with_float.action["x"] = 1.5;
  EXPECT_EQ(error_of([&] { recover_request_signer(with_float, true); }),
            "action: msgpack: floating-point number in an action");
  ExchangeRequest bad_user = approve_req;
  bad_user.action.erase("nonce");
  EXPECT_EQ(error_of([&] { recover_request_signer(bad_user, true); }),
            "user-signed action: missing field nonce");
}

}  // namespace

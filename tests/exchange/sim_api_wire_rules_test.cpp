// SimApi reads the /exchange body with hl's wire parser (hyperliquid/wire.hpp): its rules where
// PROTOCOL.md leaves the edge open, as the exchange's deserializer behaves.
#include "sim_api_fixture.hpp"

namespace organism::exchange::sim_api::testing {
namespace {

using SimApiWireRules = SimFixture;

constexpr const char* kDeserializeText = "Failed to deserialize the JSON body into the target type";

Json first_status(const Json& reply) { return reply["response"]["data"]["statuses"][0]; }

TEST_F(SimApiWireRules, CloidDigitsOfEitherCaseAreOneCloidAnUpperCasePrefixIsNot) {
  const Json placed =
      act(order_action(0, true, "29000", "0.01", "Gtc", "0x00000000000000000000000000000ABC"));
  EXPECT_EQ(first_status(placed)["resting"]["cloid"], "0x00000000000000000000000000000abc");
  const Json cancel{
      {"type", "cancelByCloid"},
      {"cancels",
       Json::array({Json{{"asset", 0}, {"cloid", "0x00000000000000000000000000000aBc"}}})}};
  EXPECT_EQ(first_status(act(cancel)), "success");
  const Reply prefix = api.exchange(
      signed_l1(order_action(0, true, "29000", "0.01", "Gtc", "0X00000000000000000000000000000abc"),
                kKeyA)
          .dump());
  EXPECT_EQ(prefix.status, 422);
  EXPECT_EQ(prefix.body, kDeserializeText);
}

TEST_F(SimApiWireRules, NullOptionalKeysReadAsAbsent) {
  Json order = order_action(0, true, "29000", "0.01", "Gtc");
  order["orders"][0]["c"] = nullptr;
  EXPECT_EQ(first_status(act(order))["resting"].dump(), R"({"oid":1})");
  EXPECT_EQ(act(Json{{"type", "scheduleCancel"}, {"time", nullptr}})["status"], "ok");
}

// A price or size is a decimal string (PROTOCOL §5.3): "-1" is one, so it is the engine's
// per-order error, not a body the exchange cannot read; a number or "1e3" is not.
TEST_F(SimApiWireRules, NegativePriceOrSizeIsAPerOrderErrorANumberIsA422) {
  EXPECT_EQ(first_status(act(order_action(0, true, "-29000", "0.01", "Gtc"))).dump(),
            R"({"error":"Price must be divisible by tick size."})");
  EXPECT_EQ(first_status(act(order_action(0, true, "29000", "-0.01", "Gtc"))).dump(),
            R"({"error":"Order has invalid size."})");
  Json number = order_action(0, true, "29000", "0.01", "Gtc");
  number["orders"][0]["p"] = 29000;
  EXPECT_EQ(api.exchange(signed_l1(number, kKeyA).dump()).status, 422);
  EXPECT_EQ(api.exchange(signed_l1(order_action(0, true, "1e3", "0.01", "Gtc"), kKeyA).dump())
                .status,
            422);
}

TEST_F(SimApiWireRules, AMalformedActionSpendsNoNonce) {
  Json bad = order_action(0, true, "29000", "0.01", "Gtc");
  bad["orders"][0]["t"] = Json{{"limit", Json{{"tif", "FrontendMarket"}}}};
  const std::uint64_t nonce = ++next_nonce;
  EXPECT_EQ(api.exchange(signed_l1(bad, kKeyA, true, nonce).dump()).status, 422);
  EXPECT_EQ(post(signed_l1(Json{{"type", "noop"}}, kKeyA, true, nonce)).dump(),
            R"({"status":"ok","response":{"type":"default"}})");
}

// Asset ids are unsigned 32-bit on the wire: a larger one is unreadable, any id past the
// universe is the per-order "does not exist".
TEST_F(SimApiWireRules, AssetIdsPastTheUniverseAndPast32Bits) {
  EXPECT_EQ(first_status(act(order_action(0, true, "29000", "0.01", "Gtc")))["resting"]["oid"], 1);
  Json far = order_action(0, true, "100", "1", "Gtc");
  far["orders"][0]["a"] = 4'000'000'000u;
  EXPECT_EQ(first_status(act(far)).dump(), R"({"error":"Asset 4000000000 does not exist."})");
  far["orders"][0]["a"] = 5'000'000'000u;
  EXPECT_EQ(api.exchange(signed_l1(far, kKeyA).dump()).status, 422);
  const Json cancel{{"type", "cancel"},
                    {"cancels", Json::array({Json{{"a", 4'000'000'000u}, {"o", 1}}})}};
  EXPECT_EQ(act(cancel).dump(),
            R"({"status":"err","response":"Asset 4000000000 does not exist."})");
}

TEST_F(SimApiWireRules, PriorityGroupingPlacesLikeNa) {
  Json order = order_action(0, true, "32000", "0.01", "Ioc");
  order["grouping"] = Json{{"p", 100}};
  EXPECT_EQ(first_status(act(order))["filled"]["totalSz"], "0.01");
  order["grouping"] = Json{{"p", 100}, {"q", 1}};
  EXPECT_EQ(api.exchange(signed_l1(order, kKeyA).dump()).status, 422);
}

}  // namespace
}  // namespace organism::exchange::sim_api::testing

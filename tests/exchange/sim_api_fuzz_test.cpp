// Seeded mutation fuzzing of SimApi: random byte edits and structural edits of valid info,
// exchange, control and subscription bodies. Nothing throws, every reply is 200/400/422, and
// the API still answers correctly afterwards.
#include "core/random.hpp"
#include "sim_api_fixture.hpp"

namespace organism::exchange::sim_api::testing {
namespace {

using SimApiFuzz = SimFixture;

std::string mutate_bytes(std::string text, core::Rng& rng) {
  const int edits = 1 + static_cast<int>(rng.below(4));
  static const char kAlphabet[] = "{}[]\":,0123456789-.eE xtrufalsn\\\xff";
  for (int e = 0; e < edits && !text.empty(); ++e) {
    const std::size_t at = rng.below(text.size());
    switch (rng.below(4)) {
      case 0:
        text.erase(at, 1 + rng.below(3));
        break;
      case 1:
        text.insert(at, 1, kAlphabet[rng.below(sizeof(kAlphabet) - 1)]);
        break;
      case 2:
        text[at] = kAlphabet[rng.below(sizeof(kAlphabet) - 1)];
        break;
      default:
        text.resize(at);
        break;  // truncated
    }
  }
  return text;
}

// Replaces one value somewhere in the tree by a value of another type.
void mutate_tree(Json& value, core::Rng& rng) {
  if ((value.is_object() || value.is_array()) && !value.empty() && rng.bernoulli(0.7)) {
    auto it = value.begin();
    std::advance(it, static_cast<long>(rng.below(value.size())));
    mutate_tree(*it, rng);
    return;
  }
  static const Json kReplacements[] = {nullptr,
                                       true,
                                       -1,
                                       0,
                                       18446744073709551615ULL,
                                       1e300,
                                       "",
                                       "0x",
                                       "BTC",
                                       Json::array(),
                                       Json::object(),
                                       "0x14791697260e4c9a71f18484c9f997b308e59325",
                                       "1e5",
                                       "-0",
                                       "99999999999.123456789"};
  value = kReplacements[rng.below(std::size(kReplacements))];
}

TEST_F(SimApiFuzz, MutatedBodiesNeverCrashOrHang) {
  const std::vector<Json> infos = {
      Json{{"type", "l2Book"}, {"coin", "BTC"}, {"nSigFigs", 3}},
      Json{{"type", "candleSnapshot"},
           {"req",
            Json{{"coin", "ETH"}, {"interval", "5m"}, {"startTime", 0}, {"endTime", kStart}}}},
      Json{{"type", "clearinghouseState"}, {"user", kAddressA}},
      Json{{"type", "userFillsByTime"}, {"user", kAddressA}, {"startTime", 0}},
      Json{{"type", "orderStatus"},
           {"user", kAddressA},
           {"oid", "0x00000000000000000000000000000001"}},
      Json{{"type", "fundingHistory"}, {"coin", "BTC"}, {"startTime", 0}, {"endTime", kStart}}};
  const std::vector<Json> actions = {
      order_action(0, true, "32000", "0.01", "Ioc", "0x00000000000000000000000000000001"),
      Json{{"type", "cancel"}, {"cancels", Json::array({Json{{"a", 0}, {"o", 1}}})}},
      Json{{"type", "batchModify"},
           {"modifies",
            Json::array({Json{
                {"oid", 1}, {"order", order_action(1, false, "2100", "1", "Alo")["orders"][0]}}})}},
      Json{{"type", "updateLeverage"}, {"asset", 1}, {"isCross", false}, {"leverage", 3}},
      Json{{"type", "updateIsolatedMargin"}, {"asset", 0}, {"isBuy", true}, {"ntli", 1000000}},
      Json{{"type", "scheduleCancel"}, {"time", kStart + 60'000}}};
  const std::vector<std::string> controls = {
      R"({"type":"advance","steps":2})", R"({"type":"status"})",
      R"({"type":"fault","fault":"flashMove","coin":"ETH","percent":-5})"};
  core::Rng rng(17, {1});
  int ok = 0;
  for (int round = 0; round < 3000; ++round) {
    Reply reply;
    switch (rng.below(4)) {
      case 0: {
        Json body = infos[rng.below(infos.size())];
        reply = api.info(rng.bernoulli(0.5) ? mutate_bytes(body.dump(), rng)
                                            : (mutate_tree(body, rng), body.dump()));
        break;
      }
      case 1: {
        Json action = actions[rng.below(actions.size())];
        if (rng.bernoulli(0.5))
          mutate_tree(action, rng);  // signed after the edit: a valid signature
        Json envelope;
        try {
          envelope = signed_l1(action, rng.bernoulli(0.5) ? kKeyA : kKeyB);
        } catch (const std::invalid_argument&) {  // a float or deep tree cannot be signed: send it
                                                  // unsigned
          envelope = Json{{"action", action},
                          {"nonce", ++next_nonce},
                          {"signature", Json{{"r", "0x1"}, {"s", "0x1"}, {"v", 27}}}};
        }
        if (rng.bernoulli(0.3)) mutate_tree(envelope, rng);
        const std::string text =
            rng.bernoulli(0.3) ? mutate_bytes(envelope.dump(), rng) : envelope.dump();
        reply = api.exchange(text);
        (void)api.exchange_weight(text);
        break;
      }
      case 2: {
        reply = api.control(mutate_bytes(controls[rng.below(controls.size())], rng));
        break;
      }
      default: {
        Json sub = Json{{"type", "l2Book"}, {"coin", "BTC"}, {"nSigFigs", 5}, {"mantissa", 2}};
        mutate_tree(sub, rng);
        std::string error;
        if (const auto parsed = api.parse_subscription(sub, error)) {
          (void)api.snapshot(*parsed);
        } else {
          EXPECT_FALSE(error.empty());
        }
        reply = Reply{200, "{}"};
      }
    }
    ASSERT_TRUE(reply.status == 200 || reply.status == 400 || reply.status == 422)
        << reply.status << " " << reply.body;
    if (reply.status == 200) {
      ASSERT_TRUE(Json::accept(reply.body)) << reply.body;
      ++ok;
    }
    if (round % 100 == 0) (void)api.publish([](const std::string&) { return true; });
  }
  EXPECT_GT(ok, 300);  // the mutations leave enough valid requests to exercise the handlers
  // Still correct afterwards: a fresh key's resting order is listed.
  const Json reply = act(order_action(0, true, "20000", "0.01", "Gtc"),
                         "0x822e9959e022b78423eb653a62ea0020cd283e71a2a8133a6ff2aeffaf373cff");
  ASSERT_TRUE(reply["response"]["data"]["statuses"][0].contains("resting")) << reply.dump();
  const auto user =
      hl::PrivateKey::from_hex("0x822e9959e022b78423eb653a62ea0020cd283e71a2a8133a6ff2aeffaf373cff")
          .address()
          .hex();
  EXPECT_EQ(info(Json{{"type", "openOrders"}, {"user", user}}).size(), 1u);
}

}  // namespace
}  // namespace organism::exchange::sim_api::testing

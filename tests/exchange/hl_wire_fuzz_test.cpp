// Seeded mutation fuzzing of the protocol parsers: valid actions and envelopes with random nodes
// replaced, deleted or renamed. Every input either parses or throws the parser's own error type
// (never a JSON library exception, never a crash), and whatever parses re-serialises to itself.
#include <gtest/gtest.h>

#include "core/random.hpp"
#include "exchange/hyperliquid/wire.hpp"

namespace {

using namespace organism::exchange::hl;
using organism::core::Rng;

const std::vector<Json>& seeds() {
  static const std::vector<Json> s = [] {
    std::vector<Json> out;
    for (
        const char* text : {
            R"({"type":"order","orders":[{"a":1,"b":true,"p":"100","s":"1","r":false,"t":{"limit":{"tif":"Gtc"}},"c":"0x00000000000000000000000000000001"},{"a":2,"b":false,"p":"5","s":"2","r":true,"t":{"trigger":{"isMarket":true,"triggerPx":"4","tpsl":"sl"}}}],"grouping":"normalTpsl","builder":{"b":"0x1719884eb866cb12b2287399b15f7db5e7d775ea","f":10}})",
            R"({"type":"order","orders":[],"grouping":{"p":3}})",
            R"({"type":"cancel","cancels":[{"a":1,"o":82382},{"a":0,"o":1}]})",
            R"({"type":"cancelByCloid","cancels":[{"asset":1,"cloid":"0x1e60610f0b3d420597c88c1fed2ad5ee"}]})",
            R"({"type":"modify","oid":12345,"order":{"a":4,"b":true,"p":"1670","s":"0.5","r":false,"t":{"limit":{"tif":"Alo"}}}})",
            R"({"type":"batchModify","modifies":[{"oid":"0x00000000000000000000000000000001","order":{"a":0,"b":true,"p":"1","s":"2","r":false,"t":{"limit":{"tif":"Ioc"}}}}]})",
            R"({"type":"updateLeverage","asset":4,"isCross":false,"leverage":21})",
            R"({"type":"updateIsolatedMargin","asset":4,"isBuy":true,"ntli":-1000000})",
            R"({"type":"scheduleCancel","time":123456789})",
            R"({"type":"noop"})",
        }) {
      out.push_back(Json::parse(text));
    }
    return out;
  }();
  return s;
}

Json random_value(Rng& rng) {
  switch (rng.below(14)) {
    case 0:
      return nullptr;
    case 1:
      return rng.bernoulli(0.5);
    case 2:
      return -1;
    case 3:
      return 0;
    case 4:
      return std::numeric_limits<std::uint64_t>::max();
    case 5:
      return 1.5;
    case 6:
      return "";
    case 7:
      return "1e5";
    case 8:
      return "0x1e60610f0b3d420597c88c1fed2ad5ee";
    case 9:
      return Json::array();
    case 10:
      return Json::object();
    case 11:
      return "Gtc";
    case 12:
      return std::numeric_limits<std::int64_t>::min();
    default: {
      Json deep = Json::array();
      for (int i = 0; i < 80; ++i) deep = Json::array({deep});
      return deep;
    }
  }
}

// Picks a random node by walking down from the root, then changes it.
void mutate(Json& root, Rng& rng) {
  Json* node = &root;
  while ((node->is_object() || node->is_array()) && !node->empty() && rng.bernoulli(0.7)) {
    auto it = node->begin();
    std::advance(it, static_cast<long>(rng.below(node->size())));
    node = &*it;
  }
  const auto choice = rng.below(3);
  if (choice == 0 && node->is_object() && !node->empty()) {
    auto it = node->begin();
    std::advance(it, static_cast<long>(rng.below(node->size())));
    const std::string key = it.key();
    const Json value = *it;
    node->erase(key);
    if (rng.bernoulli(0.5)) (*node)[key + "x"] = value;  // renamed
  } else {
    *node = random_value(rng);
  }
}

TEST(HlWireFuzz, MutatedActionsParseOrFailCleanly) {
  Rng rng(17, {1});
  int parsed = 0, rejected = 0;
  for (int round = 0; round < 20'000; ++round) {
    Json action = seeds()[rng.below(seeds().size())];
    for (std::uint64_t m = 1 + rng.below(3); m > 0; --m) mutate(action, rng);
    try {
      const L1Action typed = parse_l1_action(action);
      // What parsed serialises and re-parses to the same value.
      EXPECT_EQ(parse_l1_action(to_json(typed)), typed) << action.dump();
      (void)msgpack_of(to_json(typed));
      ++parsed;
    } catch (const WireError&) {
      ++rejected;
    } catch (const std::exception& e) {
      ADD_FAILURE() << "unexpected " << e.what() << " for " << action.dump();
    }
    try {
      (void)msgpack_of(action);
    } catch (const std::invalid_argument&) {
    } catch (const std::exception& e) {
      ADD_FAILURE() << "msgpack: unexpected " << e.what();
    }
  }
  // Both outcomes must occur often, or the mutations test nothing (most mutations break a
  // required field; about 2% land on an optional key, a value of the right type or a renamed
  // unknown key, and still parse).
  EXPECT_GT(parsed, 200);
  EXPECT_GT(rejected, 10'000);
}

TEST(HlWireFuzz, MutatedEnvelopesParseOrFailCleanly) {
  Rng rng(17, {2});
  const Json seed = Json::parse(
      R"({"action":{"type":"noop"},"nonce":1713825891591,"signature":{"r":"0x1","s":"0x2","v":27},"vaultAddress":"0x1719884eb866cb12b2287399b15f7db5e7d775ea","expiresAfter":5})");
  int parsed = 0, rejected = 0;
  for (int round = 0; round < 10'000; ++round) {
    Json body = seed;
    mutate(body, rng);
    try {
      const ExchangeRequest req = parse_exchange_request(body);
      EXPECT_EQ(to_json(parse_exchange_request(to_json(req))), to_json(req));
      ++parsed;
    } catch (const WireError&) {
      ++rejected;
    } catch (const std::exception& e) {
      ADD_FAILURE() << "unexpected " << e.what() << " for " << body.dump();
    }
  }
  EXPECT_GT(parsed, 1'000);
  EXPECT_GT(rejected, 1'000);
}

}  // namespace

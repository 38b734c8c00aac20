// The signing pieces on their own: Keccak-256, the hard-coded EIP-712 constants, the msgpack forms
// of PROTOCOL §7.2, hex and address parsing, key handling, malformed signatures, and the
// user-signed field rules.
#include <gtest/gtest.h>

#include <limits>
#include <stdexcept>

#include "exchange_test_support.hpp"
#include "exchange/hyperliquid/signing.hpp"

namespace {

// The text of the expected error: any exception, by its text.
std::string error_of(auto&& f) {
  return organism::exchange::test_support::error_of<std::exception>(f);
}

using namespace organism::exchange::hl;

constexpr const char* kPythonKey =
    "0x0123456789012345678901234567890123456789012345678901234567890123";
constexpr const char* kPythonAddress = "0x14791697260e4c9a71f18484c9f997b308e59325";

std::string packed(const Json& j) { return to_hex(msgpack_of(j)).substr(2); }

TEST(HlSigning, KeccakIsEthereumsNotSha3) {
  EXPECT_EQ(to_hex(keccak256("")),
            "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
  // SHA3-256("") would be a7ffc6f8...; "abc" under Keccak-256:
  EXPECT_EQ(to_hex(keccak256("abc")),
            "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
}

TEST(HlSigning, HardCodedConstantsAreTheHashesOfTheirTexts) {
  // domainSeparator(Exchange, "1", 1337, 0) built from its parts, word by word.
  std::vector<std::uint8_t> words;
  auto put = [&](const Bytes32& w) { words.insert(words.end(), w.begin(), w.end()); };
  put(keccak256(
      "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"));
  put(keccak256("Exchange"));
  put(keccak256("1"));
  Bytes32 chain{};
  chain[30] = 1337 >> 8;
  chain[31] = 1337 & 0xff;
  put(chain);
  put(Bytes32{});
  EXPECT_EQ(keccak256(words), exchange_domain_separator());
  EXPECT_EQ(to_hex(exchange_domain_separator()),
            "0xd79297fcdf2ffcd4ae223d01edaa2ba214ff8f401d7c9300d995d17c82aa4040");
  // hashStruct(Agent) from its parts: the type hash, keccak(source), the raw connection id.
  Bytes32 conn{};
  conn[0] = 0xab;
  for (bool mainnet : {true, false}) {
    words.clear();
    put(keccak256("Agent(string source,bytes32 connectionId)"));
    put(keccak256(mainnet ? "a" : "b"));
    put(conn);
    EXPECT_EQ(l1_agent_struct_hash(conn, mainnet), keccak256(words));
  }
}

TEST(HlSigning, MsgpackForms) {
  // The annotated example of PROTOCOL §7.2 (vector l1_order_gtc).
  const Json order = Json::parse(
      R"({"type":"order","orders":[{"a":1,"b":true,"p":"100","s":"100","r":false,"t":{"limit":{"tif":"Gtc"}}}],"grouping":"na"})");
  EXPECT_EQ(packed(order),
            "83a474797065a56f72646572a66f72646572739186a16101a162c3a170a3313030a173a3313030a172c2a1"
            "7481a56c696d697481a3746966a3477463a867726f7570696e67a26e61");
  // Integers: smallest form, unsigned markers for non-negative values even when signed in C++.
  EXPECT_EQ(packed(Json(127)), "7f");
  EXPECT_EQ(packed(Json(128)), "cc80");
  EXPECT_EQ(packed(Json(std::int64_t{256})), "cd0100");
  EXPECT_EQ(packed(Json(std::int64_t{100'000'000'000})), "cf000000174876e800");
  EXPECT_EQ(packed(Json(-1)), "ff");
  EXPECT_EQ(packed(Json(-33)), "d0df");
  EXPECT_EQ(packed(Json(-1'000'000)), "d2fff0bdc0");
  EXPECT_EQ(packed(Json(std::numeric_limits<std::uint64_t>::max())), "cfffffffffffffffff");
  EXPECT_EQ(packed(Json(std::numeric_limits<std::int64_t>::min())), "d38000000000000000");
  EXPECT_EQ(packed(Json(std::int64_t{4'294'967'296})), "cf0000000100000000");
  EXPECT_EQ(packed(Json(65'535)), "cdffff");
  // Strings: fixstr below 32 bytes, str8 for 32..255 (a cloid is d9 22), str16 beyond.
  EXPECT_EQ(packed(Json(std::string(31, 'x'))).substr(0, 2), "bf");
  EXPECT_EQ(packed(Json("0x00000000000000000000000000000001")).substr(0, 4), "d922");
  EXPECT_EQ(packed(Json(std::string(256, 'x'))).substr(0, 6), "da0100");
  // A map keeps its insertion order (a std::map would put "a" first).
  Json ordered = Json::object();
  ordered["z"] = true;
  ordered["a"] = false;
  ordered["n"] = nullptr;
  EXPECT_EQ(packed(ordered), "83a17ac3a161c2a16ec0");
  // 16 entries leave fixmap for map16.
  Json big = Json::object();
  for (int i = 0; i < 16; ++i) big[std::string(1, static_cast<char>('a' + i))] = i;
  EXPECT_EQ(packed(big).substr(0, 6), "de0010");
}

TEST(HlSigning, MsgpackRefusesFloatsAndDeepNesting) {
  EXPECT_EQ(error_of([] { msgpack_of(Json::parse(R"({"p":1.5})")); }),
            "msgpack: floating-point number in an action");
  Json deep = Json::array();
  for (int i = 0; i < 70; ++i) deep = Json::array({deep});
  EXPECT_EQ(error_of([&] { msgpack_of(deep); }), "msgpack: nesting deeper than 64");
}

TEST(HlSigning, ConnectionIdAppendsNonceVaultAndExpiry) {
  // PROTOCOL §7.3's example: l1_dummy_action_with_vault.
  const Json action = Json::parse(R"({"type":"dummy","num":100000000000})");
  const auto vault = Address::parse("0x1719884eb866cb12b2287399b15f7db5e7d775ea");
  std::vector<std::uint8_t> bytes = msgpack_of(action);
  bytes.insert(bytes.end(), 8, 0);  // nonce 0
  bytes.push_back(1);
  bytes.insert(bytes.end(), vault->bytes.begin(), vault->bytes.end());
  EXPECT_EQ(l1_connection_id(action, 0, vault, std::nullopt), keccak256(bytes));
  // With an expiry: 0x00 then 8 bytes big-endian, after the vault part.
  bytes.push_back(0);
  for (int k = 7; k >= 0; --k)
    bytes.push_back(static_cast<std::uint8_t>(0x0102030405060708ULL >> (8 * k)));
  EXPECT_EQ(l1_connection_id(action, 0, vault, 0x0102030405060708ULL), keccak256(bytes));
}

TEST(HlSigning, HexAndAddressParsing) {
  EXPECT_EQ(parse_bytes32("0x1", true)->at(31), 1);
  EXPECT_EQ(parse_bytes32("0x1"), std::nullopt);  // short input only when allowed
  EXPECT_EQ(parse_bytes32("ABCD", true)->at(30), 0xab);
  EXPECT_EQ(parse_bytes32("0x" + std::string(65, '1'), true), std::nullopt);
  EXPECT_EQ(parse_bytes32("0xzz", true), std::nullopt);
  EXPECT_EQ(parse_bytes32("", true), std::nullopt);
  // Checksummed mixed case reads as the same address; hex() is lower case.
  const auto a = Address::parse("0x14791697260E4c9A71f18484C9f997B308e59325");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->hex(), kPythonAddress);
  EXPECT_EQ(Address::parse("14791697260e4c9a71f18484c9f997b308e59325"), std::nullopt);
  EXPECT_EQ(Address::parse("0x14791697260e4c9a71f18484c9f997b308e5932"), std::nullopt);
  EXPECT_EQ(Address::parse("0x14791697260e4c9a71f18484c9f997b308e5932g"), std::nullopt);
}

TEST(HlSigning, PrivateKeyErrorsNeverEchoTheKey) {
  EXPECT_EQ(PrivateKey::from_hex(kPythonKey).address().hex(), kPythonAddress);
  const std::string secretish =
      "0x0123456789012345678901234567890123456789012345678901234567890123aa";
  const std::string message = error_of([&] { PrivateKey::from_hex(secretish); });
  EXPECT_EQ(message, "private key: expected 32 bytes of hex");
  EXPECT_EQ(error_of([] { PrivateKey::from_hex("0x" + std::string(64, '0')); }),
            "private key: not a valid secp256k1 secret key");
  // n itself is not a valid secret key.
  EXPECT_EQ(
      error_of([] {
        PrivateKey::from_hex("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
      }),
      "private key: not a valid secp256k1 secret key");
}

TEST(HlSigning, MalformedSignaturesRecoverNobody) {
  const auto key = PrivateKey::from_hex(kPythonKey);
  const Bytes32 digest = keccak256("message");
  const Signature good = sign_digest(digest, key);
  ASSERT_EQ(recover_signer(digest, good), key.address());
  Signature zero_r = good;
  zero_r.r = Bytes32{};
  EXPECT_EQ(recover_signer(digest, zero_r), std::nullopt);
  Signature big_s = good;
  big_s.s.fill(0xff);  // >= n
  EXPECT_EQ(recover_signer(digest, big_s), std::nullopt);
  // The high-s twin n - s (with the other recovery id) is valid ECDSA but malleated: refused.
  Signature high_s = good;
  const Bytes32 n =
      *parse_bytes32("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
  int borrow = 0;
  for (int i = 31; i >= 0; --i) {
    const int d = n[static_cast<std::size_t>(i)] - good.s[static_cast<std::size_t>(i)] - borrow;
    high_s.s[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(d & 0xff);
    borrow = d < 0 ? 1 : 0;
  }
  high_s.v = good.v == 27 ? 28 : 27;
  EXPECT_EQ(recover_signer(digest, high_s), std::nullopt);
  Signature v29 = good;
  v29.v = 29;
  EXPECT_EQ(recover_signer(digest, v29), std::nullopt);
  // The other recovery id recovers a different key.
  Signature flipped = good;
  flipped.v = good.v == 27 ? 28 : 27;
  EXPECT_NE(recover_signer(digest, flipped), key.address());
}

TEST(HlSigning, SignatureJson) {
  const Signature sig = sign_digest(keccak256("x"), PrivateKey::from_hex(kPythonKey));
  const Json j = sig.to_json();
  EXPECT_EQ(j.dump().substr(0, 6), R"({"r":")");
  EXPECT_EQ(j["r"].get<std::string>().size(), 66u);
  EXPECT_EQ(Signature::from_json(j)->r, sig.r);
  // Unpadded r (as the Python SDK sends), v as a recovery id.
  const Json short_r = {{"r", "0x1"}, {"s", j["s"]}, {"v", 0}};
  const auto parsed = Signature::from_json(short_r);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->r[31], 1);
  EXPECT_EQ(parsed->v, 27);
  EXPECT_EQ(Signature::from_json(Json{{"r", "0x1"}, {"s", "0x1"}, {"v", 29}}), std::nullopt);
  EXPECT_EQ(Signature::from_json(Json{{"r", "0x1"}, {"s", "0x1"}, {"v", "27"}}), std::nullopt);
  EXPECT_EQ(Signature::from_json(Json{{"r", "0x1"}, {"v", 27}}), std::nullopt);
  EXPECT_EQ(Signature::from_json(Json{{"r", 1}, {"s", "0x1"}, {"v", 27}}), std::nullopt);
  EXPECT_EQ(Signature::from_json(Json::array()), std::nullopt);
}

TEST(HlSigning, UserSignedFieldRules) {
  EXPECT_EQ(user_signed_type("order"), std::nullopt);
  const auto type = user_signed_type("approveAgent");
  ASSERT_TRUE(type);
  EXPECT_EQ(type_string(*type),
            "HyperliquidTransaction:ApproveAgent(string hyperliquidChain,address "
            "agentAddress,string agentName,uint64 nonce)");
  Json action = Json::parse(
      R"({"type":"approveAgent","signatureChainId":"0x66eee","hyperliquidChain":"Mainnet","agentAddress":"0x14791697260e4c9a71f18484c9f997b308e59325","agentName":"","nonce":1700000000000})");
  // A dropped agentName signs as "" (the SDK's behaviour).
  Json dropped = action;
  dropped.erase("agentName");
  EXPECT_EQ(user_signed_digest(action, *type), user_signed_digest(dropped, *type));
  // The chain id of the domain is part of the digest.
  Json other_chain = action;
  other_chain["signatureChainId"] = "0xa4b1";
  EXPECT_NE(user_signed_digest(action, *type), user_signed_digest(other_chain, *type));
  Json bad = action;
  bad["nonce"] = "1";
  EXPECT_EQ(error_of([&] { user_signed_digest(bad, *type); }),
            "user-signed action: field nonce: expected an unsigned integer");
  bad = action;
  bad["agentAddress"] = "0x1234";
  EXPECT_EQ(error_of([&] { user_signed_digest(bad, *type); }),
            "user-signed action: field agentAddress: expected an address");
  bad = action;
  bad.erase("hyperliquidChain");
  EXPECT_EQ(error_of([&] { user_signed_digest(bad, *type); }),
            "user-signed action: missing field hyperliquidChain");
  bad = action;
  bad["signatureChainId"] = "66eee";
  EXPECT_EQ(error_of([&] { user_signed_digest(bad, *type); }),
            "user-signed action: field signatureChainId: expected a hex string");
  const auto key = PrivateKey::from_hex(kPythonKey);
  EXPECT_EQ(recover_signer(user_signed_digest(action, *type), sign_user_action(action, key)),
            key.address());
  EXPECT_EQ(error_of([&] { sign_user_action(Json::parse(R"({"type":"order"})"), key); }),
            "user-signed action: unknown type order");
}

}  // namespace

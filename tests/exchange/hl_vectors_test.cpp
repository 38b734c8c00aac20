// Every signing expectation of ../shared/hyperliquid/vectors.json, read at run time: msgpack bytes,
// hashed bytes, connection ids, EIP-712 digests, r/s/v of L1 and user-signed actions, key
// addresses; then recovery of each signer and of tampered requests.
#include <gtest/gtest.h>

#include "exchange/hyperliquid/signing.hpp"
#include "hl_vectors_file.hpp"

namespace {

using namespace organism::exchange::hl;

std::string hex_of(const std::vector<std::uint8_t>& bytes) { return to_hex(bytes).substr(2); }

Bytes32 bytes32(const Json& hex) {
  const auto b = parse_bytes32(hex.get<std::string>(), true);
  EXPECT_TRUE(b) << hex;
  return b.value_or(Bytes32{});
}

std::optional<Address> vault_of(const Json& v) {
  if (v.is_null()) return std::nullopt;
  return Address::parse(v.get<std::string>());
}
std::optional<std::uint64_t> expiry_of(const Json& v) {
  if (v.is_null()) return std::nullopt;
  return v.get<std::uint64_t>();
}

// r and s compared as 32-byte numbers: the file's r/s may lack leading zeros.
void expect_signature(const Signature& got, const Json& expected, const std::string& what) {
  EXPECT_EQ(got.r, bytes32(expected["r"])) << what << " r";
  EXPECT_EQ(got.s, bytes32(expected["s"])) << what << " s";
  EXPECT_EQ(got.v, expected["v"].get<int>()) << what << " v";
  EXPECT_EQ(got.r, bytes32(expected["r32"])) << what << " r32";
  EXPECT_EQ(got.s, bytes32(expected["s32"])) << what << " s32";
}

// The wire "type" of a user-signed primary type (the Rust and TypeScript vectors give only the
// EIP-712 message).
std::string action_type_of(const std::string& primary) {
  if (primary == "HyperliquidTransaction:UsdSend") return "usdSend";
  if (primary == "HyperliquidTransaction:Withdraw") return "withdraw3";
  if (primary == "HyperliquidTransaction:ApproveBuilderFee") return "approveBuilderFee";
  ADD_FAILURE() << "no action type for " << primary;
  return "";
}

Json user_action_of(const Json& vec) {
  Json action = {{"type", action_type_of(vec["primary_type"])},
                 {"signatureChainId", vec["signature_chain_id"]}};
  for (const auto& [key, value] : vec["message"].items()) action[key] = value;
  return action;
}

TEST(HlVectors, KeysGiveTheirAddresses) {
  HL_LOAD_VECTORS_OR_SKIP(v);
  ASSERT_EQ(v["keys"].size(), 3u);
  for (const Json& k : v["keys"]) {
    const auto key = PrivateKey::from_hex(k["private_key"].get<std::string>());
    EXPECT_EQ(key.address().hex(), k["address_derived"].get<std::string>());
  }
}

TEST(HlVectors, DerivedConstants) {
  HL_LOAD_VECTORS_OR_SKIP(v);
  const Json& c = v["constants_derived"];
  EXPECT_EQ(to_hex(exchange_domain_separator()),
            c["exchange_domain_separator_chainId_1337"].get<std::string>());
  EXPECT_EQ(to_hex(user_signed_domain_separator(0x66eee)),
            c["user_signed_domain_separator_chainId_421614_0x66eee"].get<std::string>());
  EXPECT_EQ(to_hex(user_signed_domain_separator(0xa4b1)),
            c["user_signed_domain_separator_chainId_42161_0xa4b1"].get<std::string>());
  EXPECT_EQ(to_hex(keccak256(c["Agent_typestring"].get<std::string>())),
            c["keccak_Agent_typestring"].get<std::string>());
}

// The 52 expectations of PROTOCOL §13, counted as the file's "expected" blocks: each
// connection_id, each mainnet and each testnet r/s/v of l1_action_vectors (1 + 15x2 + 4x3 = 43),
// the mainnet and testnet signatures of the connection-id-only vector (2), and the r/s/v of each
// user_signed_vectors entry (7). The derived intermediates are checked on the way but not counted.
TEST(HlVectors, AllFiftyTwoExpectations) {
  HL_LOAD_VECTORS_OR_SKIP(v);
  int expectations = 0;
  for (const Json& vec : v["l1_action_vectors"]) {
    const std::string name = vec["name"];
    const auto vault = vault_of(vec["vault_address"]);
    const auto expiry = expiry_of(vec["expires_after"]);
    const auto nonce = vec["nonce"].get<std::uint64_t>();
    const Json& derived = vec["derived"];
    EXPECT_EQ(hex_of(msgpack_of(vec["action"])), derived["msgpack_action_hex"].get<std::string>())
        << name;
    const Bytes32 conn = l1_connection_id(vec["action"], nonce, vault, expiry);
    EXPECT_EQ(to_hex(conn), derived["connection_id"].get<std::string>()) << name;
    for (const char* net : {"mainnet", "testnet"}) {
      const std::string prefix = net;
      if (derived.contains(prefix + "_eip712_digest")) {
        EXPECT_EQ(to_hex(l1_agent_struct_hash(conn, prefix == "mainnet")),
                  derived[prefix + "_agent_struct_hash"].get<std::string>())
            << name;
        EXPECT_EQ(to_hex(l1_digest(conn, prefix == "mainnet")),
                  derived[prefix + "_eip712_digest"].get<std::string>())
            << name;
      }
    }
    const Json& expected = vec["expected"];
    if (expected.contains("connection_id")) {
      EXPECT_EQ(to_hex(conn), expected["connection_id"].get<std::string>()) << name;
      ++expectations;
    }
    for (const char* net : {"mainnet", "testnet"}) {
      if (!expected.contains(net)) continue;
      const auto key = PrivateKey::from_hex(vec["private_key"].get<std::string>());
      const bool mainnet = std::string(net) == "mainnet";
      const Signature sig = sign_l1_action(vec["action"], nonce, vault, expiry, mainnet, key);
      expect_signature(sig, expected[net], name + " " + net);
      EXPECT_EQ(sig.to_json()["r"].get<std::string>(), expected[net]["r32"].get<std::string>());
      EXPECT_EQ(recover_signer(l1_digest(conn, mainnet), sig), key.address()) << name;
      ++expectations;
    }
  }
  for (const Json& vec : v["l1_connection_id_only_vectors"]) {
    const auto key = PrivateKey::from_hex(vec["private_key"].get<std::string>());
    const Bytes32 conn = bytes32(vec["connection_id"]);
    for (const char* net : {"mainnet", "testnet"}) {
      const bool mainnet = std::string(net) == "mainnet";
      EXPECT_EQ(to_hex(l1_digest(conn, mainnet)),
                vec["derived"][std::string(net) + "_eip712_digest"].get<std::string>());
      const Signature sig = sign_digest(l1_digest(conn, mainnet), key);
      expect_signature(sig, vec["expected"][net], std::string("connection id only ") + net);
      ++expectations;
    }
  }
  for (const Json& vec : v["user_signed_vectors"]) {
    const std::string name = vec["name"];
    const Json action = vec.contains("wire_action") ? vec["wire_action"] : user_action_of(vec);
    const auto type = user_signed_type(action["type"].get<std::string>());
    ASSERT_TRUE(type) << name;
    EXPECT_EQ(type->primary_type, vec["primary_type"].get<std::string>());
    ASSERT_EQ(type->fields.size(), vec["eip712_fields"].size()) << name;
    for (std::size_t i = 0; i < type->fields.size(); ++i) {
      EXPECT_EQ(type->fields[i].name, vec["eip712_fields"][i]["name"].get<std::string>()) << name;
      EXPECT_EQ(type->fields[i].type, vec["eip712_fields"][i]["type"].get<std::string>()) << name;
    }
    const Json& derived = vec["derived"];
    EXPECT_EQ(type_string(*type), derived["type_string"].get<std::string>()) << name;
    EXPECT_EQ(to_hex(user_signed_domain_separator(vec["domain"]["chainId"].get<std::uint64_t>())),
              derived["domain_separator"].get<std::string>())
        << name;
    EXPECT_EQ(to_hex(user_signed_struct_hash(action, *type)),
              derived["struct_hash"].get<std::string>())
        << name;
    const Bytes32 digest = user_signed_digest(action, *type);
    EXPECT_EQ(to_hex(digest), derived["eip712_digest"].get<std::string>()) << name;
    const auto key = PrivateKey::from_hex(vec["private_key"].get<std::string>());
    const Signature sig = sign_user_action(action, key);
    expect_signature(sig, vec["expected"], name);
    EXPECT_EQ(recover_signer(digest, sig), key.address()) << name;
    ++expectations;
  }
  EXPECT_EQ(expectations, 52);
}

// What the server must refuse: a request changed after signing, or signed for the other network,
// recovers some other address (the exchange then names an unknown user).
TEST(HlVectors, TamperedRequestsRecoverAnotherAddress) {
  HL_LOAD_VECTORS_OR_SKIP(v);
  int checked = 0;
  for (const Json& vec : v["l1_action_vectors"]) {
    if (vec["private_key"].is_null()) continue;
    const auto key = PrivateKey::from_hex(vec["private_key"].get<std::string>());
    const auto vault = vault_of(vec["vault_address"]);
    const auto expiry = expiry_of(vec["expires_after"]);
    const auto nonce = vec["nonce"].get<std::uint64_t>();
    const Signature sig = sign_l1_action(vec["action"], nonce, vault, expiry, true, key);
    // A flipped bit in the nonce.
    EXPECT_NE(recover_signer(
                  l1_digest(l1_connection_id(vec["action"], nonce ^ 1, vault, expiry), true), sig),
              key.address());
    // A flipped bit in the action: its type string's first letter.
    Json altered = vec["action"];
    std::string type = altered["type"];
    type[0] = static_cast<char>(type[0] ^ 1);
    altered["type"] = type;
    EXPECT_NE(recover_signer(l1_digest(l1_connection_id(altered, nonce, vault, expiry), true), sig),
              key.address());
    // The same signature checked as a testnet request.
    EXPECT_NE(recover_signer(
                  l1_digest(l1_connection_id(vec["action"], nonce, vault, expiry), false), sig),
              key.address());
    ++checked;
  }
  EXPECT_EQ(checked, 19);
}

}  // namespace

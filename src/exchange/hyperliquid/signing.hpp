// Hyperliquid request signing (PROTOCOL.md §7): Keccak-256, the msgpack of an L1 action, the
// phantom agent under the "Exchange" EIP-712 domain, user-signed EIP-712 typed data, and ECDSA
// over secp256k1 with recovery id and low s. The client signs with it; the simulator recovers
// signers with it. Keys never leave PrivateKey and are never formatted.
#pragma once

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace organism::exchange::hl {

using Bytes32 = std::array<std::uint8_t, 32>;
using Json = nlohmann::ordered_json;  // key order is part of what is signed

Bytes32 keccak256(std::span<const std::uint8_t> bytes);
Bytes32 keccak256(std::string_view text);
std::string to_hex(std::span<const std::uint8_t> bytes);  // "0x" + lower-case, zero-padded
// Accepts an optional "0x" and either case; nullopt unless exactly N bytes of hex. Used for keys,
// hashes and r/s (which the Python SDK sends without leading zeros: shorter input is padded).
std::optional<Bytes32> parse_bytes32(std::string_view hex, bool allow_short = false);

struct Address {
  std::array<std::uint8_t, 20> bytes{};
  // "0x" + 40 hex digits in either case (checksummed mixed case included); nullopt otherwise.
  static std::optional<Address> parse(std::string_view text);
  std::string hex() const;  // lower case, as the protocol wants it
  auto operator<=>(const Address&) const = default;
};

struct Signature {
  Bytes32 r{}, s{};
  int v = 27;            // 27 + recovery id
  Json to_json() const;  // {"r":"0x…","s":"0x…","v":27}, r and s zero-padded to 64 digits
  // Accepts r/s with or without leading zeros, v 27/28 (or 0/1); nullopt with malformed fields.
  static std::optional<Signature> from_json(const Json& j);
};

// A secp256k1 secret key. Not copyable into text: no formatting, no operator<<; the bytes are
// wiped on destruction.
class PrivateKey {
 public:
  // 32 bytes of hex, "0x" optional; throws std::invalid_argument (never echoing the input) when
  // malformed or not a valid secp256k1 key.
  static PrivateKey from_hex(std::string_view hex);
  PrivateKey(const PrivateKey&) = default;
  PrivateKey& operator=(const PrivateKey&) = default;
  ~PrivateKey();
  Address address() const;
  const Bytes32& secret() const { return key_; }

 private:
  PrivateKey() = default;
  Bytes32 key_{};
};

// ECDSA with RFC 6979 nonces and low s, v = 27 + recovery id.
Signature sign_digest(const Bytes32& digest, const PrivateKey& key);
// The address whose key made `sig` over `digest`; nullopt when the signature is invalid
// (r or s out of range, high s, v not 27/28, no point recovers).
std::optional<Address> recover_signer(const Bytes32& digest, const Signature& sig);

// --- L1 actions (order, cancel, modify, leverage, ...): PROTOCOL §7.1–7.4 ---

// msgpack of a JSON value with maps in the given key order, smallest integer forms, unsigned
// markers for non-negative integers. Throws std::invalid_argument for floating-point numbers
// (actions never carry them) and for nesting deeper than 64.
std::vector<std::uint8_t> msgpack_of(const Json& action);
// keccak256(msgpack(action) || be64(nonce) || vault part || expiresAfter part).
Bytes32 l1_connection_id(const Json& action, std::uint64_t nonce,
                         const std::optional<Address>& vault,
                         const std::optional<std::uint64_t>& expires_after);
// keccak256(0x19 0x01 || domainSeparator || structHash): the signed EIP-712 digest.
Bytes32 eip712_digest(const Bytes32& domain_separator, const Bytes32& struct_hash);
// The EIP-712 digest of Agent{source: "a" mainnet | "b" testnet, connectionId}.
Bytes32 l1_digest(const Bytes32& connection_id, bool mainnet);
// Its parts, for tests and for localising a mismatch (PROTOCOL §7.7): the "Exchange" domain
// separator (chainId 1337, a constant) and hashStruct(Agent).
const Bytes32& exchange_domain_separator();
Bytes32 l1_agent_struct_hash(const Bytes32& connection_id, bool mainnet);
Signature sign_l1_action(const Json& action, std::uint64_t nonce,
                         const std::optional<Address>& vault,
                         const std::optional<std::uint64_t>& expires_after, bool mainnet,
                         const PrivateKey& key);

// --- User-signed actions (usdSend, withdraw3, approveAgent, ...): PROTOCOL §5.9, §7.6 ---

struct TypedField {
  std::string type;  // "string", "uint64", "bool", "address"
  std::string name;
};
struct UserSignedType {
  std::string primary_type;  // e.g. "HyperliquidTransaction:UsdSend"
  std::vector<TypedField> fields;
};
// The EIP-712 type of a user-signed action by its wire "type"; nullopt for L1 actions.
std::optional<UserSignedType> user_signed_type(std::string_view action_type);
// "HyperliquidTransaction:UsdSend(string hyperliquidChain,string destination,...)".
std::string type_string(const UserSignedType& type);
// The "HyperliquidSignTransaction" domain separator for an EVM chain id (0x66eee = 421614).
Bytes32 user_signed_domain_separator(std::uint64_t chain_id);
// hashStruct of the action's typed fields. Throws like user_signed_digest. A missing agentName
// of approveAgent counts as "" (the SDK signs "" and drops the key from the posted JSON).
Bytes32 user_signed_struct_hash(const Json& action, const UserSignedType& type);
// Digest of the action's typed fields under the "HyperliquidSignTransaction" domain whose
// chainId is the action's signatureChainId. Throws std::invalid_argument naming a missing or
// mistyped field (signatureChainId included).
Bytes32 user_signed_digest(const Json& action, const UserSignedType& type);
Signature sign_user_action(const Json& action,
                           const PrivateKey& key);  // type looked up by action["type"]

}  // namespace organism::exchange::hl

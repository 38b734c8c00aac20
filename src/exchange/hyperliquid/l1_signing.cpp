// L1 action signing (PROTOCOL §7.1–7.4): msgpack of the action in its key order, the nonce,
// vault and expiry bytes, the connection id, and the phantom agent under the "Exchange" domain.
#include <msgpack.hpp>
#include <stdexcept>

#include "exchange/hyperliquid/signing.hpp"

namespace organism::exchange::hl {
namespace {

// msgpack-cxx's packer writes into any type with write(const char*, size_t).
struct ByteSink {
  std::vector<std::uint8_t>& out;
  void write(const char* data, std::size_t size) {
    out.insert(out.end(), reinterpret_cast<const std::uint8_t*>(data),
               reinterpret_cast<const std::uint8_t*>(data) + size);
  }
};

constexpr int kMaxDepth = 64;

void pack_string(msgpack::packer<ByteSink>& pk, const std::string& s) {
  // pack_str picks fixstr, str8 (32..255 bytes: a cloid is "d9 22 ..."), str16 or str32.
  pk.pack_str(static_cast<std::uint32_t>(s.size()));
  pk.pack_str_body(s.data(), static_cast<std::uint32_t>(s.size()));
}

void pack_value(msgpack::packer<ByteSink>& pk, const Json& value, int depth) {
  if (depth > kMaxDepth) throw std::invalid_argument("msgpack: nesting deeper than 64");
  switch (value.type()) {
    case Json::value_t::object:
      // Iteration order of ordered_json is insertion order: the order the action was built or
      // received in, which is what the signer hashed.
      pk.pack_map(static_cast<std::uint32_t>(value.size()));
      for (const auto& [key, item] : value.items()) {
        pack_string(pk, key);
        pack_value(pk, item, depth + 1);
      }
      return;
    case Json::value_t::array:
      pk.pack_array(static_cast<std::uint32_t>(value.size()));
      for (const Json& item : value) pack_value(pk, item, depth + 1);
      return;
    case Json::value_t::string:
      pack_string(pk, value.get_ref<const std::string&>());
      return;
    case Json::value_t::boolean:
      if (value.get<bool>()) {
        pk.pack_true();
      } else {
        pk.pack_false();
      }
      return;
    case Json::value_t::null:
      pk.pack_nil();
      return;
    case Json::value_t::number_unsigned:
      pk.pack_uint64(value.get<std::uint64_t>());  // smallest unsigned form
      return;
    case Json::value_t::number_integer:
      pk.pack_int64(value.get<std::int64_t>());  // non-negative values take unsigned markers
      return;
    case Json::value_t::number_float:
      throw std::invalid_argument("msgpack: floating-point number in an action");
    default:
      throw std::invalid_argument("msgpack: unsupported JSON value in an action");
  }
}

void append_be64(std::vector<std::uint8_t>& out, std::uint64_t x) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(x >> shift));
}

// keccak256("Agent(string source,bytes32 connectionId)") and keccak256 of the two sources;
// hl_signing_test checks each against the hash of its text.
constexpr Bytes32 kAgentTypeHash = {
    0x26, 0xf0, 0x5c, 0x2f, 0x72, 0x39, 0xb6, 0x98, 0x30, 0x75, 0xe5, 0x83, 0x21, 0x29, 0x2d, 0x77,
    0xb3, 0xaa, 0x17, 0x3d, 0x19, 0xb2, 0x72, 0x57, 0xac, 0x96, 0xab, 0x36, 0x25, 0x70, 0xf5, 0x08};
constexpr Bytes32 kSourceMainnet = {
    0x3a, 0xc2, 0x25, 0x16, 0x8d, 0xf5, 0x42, 0x12, 0xa2, 0x5c, 0x1c, 0x01, 0xfd, 0x35, 0xbe, 0xbf,
    0xea, 0x40, 0x8f, 0xda, 0xc2, 0xe3, 0x1d, 0xdd, 0x6f, 0x80, 0xa4, 0xbb, 0xf9, 0xa5, 0xf1, 0xcb};
constexpr Bytes32 kSourceTestnet = {
    0xb5, 0x55, 0x3d, 0xe3, 0x15, 0xe0, 0xed, 0xf5, 0x04, 0xd9, 0x15, 0x0a, 0xf8, 0x2d, 0xaf, 0xa5,
    0xc4, 0x66, 0x7f, 0xa6, 0x18, 0xed, 0x0a, 0x6f, 0x19, 0xc6, 0x9b, 0x41, 0x16, 0x6c, 0x55, 0x10};
// keccak256(typeHash(EIP712Domain) || keccak("Exchange") || keccak("1") || uint256(1337) || 0).
constexpr Bytes32 kExchangeDomainSeparator = {
    0xd7, 0x92, 0x97, 0xfc, 0xdf, 0x2f, 0xfc, 0xd4, 0xae, 0x22, 0x3d, 0x01, 0xed, 0xaa, 0x2b, 0xa2,
    0x14, 0xff, 0x8f, 0x40, 0x1d, 0x7c, 0x93, 0x00, 0xd9, 0x95, 0xd1, 0x7c, 0x82, 0xaa, 0x40, 0x40};

}  // namespace

std::vector<std::uint8_t> msgpack_of(const Json& action) {
  std::vector<std::uint8_t> out;
  out.reserve(256);
  ByteSink sink{out};
  msgpack::packer<ByteSink> pk(sink);
  pack_value(pk, action, 0);
  return out;
}

Bytes32 l1_connection_id(const Json& action, std::uint64_t nonce,
                         const std::optional<Address>& vault,
                         const std::optional<std::uint64_t>& expires_after) {
  std::vector<std::uint8_t> bytes = msgpack_of(action);
  append_be64(bytes, nonce);
  if (vault) {
    bytes.push_back(0x01);
    bytes.insert(bytes.end(), vault->bytes.begin(), vault->bytes.end());
  } else {
    bytes.push_back(0x00);
  }
  if (expires_after) {
    bytes.push_back(0x00);
    append_be64(bytes, *expires_after);
  }
  return keccak256(bytes);
}

const Bytes32& exchange_domain_separator() { return kExchangeDomainSeparator; }

Bytes32 l1_agent_struct_hash(const Bytes32& connection_id, bool mainnet) {
  std::array<std::uint8_t, 96> words;
  std::copy(kAgentTypeHash.begin(), kAgentTypeHash.end(), words.begin());
  const Bytes32& source = mainnet ? kSourceMainnet : kSourceTestnet;
  std::copy(source.begin(), source.end(), words.begin() + 32);
  std::copy(connection_id.begin(), connection_id.end(), words.begin() + 64);
  return keccak256(words);
}

Bytes32 eip712_digest(const Bytes32& domain_separator, const Bytes32& struct_hash) {
  std::array<std::uint8_t, 66> bytes;
  bytes[0] = 0x19;
  bytes[1] = 0x01;
  std::copy(domain_separator.begin(), domain_separator.end(), bytes.begin() + 2);
  std::copy(struct_hash.begin(), struct_hash.end(), bytes.begin() + 34);
  return keccak256(bytes);
}

Bytes32 l1_digest(const Bytes32& connection_id, bool mainnet) {
  return eip712_digest(kExchangeDomainSeparator, l1_agent_struct_hash(connection_id, mainnet));
}

Signature sign_l1_action(const Json& action, std::uint64_t nonce,
                         const std::optional<Address>& vault,
                         const std::optional<std::uint64_t>& expires_after, bool mainnet,
                         const PrivateKey& key) {
  return sign_digest(l1_digest(l1_connection_id(action, nonce, vault, expires_after), mainnet),
                     key);
}

}  // namespace organism::exchange::hl

// User-signed actions (PROTOCOL §5.9, §7.6): EIP-712 typed data under the
// "HyperliquidSignTransaction" domain, whose chainId is the action's signatureChainId.
#include <array>
#include <stdexcept>

#include "exchange/hyperliquid/signing.hpp"

namespace organism::exchange::hl {
namespace {

struct KnownType {
  const char* action_type;
  const char* primary_type;
  std::vector<TypedField> fields;
};

// PROTOCOL §5.9, in its field order (the order is part of the type string and of the hash).
const std::vector<KnownType>& known_types() {
  static const std::vector<KnownType> types = {
      {"usdSend",
       "HyperliquidTransaction:UsdSend",
       {{"string", "hyperliquidChain"},
        {"string", "destination"},
        {"string", "amount"},
        {"uint64", "time"}}},
      {"withdraw3",
       "HyperliquidTransaction:Withdraw",
       {{"string", "hyperliquidChain"},
        {"string", "destination"},
        {"string", "amount"},
        {"uint64", "time"}}},
      {"spotSend",
       "HyperliquidTransaction:SpotSend",
       {{"string", "hyperliquidChain"},
        {"string", "destination"},
        {"string", "token"},
        {"string", "amount"},
        {"uint64", "time"}}},
      {"usdClassTransfer",
       "HyperliquidTransaction:UsdClassTransfer",
       {{"string", "hyperliquidChain"},
        {"string", "amount"},
        {"bool", "toPerp"},
        {"uint64", "nonce"}}},
      {"sendAsset",
       "HyperliquidTransaction:SendAsset",
       {{"string", "hyperliquidChain"},
        {"string", "destination"},
        {"string", "sourceDex"},
        {"string", "destinationDex"},
        {"string", "token"},
        {"string", "amount"},
        {"string", "fromSubAccount"},
        {"uint64", "nonce"}}},
      {"approveAgent",
       "HyperliquidTransaction:ApproveAgent",
       {{"string", "hyperliquidChain"},
        {"address", "agentAddress"},
        {"string", "agentName"},
        {"uint64", "nonce"}}},
      {"approveBuilderFee",
       "HyperliquidTransaction:ApproveBuilderFee",
       {{"string", "hyperliquidChain"},
        {"string", "maxFeeRate"},
        {"address", "builder"},
        {"uint64", "nonce"}}},
      {"tokenDelegate",
       "HyperliquidTransaction:TokenDelegate",
       {{"string", "hyperliquidChain"},
        {"address", "validator"},
        {"uint64", "wei"},
        {"bool", "isUndelegate"},
        {"uint64", "nonce"}}},
  };
  return types;
}

void put_be64(Bytes32& word, std::uint64_t x) {
  word.fill(0);
  for (int k = 0; k < 8; ++k) word[31 - k] = static_cast<std::uint8_t>(x >> (8 * k));
}

[[noreturn]] void field_error(const std::string& name, const char* expected) {
  throw std::invalid_argument("user-signed action: field " + name + ": expected " + expected);
}

// The 32-byte EIP-712 encoding of one field's value.
Bytes32 encode_field(const Json& action, const TypedField& field, bool is_approve_agent) {
  const auto it = action.find(field.name);
  Bytes32 word{};
  if (it == action.end()) {
    // The SDK signs agentName "" and then drops the key from the posted JSON.
    if (is_approve_agent && field.name == "agentName") return keccak256(std::string_view{});
    throw std::invalid_argument("user-signed action: missing field " + field.name);
  }
  if (field.type == "string") {
    if (!it->is_string()) field_error(field.name, "a string");
    return keccak256(it->get_ref<const std::string&>());  // verbatim: case matters
  }
  if (field.type == "uint64") {
    if (!it->is_number_unsigned() && !(it->is_number_integer() && it->get<std::int64_t>() >= 0)) {
      field_error(field.name, "an unsigned integer");
    }
    put_be64(word, it->get<std::uint64_t>());
    return word;
  }
  if (field.type == "bool") {
    if (!it->is_boolean()) field_error(field.name, "a boolean");
    put_be64(word, it->get<bool>() ? 1 : 0);
    return word;
  }
  // address: 12 zero bytes, then the 20 bytes.
  const auto address =
      it->is_string() ? Address::parse(it->get_ref<const std::string&>()) : std::nullopt;
  if (!address) field_error(field.name, "an address");
  std::copy(address->bytes.begin(), address->bytes.end(), word.begin() + 12);
  return word;
}

std::uint64_t chain_id_of(const Json& action) {
  const auto it = action.find("signatureChainId");
  if (it == action.end() || !it->is_string()) field_error("signatureChainId", "a hex string");
  const std::string& text = it->get_ref<const std::string&>();
  const auto id = parse_bytes32(text, true);
  // A chain id fits in 64 bits here; "0x" alone or longer values are not chain ids.
  if (text.size() < 3 || text.size() > 18 || text.substr(0, 2) != "0x" || !id) {
    field_error("signatureChainId", "a hex string");
  }
  std::uint64_t value = 0;
  for (int k = 24; k < 32; ++k) value = (value << 8) | (*id)[static_cast<std::size_t>(k)];
  return value;
}

}  // namespace

std::optional<UserSignedType> user_signed_type(std::string_view action_type) {
  for (const KnownType& t : known_types()) {
    if (action_type == t.action_type) return UserSignedType{t.primary_type, t.fields};
  }
  return std::nullopt;
}

std::string type_string(const UserSignedType& type) {
  std::string out = type.primary_type + "(";
  for (std::size_t i = 0; i < type.fields.size(); ++i) {
    if (i > 0) out += ',';
    out += type.fields[i].type + " " + type.fields[i].name;
  }
  return out + ")";
}

Bytes32 user_signed_domain_separator(std::uint64_t chain_id) {
  std::array<std::uint8_t, 160> words{};
  const Bytes32 type_hash = keccak256(
      "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
  const Bytes32 name = keccak256("HyperliquidSignTransaction");
  const Bytes32 version = keccak256("1");
  Bytes32 chain;
  put_be64(chain, chain_id);
  std::copy(type_hash.begin(), type_hash.end(), words.begin());
  std::copy(name.begin(), name.end(), words.begin() + 32);
  std::copy(version.begin(), version.end(), words.begin() + 64);
  std::copy(chain.begin(), chain.end(), words.begin() + 96);
  // verifyingContract: the zero address, left as 32 zero bytes.
  return keccak256(words);
}

Bytes32 user_signed_struct_hash(const Json& action, const UserSignedType& type) {
  if (!action.is_object()) throw std::invalid_argument("user-signed action: expected an object");
  const auto type_field = action.find("type");
  const bool is_approve_agent =
      type_field != action.end() && type_field->is_string() && *type_field == "approveAgent";
  std::vector<std::uint8_t> words;
  words.reserve(32 * (type.fields.size() + 1));
  const Bytes32 type_hash = keccak256(type_string(type));
  words.insert(words.end(), type_hash.begin(), type_hash.end());
  for (const TypedField& field : type.fields) {
    const Bytes32 word = encode_field(action, field, is_approve_agent);
    words.insert(words.end(), word.begin(), word.end());
  }
  return keccak256(words);
}

Bytes32 user_signed_digest(const Json& action, const UserSignedType& type) {
  const Bytes32 struct_hash = user_signed_struct_hash(action, type);
  return eip712_digest(user_signed_domain_separator(chain_id_of(action)), struct_hash);
}

Signature sign_user_action(const Json& action, const PrivateKey& key) {
  const auto type_field = action.is_object() ? action.find("type") : action.end();
  if (!action.is_object() || type_field == action.end() || !type_field->is_string()) {
    throw std::invalid_argument("user-signed action: missing field type");
  }
  const auto type = user_signed_type(type_field->get_ref<const std::string&>());
  if (!type)
    throw std::invalid_argument("user-signed action: unknown type " +
                                type_field->get<std::string>());
  return sign_digest(user_signed_digest(action, *type), key);
}

}  // namespace organism::exchange::hl

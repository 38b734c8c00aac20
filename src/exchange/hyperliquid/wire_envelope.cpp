// The POST /exchange body (PROTOCOL §5.1): {action, nonce, signature, vaultAddress?,
// expiresAfter?}, signed by a client and its signer recovered by the server.
#include "exchange/hyperliquid/wire.hpp"
#include "exchange/hyperliquid/wire_fields.hpp"

namespace organism::exchange::hl {

using namespace wire_fields;

ExchangeRequest parse_exchange_request(const Json& body) {
  if (!body.is_object()) throw WireError("expected a JSON object");
  ExchangeRequest out;
  const Json& action = required(body, "action", "");
  if (!action_type(action)) fail("", "action", "an object with a string type");
  out.action = action;
  out.nonce = as_u64(required(body, "nonce", ""), "nonce", "");
  const auto signature = Signature::from_json(required(body, "signature", ""));
  if (!signature) fail("", "signature", "{r, s, v}");
  out.signature = *signature;
  if (const Json* vault = optional(body, "vaultAddress"))
    out.vault_address = as_address(*vault, "vaultAddress", "");
  if (const Json* expires = optional(body, "expiresAfter"))
    out.expires_after = as_u64(*expires, "expiresAfter", "");
  return out;
}

Json to_json(const ExchangeRequest& request) {
  Json j = {{"action", request.action},
            {"nonce", request.nonce},
            {"signature", request.signature.to_json()}};
  if (request.vault_address) j["vaultAddress"] = request.vault_address->hex();
  if (request.expires_after) j["expiresAfter"] = *request.expires_after;
  return j;
}

ExchangeRequest sign_request(const Json& action, std::uint64_t nonce, bool mainnet,
                             const PrivateKey& key, const std::optional<Address>& vault,
                             const std::optional<std::uint64_t>& expires_after) {
  ExchangeRequest out;
  out.action = action;
  out.nonce = nonce;
  out.vault_address = vault;
  out.expires_after = expires_after;
  const auto type = action_type(action);
  if (!type) throw WireError("action: expected an object with a string type");
  if (user_signed_type(*type)) {
    // The network of a user-signed action is its hyperliquidChain field, set by the caller.
    out.signature = sign_user_action(action, key);
  } else {
    out.signature = sign_l1_action(action, nonce, vault, expires_after, mainnet, key);
  }
  return out;
}

std::optional<Address> recover_request_signer(const ExchangeRequest& request, bool mainnet) {
  const auto type = action_type(request.action);
  if (!type) throw WireError("action: expected an object with a string type");
  if (const auto user_type = user_signed_type(*type)) {
    Bytes32 digest;
    try {
      digest = user_signed_digest(request.action, *user_type);
    } catch (const std::invalid_argument& e) {
      throw WireError(e.what());
    }
    return recover_signer(digest, request.signature);
  }
  Bytes32 connection_id;
  try {
    connection_id = l1_connection_id(request.action, request.nonce, request.vault_address,
                                     request.expires_after);
  } catch (const std::invalid_argument& e) {
    throw WireError(std::string("action: ") + e.what());  // floats or nesting msgpack refuses
  }
  return recover_signer(l1_digest(connection_id, mainnet), request.signature);
}

}  // namespace organism::exchange::hl

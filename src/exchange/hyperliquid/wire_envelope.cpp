// The POST /exchange body (PROTOCOL §5.1): {action, nonce, signature, vaultAddress?,
// expiresAfter?}.
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

}  // namespace organism::exchange::hl

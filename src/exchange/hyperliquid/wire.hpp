// The typed wire form of the signed L1 actions the simulator models (PROTOCOL §5.1–5.7), with
// strict JSON in and JSON out in the documented key order. Used by the simulator's API (parse)
// and the client (build, then sign the JSON exactly as it is posted).
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "exchange/hyperliquid/signing.hpp"

namespace organism::exchange::hl {

// A malformed request: a short text naming the field ("order 0: field p: expected a decimal
// string"). The simulator answers it the way the exchange answers a body it cannot deserialize.
class WireError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// A price or size: the text as received (what was hashed) and its exact value in 1e-8 units.
struct WireDecimal {
  std::string text;
  std::int64_t units = 0;
  static WireDecimal of_units(std::int64_t units);  // text = format_units(units)
  static std::optional<WireDecimal> parse(std::string_view text);
  bool operator==(const WireDecimal&) const = default;
};

enum class WireTif { Gtc, Ioc, Alo };
const char* to_wire(WireTif tif);  // "Gtc", "Ioc", "Alo"

struct LimitWire {
  WireTif tif = WireTif::Gtc;
  bool operator==(const LimitWire&) const = default;
};
struct TriggerWire {
  bool is_market = true;
  WireDecimal trigger_px;
  bool take_profit = false;  // "tp"; false = "sl"
  bool operator==(const TriggerWire&) const = default;
};

// {a, b, p, s, r, t, c?}: one order of `order`, `modify` and `batchModify`.
struct OrderWire {
  std::uint32_t asset = 0;
  bool is_buy = true;
  WireDecimal px, sz;
  bool reduce_only = false;
  std::variant<LimitWire, TriggerWire> type;
  std::optional<std::string> cloid;  // "0x" + 32 hex digits, lower-cased when parsed
  bool operator==(const OrderWire&) const = default;
};

// A cloid: "0x" + 32 hex digits in either case, returned lower case (the exchange reads it as
// 16 bytes); nullopt for anything else ("0X…", 31 or 33 digits, no prefix).
std::optional<std::string> parse_cloid(std::string_view text);

// "na", "normalTpsl", "positionTpsl", or the priority object {"p": rate}.
struct Grouping {
  enum class Kind { Na, NormalTpsl, PositionTpsl, Priority };
  Kind kind = Kind::Na;
  std::uint64_t priority = 0;  // Priority only
  bool operator==(const Grouping&) const = default;
};
struct BuilderWire {
  Address builder;        // sent lower case
  std::uint64_t fee = 0;  // tenths of a basis point
  bool operator==(const BuilderWire&) const = default;
};

struct OrderAction {
  std::vector<OrderWire> orders;
  Grouping grouping;
  std::optional<BuilderWire> builder;
  bool operator==(const OrderAction&) const = default;
};
struct CancelWire {
  std::uint32_t asset = 0;
  std::uint64_t oid = 0;
  bool operator==(const CancelWire&) const = default;
};
struct CancelAction {
  std::vector<CancelWire> cancels;
  bool operator==(const CancelAction&) const = default;
};
struct CancelByCloidWire {
  std::uint32_t asset = 0;
  std::string cloid;  // lower-cased when parsed
  bool operator==(const CancelByCloidWire&) const = default;
};
struct CancelByCloidAction {
  std::vector<CancelByCloidWire> cancels;
  bool operator==(const CancelByCloidAction&) const = default;
};
// The order to replace: its oid or its cloid.
using OrderRef = std::variant<std::uint64_t, std::string>;
struct ModifyWire {
  OrderRef oid;
  OrderWire order;
  bool operator==(const ModifyWire&) const = default;
};
struct ModifyAction {
  OrderRef oid;
  OrderWire order;
  bool operator==(const ModifyAction&) const = default;
};
struct BatchModifyAction {
  std::vector<ModifyWire> modifies;
  bool operator==(const BatchModifyAction&) const = default;
};
struct UpdateLeverageAction {
  std::uint32_t asset = 0;
  bool is_cross = true;
  std::uint32_t leverage = 1;
  bool operator==(const UpdateLeverageAction&) const = default;
};
struct UpdateIsolatedMarginAction {
  std::uint32_t asset = 0;
  bool is_buy = true;
  std::int64_t ntli = 0;  // USDC x 1e6, negative removes margin
  bool operator==(const UpdateIsolatedMarginAction&) const = default;
};
struct ScheduleCancelAction {
  std::optional<std::uint64_t> time;  // absent: clear the schedule
  bool operator==(const ScheduleCancelAction&) const = default;
};
struct NoopAction {
  bool operator==(const NoopAction&) const = default;
};

using L1Action = std::variant<OrderAction, CancelAction, CancelByCloidAction, ModifyAction,
                              BatchModifyAction, UpdateLeverageAction, UpdateIsolatedMarginAction,
                              ScheduleCancelAction, NoopAction>;

// The action's "type" string, or nullopt when the value is not an object with a string "type".
std::optional<std::string> action_type(const Json& action);
// True for the types L1Action models ("order", "cancel", ..., "noop").
bool is_modelled_l1_action(std::string_view type);

// Strict parse of a modelled action: throws WireError naming the field ("order 0: field p:
// expected a decimal string", "action: unknown type setReferrer"). Keys the exchange does not
// define are ignored (they were hashed all the same).
L1Action parse_l1_action(const Json& action);
OrderWire parse_order_wire(const Json& order, std::string_view where);  // where: "order 0"

// The action as the SDKs build it: documented key order, optional keys omitted, never null.
Json to_json(const L1Action& action);
Json to_json(const OrderWire& order);

// {action, nonce, signature, vaultAddress?, expiresAfter?}: a POST /exchange body.
struct ExchangeRequest {
  Json action;  // exactly as received: the server hashes what was sent
  std::uint64_t nonce = 0;
  Signature signature;
  std::optional<Address> vault_address;        // null or absent: none
  std::optional<std::uint64_t> expires_after;  // null or absent: none
};
// Throws WireError ("field nonce: expected an unsigned integer", "field signature: expected
// {r, s, v}", ...). The action is only checked to be an object with a string "type".
ExchangeRequest parse_exchange_request(const Json& body);
// Keys in the documented order; vaultAddress and expiresAfter omitted when absent.
Json to_json(const ExchangeRequest& request);

// A signed request ready to post: a user-signed action (usdSend, approveAgent, ...: by its type)
// is signed as EIP-712 typed data, anything else as an L1 action with the nonce, vault and
// expiry. The action is kept as given: post exactly what was signed.
ExchangeRequest sign_request(const Json& action, std::uint64_t nonce, bool mainnet,
                             const PrivateKey& key,
                             const std::optional<Address>& vault = std::nullopt,
                             const std::optional<std::uint64_t>& expires_after = std::nullopt);
// The server's side: the address that signed the request (the action hashed as received), or
// nullopt when no signer can be recovered. A recovered address is not yet an authorised one: an
// unknown or tampered request recovers some other address, which the caller rejects as an
// unknown user, like the exchange. Throws WireError when a user-signed action lacks a typed
// field ("user-signed action: missing field amount").
std::optional<Address> recover_request_signer(const ExchangeRequest& request, bool mainnet);

}  // namespace organism::exchange::hl

// Typed, signed trading calls (PROTOCOL §5): order, cancel, cancelByCloid, modify, batchModify,
// scheduleCancel, updateLeverage, updateIsolatedMargin, noop and approveAgent, with per-order
// statuses and errors that say whether the action can have been applied. Used by the live
// broker and order manager of the trading engine (issue 19) and by the simulator's tests.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "exchange/client/account_types.hpp"
#include "exchange/client/nonce_source.hpp"
#include "exchange/client/rest_session.hpp"
#include "exchange/hyperliquid/asset_ids.hpp"
#include "exchange/hyperliquid/decimal.hpp"
#include "exchange/hyperliquid/wire.hpp"

namespace organism::exchange::client {

// The order was refused by the client before anything was signed or sent (under the $10
// minimum, unknown coin, malformed cloid, non-positive price or size).
class InvalidOrder : public core::Error {
 public:
  using core::Error::Error;
};

// The exchange answered and did not apply the action: {"status":"err"} or a 4xx other than 429.
// Safe to fix and send again (with a new nonce).
class ActionRefused : public core::Error {
 public:
  using core::Error::Error;
};

// Nobody can tell whether the action was applied: the connection failed or timed out after the
// request went out, the reply was 429 or 5xx, or the reply could not be read. Before another try
// the caller looks (orderStatus by cloid, openOrders) and signs anew: never re-send blindly.
class ActionOutcomeUnknown : public core::Error {
 public:
  using core::Error::Error;
};

struct TriggerSpec {
  bool is_market = true;
  Units trigger_px = 0;
  bool take_profit = false;  // false: stop loss
};

// One order. Prices and sizes are exact 1e-8 units, sent as given (the exchange checks ticks
// and lots; ExchangeClient::price/size round doubles to them first).
struct OrderSpec {
  std::string coin;
  bool is_buy = true;
  Units px = 0;  // the limit price; for a market trigger, its slippage bound
  Units sz = 0;
  bool reduce_only = false;
  hl::WireTif tif = hl::WireTif::Gtc;    // limit orders
  std::optional<TriggerSpec> trigger{};  // set: a trigger order (tif unused)
  std::optional<std::string> cloid{};    // "0x" + 32 hex digits; always set one to query later
};

// One item of an order or batchModify reply (PROTOCOL §5.2).
struct OrderOutcome {
  enum class Kind { resting, filled, waiting_for_fill, waiting_for_trigger, error };
  Kind kind = Kind::error;
  std::uint64_t oid = 0;               // resting, filled
  std::optional<std::string> cloid{};  // echoed when the exchange sends it
  Units total_sz = 0, avg_px = 0;      // filled
  std::string error{};                 // error: the exchange's text, the order was not placed
  bool ok() const { return kind != Kind::error; }
};

// One item of a cancel reply: "success" or the exchange's error text.
struct CancelOutcome {
  bool ok = false;
  std::string error{};
};

struct CancelRef {
  std::string coin;
  std::uint64_t oid = 0;
};
struct CancelCloidRef {
  std::string coin;
  std::string cloid;
};
struct ModifySpec {
  hl::OrderRef order;  // the oid or the cloid of the order to replace
  OrderSpec replacement;
};

struct ExchangeClientOptions {
  bool mainnet =
      true;  // the phantom agent's source and hyperliquidChain: the simulator's --testnet decides
  std::optional<hl::Address> vault{};  // acting for a vault or sub-account
  // Set: every action carries expiresAfter = now + this many ms (the exchange drops it later).
  std::optional<core::TimeMs> expires_after_ms{};
};

class ExchangeClient {
 public:
  // `key`: the agent wallet (or the account's key). `assets`: from InfoClient::meta. `nonces`:
  // shared by every client signing with this key (one is made when null).
  ExchangeClient(std::shared_ptr<RestSession> session, hl::PrivateKey key,
                 hl::AssetDirectory assets, ExchangeClientOptions options = {},
                 std::shared_ptr<NonceSource> nonces = nullptr);

  // A price or size as a double rounded by the asset's tick and lot rules (hl::round_price,
  // round_size) into exact units. Throws InvalidOrder for an unknown coin.
  Units price(const std::string& coin, double px) const;
  Units size(const std::string& coin, double sz) const;

  // One status per order, in request order (a batch-wide error is repeated for each order).
  std::vector<OrderOutcome> place(const std::vector<OrderSpec>& orders, hl::Grouping grouping = {});
  std::vector<CancelOutcome> cancel(const std::vector<CancelRef>& cancels);
  std::vector<CancelOutcome> cancel_by_cloid(const std::vector<CancelCloidRef>& cancels);
  // The single modify answers only ok or refused (ActionRefused with the exchange's text).
  void modify(const ModifySpec& modify);
  std::vector<OrderOutcome> batch_modify(const std::vector<ModifySpec>& modifies);
  // Cancel every open order at `time` (ms, at least 5 s ahead); nullopt clears the schedule.
  void schedule_cancel(std::optional<core::TimeMs> time);
  void update_leverage(const std::string& coin, bool cross, int leverage);
  // `usd_micros`: USDC x 1e6 added to (negative: removed from) the isolated position's margin.
  void update_isolated_margin(const std::string& coin, std::int64_t usd_micros);
  // Spends a nonce: invalidates an in-flight action signed with a lower one.
  void noop();
  // User-signed (EIP-712): lets `agent` trade for this key's account. Only the account's own key
  // may approve; an empty name is signed as "" and left out of the posted JSON (PROTOCOL §5.9).
  void approve_agent(const hl::Address& agent, const std::string& name = "");

  hl::Address address() const { return key_.address(); }  // the signer (the agent, when one)
  const hl::AssetDirectory& assets() const { return assets_; }
  RestSession& session() { return *session_; }
  // For another client signing with the same key: two sources would hand out the same nonce.
  const std::shared_ptr<NonceSource>& nonces() const { return nonces_; }

 private:
  const hl::AssetInfo& asset(const std::string& coin) const;
  hl::OrderWire wire_of(const OrderSpec& order) const;
  // Signs with a fresh nonce, posts, and returns the reply's "response" of an "ok" status;
  // throws ActionRefused / ActionOutcomeUnknown as above.
  Json submit(const Json& action, std::size_t batch, const std::string& what);
  std::vector<OrderOutcome> order_outcomes(const Json& response, std::size_t count,
                                           const std::string& what) const;
  std::vector<CancelOutcome> cancel_outcomes(const Json& response, std::size_t count,
                                             const std::string& what) const;

  std::shared_ptr<RestSession> session_;
  hl::PrivateKey key_;
  hl::AssetDirectory assets_;
  ExchangeClientOptions options_;
  std::shared_ptr<NonceSource> nonces_;
};

// Exact notional of px x sz in 1e-8 units of USD (128-bit: no overflow at any wire value).
hl::Int128 notional_units(Units px, Units sz);

}  // namespace organism::exchange::client

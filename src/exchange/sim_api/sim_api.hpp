// The exchange simulator's requests and feeds, independent of sockets: POST /info, POST /exchange
// and the control request as text in, status and text out; WebSocket subscriptions as keys and
// rendered messages. Owns the market replay and the engine; checks signatures and nonces. The
// server (src/exchange/sim_server/) is its only user besides tests.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "exchange/sim/market_replay.hpp"
#include "exchange/sim/sim_engine.hpp"

namespace organism::exchange::sim_api {

// Choices where PROTOCOL.md is silent (docs/exchange-sim.md repeats them for users):
// - Numbers: exact units are written by hl::format_units; doubles (account values, fees, rates)
//   are rounded to 8 decimals and written the same way, so zero is "0" where the exchange
//   writes "0.0" (clients parse both).
// - Errors: bodies that cannot be read, unknown info/action types and wrong parameter types get
//   422 "Failed to deserialize the JSON body into the target type"; /exchange bodies are read by
//   hl::parse_exchange_request and hl::parse_l1_action before any signature or nonce check, as
//   the exchange deserializes first (so a 422 spends no nonce). A signature from which no
//   address recovers answers "User or API Wallet 0x000…000 does not exist."; a valid signature
//   by any key acts for that key's account (opened with the starting balance), so a wrong key,
//   a testnet signature or an altered action acts on some other, empty account, as on the
//   exchange. Nonces: "Invalid nonce: duplicate nonce" / "... too low" / "... too far from the
//   current time" against the wall clock. vaultAddress: "Vault not registered: 0x…". An asset
//   past meta.universe: "Asset N does not exist.". Transfers, withdrawals, sub-accounts and
//   vaults: "Action T is not supported by the simulator."; approveBuilderFee, setReferrer,
//   claimRewards, noop: ok/default. The rejectOrders fault: "Order rejected: the simulator's
//   rejectOrders fault is active." per order.
// - Feeds: l2Book, bbo (only when the best levels changed) and allMids at most every 500 ms of
//   market time per asset, held back while staleBook runs (REST l2Book, bbo snapshots and new
//   subscribers' l2Book snapshots then answer the book frozen when the fault began, its levels
//   and its time, as a stuck exchange would); candles when the bar in progress
//   changed; trades and orderUpdates one array per publish; userFills/userFundings without
//   isSnapshot after the snapshot. Subscription errors: "Invalid subscription {json}".
// - Info: userFills newest first, userFillsByTime oldest first from startTime (both <= 2000);
//   l2Book of an unknown coin is null; candleSnapshot of an unknown coin or of an interval finer
//   than the stored bars is []; userAbstraction is "default"; nSigFigs buckets take each level's
//   own magnitude (bids down, asks up).

using Json = nlohmann::ordered_json;
using core::TimeMs;

struct Reply {
  int status = 200;  // 200 with a JSON body, else a plain-text body (422, 400, ...)
  std::string body;
  bool json() const { return status == 200; }
};

struct ApiOptions {
  bool mainnet = true;  // the phantom agent source ("a") and hyperliquidChain it accepts
  // Set: every order the engine accepts (resting or filled) is appended to this file as one JSON
  // line {"time","user","oid","cloid","coin","side","px","sz","status"}, flushed per action. The
  // trading engine's crash and fault tests read it: no intent (cloid) may appear twice.
  std::string order_log{};
};

// A WebSocket subscription, as the client sent it and as a routing key.
struct Subscription {
  Json request;         // echoed verbatim in the acknowledgement
  std::string key;      // canonical: "l2Book:BTC", "orderUpdates:0xabc…" (user lower-cased)
  std::string channel;  // "l2Book", "user" for userEvents, ...
  bool user_specific = false;
};

// One message for every connection subscribed to `key`: {"channel":…, "data":…} already rendered.
struct FeedMessage {
  std::string key;
  std::string text;
};

class SimApi {
 public:
  SimApi(sim::MarketReplay market, sim::Engine engine, const core::Clock& wall_clock,
         ApiOptions options = {});
  ~SimApi();
  SimApi(SimApi&&) noexcept;
  SimApi& operator=(SimApi&&) noexcept;

  Reply info(std::string_view body);
  Reply exchange(std::string_view body);
  // {"type":"advance","steps":N} | {"type":"advanceTo","time":T} | {"type":"status"} |
  // {"type":"fault", ...}: the documented control request (docs/exchange-sim.md).
  Reply control(std::string_view body);

  // The REST weight of an info request body (PROTOCOL §10) given the items its reply returned;
  // /exchange weighs 1 + floor(batch / 40).
  int info_weight(std::string_view body, std::size_t items_returned) const;
  int exchange_weight(std::string_view body) const;

  // Fires the dead man's switches due on the wall clock (Engine::fire_scheduled_cancels); true
  // when one fired. The server calls it every tick, so a switch fires at its time even at
  // --speed 0 with no request coming in; every request calls it first too.
  bool run_wall_clock();

  // Market time. The server moves it with wall time x speed (or only through control at speed 0).
  TimeMs market_time() const;
  void advance_to(TimeMs t);

  // Subscriptions: nullopt and the exchange's error text for a bad one.
  std::optional<Subscription> parse_subscription(const Json& subscription,
                                                 std::string& error) const;
  // The messages a new subscriber gets at once (snapshots: userFills isSnapshot, l2Book, ...).
  std::vector<std::string> snapshot(const Subscription& subscription) const;
  // Renders everything that happened since the last call into feed messages, in order. `wanted`
  // says whether anyone listens to a key (nothing is rendered for unheard keys).
  std::vector<FeedMessage> publish(const std::function<bool(const std::string& key)>& wanted);

  // Everything to restart from (--state-dir): engine, market position, nonces, agents.
  Json state() const;
  void restore(const Json& state);

  // The state behind the API, defined in api_impl.hpp for the split sources of this folder.
  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace organism::exchange::sim_api

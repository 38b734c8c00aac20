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

using Json = nlohmann::ordered_json;
using core::TimeMs;

struct Reply {
  int status = 200;  // 200 with a JSON body, else a plain-text body (422, 400, ...)
  std::string body;
  bool json() const { return status == 200; }
};

struct ApiOptions {
  bool mainnet = true;  // the phantom agent source ("a") and hyperliquidChain it accepts
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

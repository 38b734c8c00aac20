// What the exchange simulator's transport asks of the exchange behind it: request bodies in,
// replies out, subscriptions, feed messages and state. SimApiHandler (sim_api_handler.hpp) is the
// real one; tests and benchmarks of the transport alone plug in a small one.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "exchange/sim_api/sim_api.hpp"

namespace organism::exchange::sim_server {

using sim_api::FeedMessage;
using sim_api::Json;
using sim_api::Reply;
using sim_api::Subscription;
using core::TimeMs;

class Handler {
 public:
  virtual ~Handler() = default;

  virtual Reply info(std::string_view body) = 0;
  virtual Reply exchange(std::string_view body) = 0;
  virtual Reply control(std::string_view body) = 0;
  // REST weights (PROTOCOL §10): an info request's may depend on the items its reply returned.
  virtual int info_weight(std::string_view body, const Reply& reply) = 0;
  virtual int exchange_weight(std::string_view body) = 0;

  // Work due on the wall clock (the dead man's switch); true when it changed the state.
  virtual bool run_wall_clock() { return false; }
  virtual TimeMs market_time() const = 0;
  virtual void advance_to(TimeMs t) = 0;

  virtual std::optional<Subscription> parse_subscription(const Json& subscription, std::string& error) = 0;
  virtual std::vector<std::string> snapshot(const Subscription& subscription) = 0;
  virtual std::vector<FeedMessage> publish(const std::function<bool(const std::string& key)>& wanted) = 0;

  virtual Json state() const = 0;
};

}  // namespace organism::exchange::sim_server

// The transport's Handler over the simulator's API (SimApi): the server of `organism
// exchange-sim` and its benchmark run the real exchange through it.
#pragma once

#include "exchange/sim_api/sim_api.hpp"
#include "exchange/sim_server/handler.hpp"

namespace organism::exchange::sim_server {

class SimApiHandler final : public Handler {
 public:
  explicit SimApiHandler(sim_api::SimApi& api) : api_(api) {}

  Reply info(std::string_view body) override { return api_.info(body); }
  Reply exchange(std::string_view body) override { return api_.exchange(body); }
  Reply control(std::string_view body) override { return api_.control(body); }
  int info_weight(std::string_view body, const Reply& reply) override;
  int exchange_weight(std::string_view body) override { return api_.exchange_weight(body); }

  TimeMs market_time() const override { return api_.market_time(); }
  void advance_to(TimeMs t) override { api_.advance_to(t); }
  bool run_wall_clock() override { return api_.run_wall_clock(); }

  std::optional<Subscription> parse_subscription(const Json& subscription, std::string& error) override {
    return api_.parse_subscription(subscription, error);
  }
  std::vector<std::string> snapshot(const Subscription& subscription) override { return api_.snapshot(subscription); }
  std::vector<FeedMessage> publish(const std::function<bool(const std::string& key)>& wanted) override {
    return api_.publish(wanted);
  }
  Json state() const override { return api_.state(); }

 private:
  sim_api::SimApi& api_;
};

}  // namespace organism::exchange::sim_server

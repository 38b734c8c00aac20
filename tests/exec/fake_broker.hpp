// A scriptable in-memory exchange behind the Broker interface: a clock the test sets, prices it
// sets, and one queued reply per placed order (fill, rest, partial fill then rest, reject; the
// reply of a call lost after or before the exchange applied it). Used by order_manager_test.cpp.
#pragma once

#include <deque>
#include <functional>
#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "exchange/client/exchange_client.hpp"
#include "exec/broker.hpp"
#include "exec/order.hpp"

namespace organism::exec::test {

// What the exchange does with the next order placed.
struct ScriptedReply {
  enum class Kind { fill, rest, partial_then_rest, reject };
  Kind kind = Kind::fill;
  Units fill_size = 0;   // partial_then_rest: how much fills at once; fill: 0 = all
  Units fill_price = 0;  // 0: the order's limit price
  Units fee = 0;
  std::string error = "Insufficient margin to place order.";
  // The call's reply is lost (ActionOutcomeUnknown) after the exchange applied the order, or
  // before it reached the exchange (nothing applied).
  bool lose_reply_after_applying = false;
  bool lose_reply_before_applying = false;
};

class FakeBroker : public Broker {
 public:
  core::TimeMs clock = 1'700'000'000'000;
  std::map<std::string, double> prices{{"ETH", 1234.567}, {"BTC", 30'000.0}};
  std::deque<ScriptedReply> replies;  // popped one per placed order; empty: fill at the limit
  bool hide_fills = false;            // userFills lags: fills_since answers nothing
  int fills_since_calls = 0;          // userFillsByTime requests (20 of the REST weight each)
  bool throw_on_cancel = false;
  // The exchange's side, for asserts.
  std::map<std::string, OrderStatusInfo> orders;  // by cloid
  std::vector<Fill> fills;
  std::map<std::string, int> place_count;  // by cloid: must stay 1
  std::vector<std::vector<BrokerOrder>> place_calls;
  std::vector<std::string> cancel_calls;  // cloids
  // Called with each place call's orders before the exchange sees them (what was durable then).
  std::function<void(const std::vector<BrokerOrder>&)> on_place;

  FakeBroker() {
    const auto meta = nlohmann::ordered_json::parse(R"({"universe":[
        {"name":"BTC","szDecimals":5,"maxLeverage":50},{"name":"ETH","szDecimals":4,"maxLeverage":50}]})");
    assets_ = exchange::hl::AssetDirectory::from_meta(meta);
  }

  core::TimeMs now() override { return clock; }
  const exchange::hl::AssetDirectory& assets() override { return assets_; }
  double reference_price(const std::string& coin) override {
    const auto it = prices.find(coin);
    return it == prices.end() ? std::nan("") : it->second;
  }

  std::vector<OrderOutcome> place(const std::vector<BrokerOrder>& batch) override {
    place_calls.push_back(batch);
    if (on_place) on_place(batch);
    std::vector<OrderOutcome> outcomes;
    bool lost = false;
    for (const BrokerOrder& order : batch) {
      const ScriptedReply reply = next_reply();
      if (reply.lose_reply_before_applying) {
        lost = true;
        continue;
      }
      lost = lost || reply.lose_reply_after_applying;
      const std::string cloid = order.spec.cloid.value_or("");
      ++place_count[cloid];
      OrderOutcome outcome;
      outcome.cloid = cloid;
      if (reply.kind == ScriptedReply::Kind::reject) {
        outcome.kind = OrderOutcome::Kind::error;
        outcome.error = reply.error;
        outcomes.push_back(outcome);
        continue;
      }
      OrderStatusInfo status;
      status.order.coin = order.spec.coin;
      status.order.buy = order.spec.is_buy;
      status.order.limit_px = order.spec.px;
      status.order.orig_sz = order.spec.sz;
      status.order.sz = order.spec.sz;
      status.order.oid = next_oid_++;
      status.order.cloid = cloid;
      status.order.timestamp = clock;
      status.status = "open";
      orders[cloid] = status;
      outcome.oid = status.order.oid;
      const Units price = reply.fill_price > 0 ? reply.fill_price : order.spec.px;
      if (reply.kind == ScriptedReply::Kind::fill) {
        const Units size = reply.fill_size > 0 ? reply.fill_size : order.spec.sz;
        fill(cloid, size, price, reply.fee);
        orders[cloid].status = "filled";  // IOC: the rest is gone
        outcome.kind = OrderOutcome::Kind::filled;
        outcome.total_sz = size;
        outcome.avg_px = price;
      } else {
        if (reply.kind == ScriptedReply::Kind::partial_then_rest) fill(cloid, reply.fill_size, price, reply.fee);
        outcome.kind = OrderOutcome::Kind::resting;
      }
      outcomes.push_back(outcome);
    }
    if (lost) throw exchange::client::ActionOutcomeUnknown("place: the reply was lost (scripted)");
    return outcomes;
  }

  std::vector<bool> cancel(const std::vector<exchange::client::CancelCloidRef>& refs) override {
    if (throw_on_cancel) throw exchange::client::ActionOutcomeUnknown("cancel: the reply was lost (scripted)");
    std::vector<bool> done;
    for (const auto& ref : refs) {
      cancel_calls.push_back(ref.cloid);
      const auto it = orders.find(ref.cloid);
      const bool open = it != orders.end() && it->second.status == "open";
      if (open) it->second.status = "canceled";
      done.push_back(open);
    }
    return done;
  }

  std::optional<OrderStatusInfo> order_status(const std::string& cloid) override {
    const auto it = orders.find(cloid);
    if (it == orders.end()) return std::nullopt;
    return it->second;
  }
  std::vector<OrderInfo> open_orders() override {
    std::vector<OrderInfo> open;
    for (const auto& [cloid, status] : orders) {
      if (status.status == "open") open.push_back(status.order);
    }
    return open;
  }
  ClearinghouseState account() override {
    ClearinghouseState state;
    std::map<std::string, Units> sizes;
    for (const Fill& f : fills) sizes[f.coin] += f.buy ? f.sz : -f.sz;
    for (const auto& [coin, size] : sizes) {
      exchange::client::Position position;
      position.coin = coin;
      position.szi = size;
      if (size != 0) state.positions.push_back(position);
    }
    return state;
  }
  std::vector<Fill> fills_since(core::TimeMs since) override {
    ++fills_since_calls;
    std::vector<Fill> out;
    if (hide_fills) return out;
    for (const Fill& f : fills) {
      if (f.time >= since) out.push_back(f);
    }
    return out;
  }
  std::vector<FundingPayment> funding_since(core::TimeMs) override { return {}; }

  // The exchange fills `size` of an order at `price` (a resting order meeting the book).
  void fill(const std::string& cloid, Units size, Units price, Units fee) {
    OrderStatusInfo& status = orders.at(cloid);
    Fill f;
    f.coin = status.order.coin;
    f.px = price;
    f.sz = size;
    f.buy = status.order.buy;
    f.time = clock;
    f.oid = status.order.oid;
    f.fee = fee;
    f.tid = next_tid_++;
    f.cloid = cloid;
    f.fee_token = "USDC";
    f.crossed = true;
    fills.push_back(f);
    status.order.sz -= size;
    if (status.order.sz == 0) status.status = "filled";
  }
  // A fill of an order that is not ours (a trade by hand).
  void foreign_fill(const std::string& coin, bool buy, Units size, Units price) {
    Fill f;
    f.coin = coin;
    f.px = price;
    f.sz = size;
    f.buy = buy;
    f.time = clock;
    f.oid = next_oid_++;
    f.tid = next_tid_++;
    fills.push_back(f);
  }

 private:
  ScriptedReply next_reply() {
    if (replies.empty()) return {};
    ScriptedReply reply = replies.front();
    replies.pop_front();
    return reply;
  }
  exchange::hl::AssetDirectory assets_;
  std::uint64_t next_oid_ = 1000;
  std::uint64_t next_tid_ = 5000;
};

}  // namespace organism::exec::test

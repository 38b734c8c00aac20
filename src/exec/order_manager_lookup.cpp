// The order manager's lookups: what the exchange says about a journaled order (orderStatus by
// cloid) made into events, the reconciliation at start, cancels and the post-only taker fallback.
// The rest (submit, fills, positions) is in order_manager.cpp.
#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "core/error.hpp"
#include "exec/order_manager.hpp"

namespace organism::exec {
namespace {

// What orderStatus says about an order, as the event it means for the journaled order (nullopt:
// nothing new, or nothing the state machine takes in the order's state).
std::optional<OrderUpdate> update_for_status(const Order& order, const OrderStatusInfo& info, core::TimeMs now) {
  OrderUpdate update;
  update.time = now;
  update.oid = info.order.oid;
  const std::string& status = info.status;
  if (status == "open") {
    if (order.state != OrderState::sent) return std::nullopt;
    update.event = OrderEvent::acked_resting;
  } else if (status == "filled") {
    // The exchange's total; the price of fills not seen yet is the limit (fills bring the truth
    // to the books and fees, the order's record only says it is done).
    const Units total = info.order.orig_sz > 0 ? info.order.orig_sz - info.order.sz : order.intent.size;
    if (order.state == OrderState::sent) {
      update.event = OrderEvent::acked_filled;
      update.fill_size = std::max(total, order.filled_size);
      update.fill_price = order.filled_size > 0 ? order.average_price : info.order.limit_px;
    } else {
      update.event = OrderEvent::fill;
      update.fill_size = std::max<Units>(total - order.filled_size, 0);
      update.fill_price = info.order.limit_px;
    }
  } else if (status.find("anceled") != std::string::npos) {  // canceled, marginCanceled, ...
    update.event = OrderEvent::cancel_acked;
    update.detail = status;
  } else if (status.find("ejected") != std::string::npos) {  // rejected, tickRejected, ...
    update.event = OrderEvent::rejected;
    update.detail = status;
  } else {
    return std::nullopt;  // triggered, ...: not a state of ours
  }
  if (!transition(order.state, update.event)) return std::nullopt;
  return update;
}

}  // namespace

void OrderManager::load_journal() {
  JournalState state = journal_.load();
  open_.clear();
  open_rank_.clear();
  for (Order& order : state.open_orders) {
    strategy_of_[order.cloid] = order.intent.strategy_id;
    open_rank_[order.cloid] = next_rank_++;
    open_.emplace(order.cloid, std::move(order));
  }
  known_cloids_ = std::move(state.cloids);
  books_.clear();
  for (PositionChange& change : state.positions) {
    books_[{change.strategy_id, change.coin}] = std::move(change);
  }
  tids_at_since_.clear();
  fills_since_ = 0;
  for (const auto& [coin, last] : state.last_fill_by_coin) fills_since_ = std::max(fills_since_, last.time);
  for (const auto& [coin, last] : state.last_fill_by_coin) {
    if (last.time == fills_since_) tids_at_since_.insert(last.tid);
  }
  // No fill journaled yet: from the beginning. Fills carry the exchange's clock (the simulator's
  // is its market time), never comparable with ours; the account's older fills are booked on
  // the account (not on any strategy), so its position starts equal to the exchange's.
}

ReconcileReport OrderManager::reconcile() {
  ReconcileReport report;
  load_journal();
  unknown_outcome_.clear();
  std::vector<std::string> to_check;
  for (const auto& [cloid, order] : open_) to_check.push_back(cloid);
  // Fills first: they close orders with their sizes and prices, which orderStatus lacks.
  report.fills_recovered = sync_fills();
  // "new" orders were journaled and never sent (a taker leg whose place a crash prevented):
  // sending them now cannot duplicate anything.
  std::vector<std::pair<Order, BrokerOrder>> unsent;
  SubmitReport unsent_report;
  for (const std::string& cloid : to_check) {
    const auto it = open_.find(cloid);
    if (it == open_.end() || it->second.state != OrderState::created) continue;
    const Order& order = it->second;
    OrderIntent intent = order.intent;
    if (auto broker_order = prepare(intent, unsent_report)) {
      broker_order->spec.cloid = cloid;
      unsent.emplace_back(order, std::move(*broker_order));
    } else {
      OrderUpdate update;
      update.event = OrderEvent::rejected;
      update.time = broker_.now();
      update.detail = "never sent, and not sendable now (under $10 or no price)";
      record(order, update);
    }
  }
  place_orders(std::move(unsent), unsent_report);
  for (const std::string& cloid : to_check) {
    ++report.orders_checked;
    if (const auto it = open_.find(cloid); it != open_.end()) look_up(it->second);
    if (!open_.contains(cloid)) ++report.orders_closed;
  }
  for (OrderInfo& info : broker_.open_orders()) {
    if (!info.cloid || !known_cloids_.contains(*info.cloid)) report.foreign_orders.push_back(std::move(info));
  }
  std::map<std::string, std::pair<Units, Units>> sizes;  // coin -> (exchange, journal)
  for (const auto& position : broker_.account().positions) sizes[position.coin].first = position.szi;
  for (const auto& [key, book] : books_) {
    if (key.first.empty()) sizes[key.second].second = book.size;
  }
  for (const auto& [coin, pair] : sizes) {
    if (pair.first != pair.second) report.position_mismatches[coin] = pair;
  }
  return report;
}

Order OrderManager::look_up(const Order& order) {
  std::optional<OrderStatusInfo> info;
  try {
    info = broker_.order_status(order.cloid);
  } catch (const core::Error&) {
    unknown_outcome_.insert(order.cloid);  // asked again at the next poll
    return order;
  }
  const core::TimeMs now = broker_.now();
  if (!info) {
    // The deadline is the expiresAfter the order was signed with: after it, it can never appear.
    if (now < order.created_ms + options_.expiry_ms + options_.expiry_margin_ms) {
      unknown_outcome_.insert(order.cloid);
      return order;
    }
    OrderUpdate update;
    update.time = now;
    update.event = order.state == OrderState::created ? OrderEvent::rejected : OrderEvent::expired;
    update.detail = fmt::format("not found by cloid {} ms after it was sent", now - order.created_ms);
    if (!transition(order.state, update.event)) {
      unknown_outcome_.erase(order.cloid);  // was on the book: its fills and cancels tell the rest
      return order;
    }
    if (update.event == OrderEvent::expired && order.leg == OrderLeg::primary) return replace_with_market(order, update, OrderLeg::resend);
    return record(order, update);
  }
  unknown_outcome_.erase(order.cloid);
  if (const auto update = update_for_status(order, *info, now)) return record(order, *update);
  return order;
}

int OrderManager::cancel_all() {
  std::vector<Order> orders;
  std::vector<exchange::client::CancelCloidRef> refs;
  for (const auto& [cloid, order] : open_) {
    if (order.state == OrderState::created) continue;
    orders.push_back(order);
    refs.push_back({order.intent.coin, cloid});
  }
  if (refs.empty()) return 0;
  std::vector<bool> canceled;
  try {
    canceled = broker_.cancel(refs);
  } catch (const core::Error& e) {
    for (const Order& order : orders) mark_unknown(order, e.what());
    return 0;
  }
  sync_fills();  // fills before the cancel become order events first
  int count = 0;
  const core::TimeMs now = broker_.now();
  for (std::size_t i = 0; i < orders.size(); ++i) {
    const auto it = open_.find(orders[i].cloid);
    if (it == open_.end()) continue;  // filled meanwhile
    if (i < canceled.size() && canceled[i]) {
      OrderUpdate update;
      update.event = OrderEvent::cancel_acked;
      update.time = now;
      record(it->second, update);
      ++count;
    } else {
      look_up(it->second);
    }
  }
  return count;
}

void OrderManager::mark_unknown(const Order& order, const std::string& why) {
  OrderUpdate update;
  update.event = OrderEvent::unknown_outcome;
  update.time = broker_.now();
  update.detail = why;
  if (transition(order.state, update.event)) record(order, update);
  unknown_outcome_.insert(order.cloid);
}

void OrderManager::fall_back_to_taker() {
  const core::TimeMs now = broker_.now();
  std::vector<Order> due;
  for (const auto& [cloid, order] : open_) {
    if (order.intent.style != ExecStyle::post_only || order.leg != OrderLeg::primary) continue;
    if (order.state != OrderState::resting && order.state != OrderState::partially_filled) continue;
    const core::TimeMs wait = order.intent.taker_fallback_ms > 0 ? order.intent.taker_fallback_ms
                                                                 : options_.taker_fallback_ms;
    if (now >= order.created_ms + wait) due.push_back(order);
  }
  for (const Order& order : due) {
    std::vector<bool> canceled;
    try {
      canceled = broker_.cancel({{order.intent.coin, order.cloid}});
    } catch (const core::Error& e) {
      mark_unknown(order, e.what());  // looked up next poll; the fallback is tried again
      continue;
    }
    sync_fills();  // what filled while it rested is not replaced
    const auto it = open_.find(order.cloid);
    if (it == open_.end()) continue;  // filled meanwhile: no fallback
    if (canceled.empty() || !canceled.front()) {
      look_up(it->second);  // no longer open: filled or canceled by the exchange; no fallback
      continue;
    }
    OrderUpdate update;
    update.event = OrderEvent::cancel_acked;
    update.time = broker_.now();
    update.detail = "post-only past its taker fallback time";
    replace_with_market(it->second, update, OrderLeg::taker_fallback);
  }
}

Order OrderManager::replace_with_market(const Order& order, const OrderUpdate& final_event, OrderLeg leg) {
  OrderIntent rest = order.intent;
  rest.size = order.intent.size - order.filled_size;
  rest.style = ExecStyle::market;  // late already: no (second) wait as a maker
  rest.price = 0;
  rest.taker_fallback_ms = 0;
  SubmitReport report;
  std::optional<BrokerOrder> broker_order = prepare(rest, report);  // nullopt: under $10, none
  std::optional<Order> replacement;
  if (broker_order) replacement = make_order(rest, leg, broker_.now());
  // The order's final event and the replacement's intent in one batch: after a crash between them
  // and the place, reconcile() finds the replacement "new" (never sent) and sends it.
  Order after;
  journal_.batch([&] {
    after = record(order, final_event);
    if (replacement && journal_.record_intent(*replacement)) known_cloids_.insert(replacement->cloid);
  });
  if (!replacement) return after;
  broker_order->spec.cloid = replacement->cloid;
  std::vector<std::pair<Order, BrokerOrder>> orders;
  orders.emplace_back(std::move(*replacement), std::move(*broker_order));
  place_orders(std::move(orders), report);
  return after;
}

}  // namespace organism::exec

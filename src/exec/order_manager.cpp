#include "exec/order_manager.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include <fmt/format.h>

#include "core/error.hpp"
#include "exchange/hyperliquid/decimal.hpp"
#include "exec/position_book.hpp"

namespace organism::exec {
namespace {

using exchange::client::ActionOutcomeUnknown;
using exchange::client::ActionRefused;
using exchange::client::InvalidOrder;
using exchange::client::OrderOutcome;

Units units_of_double(double x) { return std::llround(x * static_cast<double>(kUnitsPerCoin)); }

// One lot of a coin with `sz_decimals` decimals, in units: 10^(8 - sz_decimals).
Units lot_units(int sz_decimals) {
  Units lot = kUnitsPerCoin;
  for (int i = 0; i < sz_decimals && lot > 1; ++i) lot /= 10;
  return lot;
}

std::string describe(const OrderIntent& intent) {
  return fmt::format("{} {} {}", intent.coin, name_of(intent.side), exchange::hl::format_units(intent.size));
}

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

OrderManager::OrderManager(Journal& journal, Broker& broker, OrderManagerOptions options)
    : journal_(journal), broker_(broker), options_(options) {
  load_journal();
}

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
  if (state.last_fill_by_coin.empty()) {
    // No fill yet: from the first order on (a crash may have left fills unjournaled), or from
    // now for a new journal (the account's older history is not ours).
    fills_since_ = state.first_order_ms > 0 ? state.first_order_ms : broker_.now();
  }
}

ReconcileReport OrderManager::reconcile() {
  ReconcileReport report;
  load_journal();
  unknown_outcome_.clear();
  std::vector<std::string> to_check;
  for (const auto& [cloid, order] : open_) to_check.push_back(cloid);
  // Fills first: they close orders with their sizes and prices, which orderStatus lacks.
  report.fills_recovered = sync_fills();
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

std::optional<BrokerOrder> OrderManager::prepare(OrderIntent& intent, SubmitReport& report) {
  const exchange::hl::AssetInfo* asset = broker_.assets().by_coin(intent.coin);
  if (asset == nullptr) {
    report.refused.push_back(fmt::format("{}: unknown coin (not sent)", describe(intent)));
    return std::nullopt;
  }
  const Units lot = lot_units(asset->sz_decimals);
  intent.size = intent.size / lot * lot;  // down: never more than was decided
  const bool buy = intent.side == Side::buy;
  double px = 0;
  if (intent.style == ExecStyle::post_only && intent.price > 0) {
    px = exchange::hl::round_price(exchange::hl::units_to_double(intent.price), asset->sz_decimals, asset->perp);
  } else {
    const double reference = broker_.reference_price(intent.coin);
    if (!std::isfinite(reference) || reference <= 0) {
      report.refused.push_back(fmt::format("{}: no price for {} yet (not sent)", describe(intent), intent.coin));
      return std::nullopt;
    }
    px = intent.style == ExecStyle::market
             ? exchange::hl::slippage_price(reference, buy, options_.collar, asset->sz_decimals, asset->perp)
             : exchange::hl::round_price(reference, asset->sz_decimals, asset->perp);
  }
  intent.price = units_of_double(px);
  // The exchange's rule is on the limit price (the client checks the same before signing).
  if (intent.size <= 0 || intent.price <= 0 ||
      exchange::client::notional_units(intent.price, intent.size) < kMinOrderValue) {
    report.too_small.push_back(intent);
    return std::nullopt;
  }
  BrokerOrder order;
  order.strategy_id = intent.strategy_id;
  order.target_exposure = std::nan("");
  order.spec.coin = intent.coin;
  order.spec.is_buy = buy;
  order.spec.px = intent.price;
  order.spec.sz = intent.size;
  order.spec.reduce_only = intent.reduce_only;
  order.spec.tif = intent.style == ExecStyle::market ? exchange::hl::WireTif::Ioc : exchange::hl::WireTif::Alo;
  return order;
}

SubmitReport OrderManager::submit(const std::vector<OrderIntent>& intents) {
  SubmitReport report;
  std::vector<std::pair<Order, BrokerOrder>> to_place;
  const core::TimeMs now = broker_.now();
  for (OrderIntent intent : intents) {
    const std::string cloid = cloid_of(intent, OrderLeg::primary);
    if (known_cloids_.contains(cloid)) {
      const auto it = open_.find(cloid);
      if (it != open_.end()) {
        report.looked_up.push_back(look_up(it->second));
      } else if (auto journaled = journal_.find_order(cloid)) {
        report.looked_up.push_back(*journaled);  // final: nothing the exchange can change
      }
      continue;
    }
    if (auto broker_order = prepare(intent, report)) {
      Order order = make_order(intent, OrderLeg::primary, now);
      broker_order->spec.cloid = order.cloid;
      to_place.emplace_back(std::move(order), std::move(*broker_order));
    }
  }
  place_orders(std::move(to_place), report);
  return report;
}

void OrderManager::place_orders(std::vector<std::pair<Order, BrokerOrder>> orders, SubmitReport& report) {
  if (orders.empty()) return;
  const core::TimeMs now = broker_.now();
  std::vector<Order> sent;
  std::vector<BrokerOrder> wire;
  std::vector<Order> already;  // journaled between the check and now: looked up, never placed
  // Written before anything is sent: after a crash the cloids are known and looked up.
  journal_.batch([&] {
    for (auto& [order, broker_order] : orders) {
      if (!journal_.record_intent(order)) {
        already.push_back(order);
        continue;
      }
      OrderUpdate update;
      update.event = OrderEvent::sent;
      update.time = now;
      sent.push_back(journal_.record_event(order, update));
      wire.push_back(std::move(broker_order));
    }
  });
  for (const Order& order : sent) {
    known_cloids_.insert(order.cloid);
    strategy_of_[order.cloid] = order.intent.strategy_id;
    open_rank_[order.cloid] = next_rank_++;
    open_[order.cloid] = order;
  }
  for (const Order& order : already) {
    if (auto journaled = journal_.find_order(order.cloid)) {
      report.looked_up.push_back(is_terminal(journaled->state) ? *journaled : look_up(*journaled));
    }
  }
  if (sent.empty()) return;

  std::vector<OrderOutcome> outcomes;
  std::string refusal;
  bool unknown = false;
  try {
    outcomes = broker_.place(wire);
  } catch (const InvalidOrder& e) {
    refusal = e.what();
  } catch (const ActionRefused& e) {
    refusal = e.what();
  } catch (const core::Error& e) {  // ActionOutcomeUnknown or a broken link: maybe applied
    refusal = e.what();
    unknown = true;
  }
  if (refusal.empty() && outcomes.size() != sent.size()) {
    refusal = fmt::format("the broker answered {} outcomes for {} orders", outcomes.size(), sent.size());
    unknown = true;
  }
  const core::TimeMs replied = broker_.now();
  for (std::size_t i = 0; i < sent.size(); ++i) {
    OrderUpdate update;
    update.time = replied;
    if (!refusal.empty()) {
      update.event = unknown ? OrderEvent::unknown_outcome : OrderEvent::rejected;
      update.detail = refusal;
    } else {
      const OrderOutcome& outcome = outcomes[i];
      switch (outcome.kind) {
        case OrderOutcome::Kind::filled:
          update.event = OrderEvent::acked_filled;
          update.oid = outcome.oid;
          update.fill_size = outcome.total_sz;
          update.fill_price = outcome.avg_px;
          break;
        case OrderOutcome::Kind::error:
          update.event = OrderEvent::rejected;
          update.detail = outcome.error;
          break;
        default:  // resting, or waiting for a fill or a trigger: on the book
          update.event = OrderEvent::acked_resting;
          update.oid = outcome.oid;
          break;
      }
    }
    if (update.event == OrderEvent::unknown_outcome) unknown_outcome_.insert(sent[i].cloid);
    if (update.event == OrderEvent::rejected) {
      report.refused.push_back(fmt::format("{}: {}", describe(sent[i].intent), update.detail));
    }
    report.placed.push_back(record(open_.at(sent[i].cloid), update));
  }
  sync_fills();
  // Fills may have moved the orders on: the report gives their states after the replies.
  for (Order& order : report.placed) {
    if (const auto it = open_.find(order.cloid); it != open_.end()) order = it->second;
    else if (auto journaled = journal_.find_order(order.cloid)) order = *journaled;
  }
}

Order OrderManager::record(const Order& order, const OrderUpdate& update) {
  Order after = journal_.record_event(order, update);
  if (is_terminal(after.state)) {
    open_.erase(after.cloid);
    open_rank_.erase(after.cloid);
    unknown_outcome_.erase(after.cloid);
  } else {
    open_[after.cloid] = after;
  }
  return after;
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
    if (now < order.created_ms + options_.expiry_ms) {
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
    return record(order, update);
  }
  unknown_outcome_.erase(order.cloid);
  if (const auto update = update_for_status(order, *info, now)) return record(order, *update);
  return order;
}

void OrderManager::poll() {
  sync_fills();
  const std::vector<std::string> unknown(unknown_outcome_.begin(), unknown_outcome_.end());
  for (const std::string& cloid : unknown) {
    if (const auto it = open_.find(cloid); it != open_.end()) look_up(it->second);
    else unknown_outcome_.erase(cloid);
  }
  fall_back_to_taker();
}

std::vector<AttributedFill> OrderManager::take_fills() { return std::exchange(new_fills_, {}); }

std::vector<Order> OrderManager::open_orders() const {
  std::vector<std::pair<std::uint64_t, const Order*>> ranked;
  for (const auto& [cloid, order] : open_) ranked.emplace_back(open_rank_.at(cloid), &order);
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<Order> orders;
  for (const auto& [rank, order] : ranked) orders.push_back(*order);
  return orders;
}

Units OrderManager::position(const std::string& coin) const {
  const auto it = books_.find({std::string(), coin});
  return it == books_.end() ? 0 : it->second.size;
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
  } catch (const core::Error&) {
    for (const Order& order : orders) unknown_outcome_.insert(order.cloid);
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
    } catch (const core::Error&) {
      unknown_outcome_.insert(order.cloid);  // looked up next poll; the fallback is tried again
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
    const Order canceled_order = record(it->second, update);
    OrderIntent taker = canceled_order.intent;
    taker.size = canceled_order.intent.size - canceled_order.filled_size;
    taker.style = ExecStyle::market;
    taker.price = 0;
    taker.taker_fallback_ms = 0;
    SubmitReport report;
    const std::string cloid = cloid_of(taker, OrderLeg::taker_fallback);
    if (known_cloids_.contains(cloid)) continue;  // placed before a restart: its own record tells
    if (auto broker_order = prepare(taker, report)) {
      Order leg = make_order(taker, OrderLeg::taker_fallback, broker_.now());
      broker_order->spec.cloid = leg.cloid;
      std::vector<std::pair<Order, BrokerOrder>> orders;
      orders.emplace_back(std::move(leg), std::move(*broker_order));
      place_orders(std::move(orders), report);
    }
  }
}

int OrderManager::sync_fills() {
  std::vector<Fill> fills = broker_.fills_since(fills_since_);
  std::sort(fills.begin(), fills.end(),
            [](const Fill& a, const Fill& b) { return a.time != b.time ? a.time < b.time : a.tid < b.tid; });
  int fresh = 0;
  for (const Fill& fill : fills) {
    if (fill.time < fills_since_ || (fill.time == fills_since_ && tids_at_since_.contains(fill.tid))) continue;
    std::string strategy_id;
    if (fill.cloid) {
      if (const auto it = strategy_of_.find(*fill.cloid); it != strategy_of_.end()) {
        strategy_id = it->second;
      } else if (auto order = journal_.find_order(*fill.cloid)) {
        strategy_id = order->intent.strategy_id;
        strategy_of_[*fill.cloid] = strategy_id;
      }
    }
    bool journaled = false;
    journal_.batch([&] {
      journaled = journal_.record_fill(fill);
      if (!journaled) return;
      if (fill.cloid) {
        if (const auto it = open_.find(*fill.cloid); it != open_.end()) {
          const Order& order = it->second;
          OrderUpdate update;
          update.event = order.filled_size + fill.sz >= order.intent.size ? OrderEvent::fill : OrderEvent::partial_fill;
          update.time = fill.time;
          update.oid = fill.oid;
          update.fill_size = fill.sz;
          update.fill_price = fill.px;
          update.fee = fill.fee;
          if (transition(order.state, update.event)) record(order, update);
        }
      }
      book_fill(fill, strategy_id);
    });
    if (fill.time > fills_since_) {
      fills_since_ = fill.time;
      tids_at_since_.clear();
    }
    tids_at_since_.insert(fill.tid);
    if (!journaled) continue;
    ++fresh;
    new_fills_.push_back({fill, strategy_id, fill.cloid.value_or("")});
  }
  return fresh;
}

void OrderManager::book_fill(const Fill& fill, const std::string& strategy_id) {
  const Units signed_size = fill.buy ? fill.sz : -fill.sz;
  const std::string cause = fmt::format("fill {}", fill.tid);
  std::vector<std::string> owners{std::string()};  // the account's book, then the strategy's
  if (!strategy_id.empty()) owners.push_back(strategy_id);
  for (const std::string& owner : owners) {
    PositionChange& book = books_[{owner, fill.coin}];
    book.strategy_id = owner;
    book.coin = fill.coin;
    apply_fill_to_position(book, signed_size, fill.px, fill.fee, fill.time, cause);
    journal_.record_position(book);
  }
}

}  // namespace organism::exec

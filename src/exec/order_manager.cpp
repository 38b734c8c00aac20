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


// One lot of a coin with `sz_decimals` decimals, in units: 10^(8 - sz_decimals).
Units lot_units(int sz_decimals) {
  Units lot = kUnitsPerCoin;
  for (int i = 0; i < sz_decimals && lot > 1; ++i) lot /= 10;
  return lot;
}

std::string describe(const OrderIntent& intent) {
  return fmt::format("{} {} {}", intent.coin, name_of(intent.side), exchange::hl::format_units(intent.size));
}

}  // namespace

OrderManager::OrderManager(Journal& journal, Broker& broker, OrderManagerOptions options)
    : journal_(journal), broker_(broker), options_(options) {
  load_journal();
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
    double reference = std::nan("");
    try {
      reference = broker_.reference_price(intent.coin);
    } catch (const core::Error& e) {  // a broken link: this intent waits for the next decision
      report.refused.push_back(fmt::format("{}: no price ({}) (not sent)", describe(intent), e.what()));
      return std::nullopt;
    }
    if (!std::isfinite(reference) || reference <= 0) {
      report.refused.push_back(fmt::format("{}: no price for {} yet (not sent)", describe(intent), intent.coin));
      return std::nullopt;
    }
    px = intent.style == ExecStyle::market
             ? exchange::hl::slippage_price(reference, buy, options_.collar, asset->sz_decimals, asset->perp)
             : exchange::hl::round_price(reference, asset->sz_decimals, asset->perp);
  }
  intent.price = units_of(px);
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
  fills_expected_until_ = std::max(fills_expected_until_, now + options_.fills_after_place_ms);
  std::vector<Order> sent;
  std::vector<BrokerOrder> wire;
  std::vector<Order> already;  // journaled between the check and now: looked up, never placed
  // Written before anything is sent: after a crash the cloids are known and looked up.
  journal_.batch([&] {
    for (auto& [order, broker_order] : orders) {
      if (!journal_.record_intent(order)) {
        const auto it = open_.find(order.cloid);
        // Journaled "new" and never sent (sent is journaled before every place): send it now.
        const bool unsent = it != open_.end() ? it->second.state == OrderState::created
                                              : journal_.find_order(order.cloid)->state == OrderState::created;
        if (!unsent) {
          already.push_back(order);
          continue;
        }
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
  std::vector<OrderUpdate> updates;
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
    if (update.event == OrderEvent::rejected) {
      report.refused.push_back(fmt::format("{}: {}", describe(sent[i].intent), update.detail));
    }
    updates.push_back(std::move(update));
  }
  // The replies of one place call in one transaction (one fsync, not one per order), written
  // before anything acts on them; the books in memory follow once it is durable.
  std::vector<Order> after;
  journal_.batch([&] {
    after.clear();
    for (std::size_t i = 0; i < sent.size(); ++i) after.push_back(journal_.record_event(open_.at(sent[i].cloid), updates[i]));
  });
  for (std::size_t i = 0; i < sent.size(); ++i) {
    if (updates[i].event == OrderEvent::unknown_outcome) unknown_outcome_.insert(sent[i].cloid);
    report.placed.push_back(remember(after[i]));
  }
  sync_fills();
  // Fills may have moved the orders on: the report gives their states after the replies.
  for (Order& order : report.placed) {
    if (const auto it = open_.find(order.cloid); it != open_.end()) order = it->second;
    else if (auto journaled = journal_.find_order(order.cloid)) order = *journaled;
  }
}

Order OrderManager::record(const Order& order, const OrderUpdate& update) {
  return remember(journal_.record_event(order, update));
}

Order OrderManager::remember(Order after) {
  if (is_terminal(after.state)) {
    open_.erase(after.cloid);
    open_rank_.erase(after.cloid);
    unknown_outcome_.erase(after.cloid);
  } else {
    open_[after.cloid] = after;
  }
  return after;
}

void OrderManager::poll() {
  const core::TimeMs now = broker_.now();
  if (!open_.empty() || !unknown_outcome_.empty() || now < fills_expected_until_ || last_fill_sync_ < 0 ||
      now - last_fill_sync_ >= options_.idle_fill_sync_ms) {
    last_fill_sync_ = now;
    sync_fills();
  }
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

int OrderManager::sync_fills() {
  std::vector<Fill> fills;
  try {
    fills = broker_.fills_since(fills_since_);
  } catch (const core::Error&) {
    return 0;  // a broken link: the next call asks from the same time, nothing is lost
  }
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

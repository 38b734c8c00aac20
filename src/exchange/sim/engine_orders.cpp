// The life of an order: validation with the exchange's texts, resting, canceling, normalTpsl
// children, TP/SL triggers on the mark and the dead man's switch.
#include <algorithm>
#include <cstdlib>

#include "exchange/hyperliquid/decimal.hpp"
#include "exchange/sim/engine_impl.hpp"
#include "exchange/sim/engine_texts.hpp"

namespace organism::exchange::sim {

Engine::Impl::Impl(std::vector<AssetSpec> a, EngineConfig c)
    : assets(std::move(a)), config(c), books(assets.size()), book_dirty(assets.size(), 0) {}

Account& Engine::Impl::account(const Address& user) {
  auto [it, created] = accounts.try_emplace(user);
  if (created) it->second.balance = config.starting_balance;
  return it->second;
}

LeverageSetting Engine::Impl::leverage_of(const Account& acc, int asset) const {
  if (auto it = acc.leverage.find(asset); it != acc.leverage.end()) return it->second;
  const AssetSpec& spec = assets[static_cast<std::size_t>(asset)];
  return {!spec.only_isolated, std::min(config.default_leverage, spec.max_leverage)};
}

static Units position_of(const Account& acc, int asset) {
  auto it = acc.positions.find(asset);
  return it == acc.positions.end() ? 0 : it->second.szi;
}

std::optional<std::string> Engine::Impl::validate(const Account& acc, const OrderRequest& req,
                                                  bool position_tpsl) const {
  if (req.asset < 0 || static_cast<std::size_t>(req.asset) >= assets.size())
    return std::string(texts::kBadAsset);
  const int szd = assets[static_cast<std::size_t>(req.asset)].sz_decimals;
  if (req.px <= 0 || !hl::price_is_valid(req.px, szd)) return std::string(texts::kTick);
  if (req.trigger &&
      (req.trigger->trigger_px <= 0 || !hl::price_is_valid(req.trigger->trigger_px, szd)))
    return std::string(texts::kTick);
  // A position TP/SL of size 0 covers the whole position, whatever it is when it fires.
  const bool whole_position = position_tpsl && req.sz == 0;
  if (!whole_position && (req.sz <= 0 || !hl::size_is_valid(req.sz, szd)))
    return std::string(texts::kBadSize);
  if (req.cloid && acc.live_cloids.contains(*req.cloid)) return std::string(texts::kDuplicateCloid);
  if (acc.open.size() >= config.max_open_orders) return std::string(texts::kTooManyOrders);
  if (!whole_position && notional(req.px, req.sz) < config.min_order_value)
    return std::string(texts::kMinValue);
  if (req.trigger) return std::nullopt;  // direction and reduce-only are judged when it fires
  const Units szi = position_of(acc, req.asset);
  if (req.reduce_only && (szi == 0 || (req.is_buy == (szi > 0))))
    return std::string(texts::kReduceOnly);
  if (req.tif == Tif::Alo && crosses(req.asset, req.is_buy, req.px)) {
    const auto bid = best_bid(req.asset), ask = best_ask(req.asset);
    return texts::alo_rejected(hl::format_units(bid.value_or(0)),
                               hl::format_units(ask.value_or(0)));
  }
  if (!req.reduce_only && order_margin_needed(acc, req) > free_cross_margin(acc) + 1e-9)
    return std::string(texts::kMargin);
  return std::nullopt;
}

OrderStatus Engine::Impl::place_one(const Address& user, const OrderRequest& req, TimeMs now,
                                    std::uint64_t parent, std::uint64_t group, bool position_tpsl) {
  Account& acc = account(user);
  OrderStatus status;
  status.cloid = req.cloid;
  if (auto error = validate(acc, req, position_tpsl)) {
    status.error = *error;
    return status;
  }
  const std::uint64_t oid = next_oid++;
  LiveOrder fresh;
  fresh.info = OrderInfo{
      oid,         user,          req.asset, req.is_buy,       req.px,
      req.sz,      req.sz,        now,       req.reduce_only,  req.trigger ? Tif::Gtc : req.tif,
      req.trigger, position_tpsl, req.cloid, OrderState::Open, now};
  fresh.parent = parent;
  fresh.group = group;
  if (req.cloid) {
    acc.live_cloids[*req.cloid] = oid;
    acc.all_cloids[*req.cloid] = oid;
  }
  acc.open.insert(oid);
  LiveOrder& order =
      live.emplace(oid, std::move(fresh)).first->second;  // references survive rehashing
  status.oid = oid;
  if (parent != 0) {
    live.at(parent).children.push_back(oid);
    emit_order(order.info);
    status.kind = OrderStatus::Kind::WaitingForFill;
    return status;
  }
  if (req.trigger) {
    books[static_cast<std::size_t>(req.asset)].triggers.insert(oid);
    emit_order(order.info);
    status.kind = group != 0 ? OrderStatus::Kind::WaitingForTrigger : OrderStatus::Kind::Resting;
    return status;
  }
  const Taken taken = take(order, req.px, now);
  if (taken.sz > 0) {
    status.total_sz = taken.sz;
    status.avg_px = taken.notional / to_double(taken.sz);
  }
  if (order.info.sz == 0) {
    status.kind = OrderStatus::Kind::Filled;
    finish(oid, OrderState::Filled, now);
    return status;
  }
  if (req.tif == Tif::Ioc || (req.reduce_only && position_of(acc, req.asset) == 0)) {
    if (taken.sz == 0) {
      status.kind = OrderStatus::Kind::Error;
      status.error = texts::kIocNoMatch;
      finish(oid, OrderState::Rejected, now);
    } else {
      status.kind = OrderStatus::Kind::Filled;  // the filled part; the rest is canceled
      finish(oid, req.reduce_only ? OrderState::ReduceOnlyCanceled : OrderState::Canceled, now);
    }
    return status;
  }
  if (!req.reduce_only) {
    OrderRequest rest_part = req;
    rest_part.sz = order.info.sz;
    order.reserved_margin = order_margin_needed(acc, rest_part);
    acc.order_margin += order.reserved_margin;
  }
  rest(order);
  emit_order(order.info);
  status.kind = OrderStatus::Kind::Resting;
  return status;
}

void Engine::Impl::rest(LiveOrder& order) {
  AssetState& book = books[static_cast<std::size_t>(order.info.asset)];
  OrderFifo& level = (order.info.is_buy ? book.bids : book.asks)[order.info.limit_px];
  order.level_pos = level.insert(level.end(), order.info.oid);
  order.on_book = true;
  book_dirty[static_cast<std::size_t>(order.info.asset)] = 1;
}

void Engine::Impl::unlink(LiveOrder& order) {
  AssetState& book = books[static_cast<std::size_t>(order.info.asset)];
  if (order.on_book) {
    auto& side = order.info.is_buy ? book.bids : book.asks;
    auto level = side.find(order.info.limit_px);
    level->second.erase(order.level_pos);
    if (level->second.empty()) side.erase(level);
    order.on_book = false;
    book_dirty[static_cast<std::size_t>(order.info.asset)] = 1;
  }
  book.triggers.erase(order.info.oid);
}

void Engine::Impl::finish(std::uint64_t oid, OrderState state, TimeMs now) {
  auto it = live.find(oid);
  if (it == live.end()) return;
  LiveOrder& order = it->second;
  unlink(order);
  Account& acc = accounts.at(order.info.user);
  acc.order_margin = std::max(0.0, acc.order_margin - order.reserved_margin);
  order.reserved_margin = 0;
  acc.open.erase(oid);
  if (order.info.cloid) acc.live_cloids.erase(*order.info.cloid);
  order.info.state = state;
  order.info.status_time = now;
  emit_order(order.info);
  if (order.parent != 0) {
    if (auto p = live.find(order.parent); p != live.end()) std::erase(p->second.children, oid);
  }
  if (state == OrderState::Filled) {
    activate_children(oid, now);
  } else {
    cancel_children(order, now);
  }
  finished.emplace(oid, order.info);
  live.erase(oid);
}

void Engine::Impl::cancel_children(LiveOrder& parent, TimeMs now) {
  const std::vector<std::uint64_t> children = std::move(parent.children);
  parent.children.clear();
  for (std::uint64_t child : children) {
    if (auto it = live.find(child); it != live.end()) it->second.parent = 0;
    finish(child, OrderState::Canceled, now);
  }
}

// The parent filled completely: its TP/SL children become trigger orders watching the mark.
void Engine::Impl::activate_children(std::uint64_t parent_oid, TimeMs) {
  auto it = live.find(parent_oid);
  if (it == live.end()) return;
  for (std::uint64_t child : it->second.children) {
    LiveOrder& c = live.at(child);
    c.parent = 0;
    books[static_cast<std::size_t>(c.info.asset)].triggers.insert(child);
  }
  it->second.children.clear();
}

void Engine::Impl::cancel_user_orders(Account& acc, std::optional<int> asset, OrderState state,
                                      TimeMs now) {
  const std::vector<std::uint64_t> oids(acc.open.begin(), acc.open.end());
  for (std::uint64_t oid : oids) {
    auto it = live.find(oid);
    if (it == live.end() || (asset && it->second.info.asset != *asset)) continue;
    finish(oid, state, now);
  }
}

// A flat position leaves nothing to reduce: its reduce-only resting orders and position TP/SLs go.
void Engine::Impl::settle_pending(TimeMs now) {
  while (!closed_positions.empty()) {
    const auto [user, asset] = closed_positions.back();
    closed_positions.pop_back();
    Account& acc = accounts.at(user);
    if (position_of(acc, asset) != 0) continue;
    const std::vector<std::uint64_t> oids(acc.open.begin(), acc.open.end());
    for (std::uint64_t oid : oids) {
      auto it = live.find(oid);
      if (it == live.end() || it->second.info.asset != asset) continue;
      if (it->second.info.is_position_tpsl)
        finish(oid, OrderState::Canceled, now);
      else if (it->second.on_book && it->second.info.reduce_only)
        finish(oid, OrderState::ReduceOnlyCanceled, now);
    }
  }
}

static bool trigger_fires(const OrderInfo& o, double mark) {
  const double px = to_double(o.trigger->trigger_px);
  // A sell's take-profit fires on a rise, its stop on a fall; a buy's the other way round.
  const bool above = o.is_buy != o.trigger->take_profit;
  return above ? mark >= px : mark <= px;
}

void Engine::Impl::fire_triggers(int asset, TimeMs now) {
  AssetState& book = books[static_cast<std::size_t>(asset)];
  const double m = mark(asset);
  std::vector<std::uint64_t> due;
  for (std::uint64_t oid : book.triggers)
    if (trigger_fires(live.at(oid).info, m)) due.push_back(oid);
  for (std::uint64_t oid : due) {
    auto it = live.find(oid);
    if (it == live.end()) continue;  // a sibling that fired first canceled it
    LiveOrder& order = it->second;
    book.triggers.erase(oid);
    Account& acc = accounts.at(order.info.user);
    const Units szi = position_of(acc, asset);
    if (order.info.reduce_only || order.info.is_position_tpsl) {
      if (szi == 0 || order.info.is_buy == (szi > 0)) {
        finish(oid, OrderState::ReduceOnlyCanceled, now);
        continue;
      }
      if (order.info.sz == 0 || order.info.sz > std::abs(szi)) order.info.sz = std::abs(szi);
    }
    order.info.state = OrderState::Triggered;
    order.info.status_time = now;
    emit_order(order.info);
    if (order.group != 0) {
      const std::vector<std::uint64_t> oids(acc.open.begin(), acc.open.end());
      for (std::uint64_t other : oids)
        if (other != oid && live.contains(other) && live.at(other).group == order.group)
          finish(other, OrderState::SiblingFilledCanceled, now);
    }
    order.info.state = OrderState::Open;
    order.info.tif = order.info.trigger->is_market ? Tif::Ioc : Tif::Gtc;
    take(order, order.info.limit_px, now);
    if (order.info.sz == 0)
      finish(oid, OrderState::Filled, now);
    else if (order.info.tif == Tif::Ioc)
      finish(oid, OrderState::Canceled, now);
    else
      rest(order);
  }
}

int Engine::Impl::run_scheduled_cancels(TimeMs wall_now, TimeMs stamp) {
  int fired = 0;
  const TimeMs day = wall_now / core::kDayMs;
  for (auto& [user, acc] : accounts) {
    if (!acc.scheduled_cancel || *acc.scheduled_cancel > wall_now) continue;
    acc.scheduled_cancel.reset();
    if (acc.cancels_fired_day != day) {
      acc.cancels_fired_day = day;
      acc.cancels_fired_today = 0;
    }
    ++acc.cancels_fired_today;
    ++fired;
    cancel_user_orders(acc, std::nullopt, OrderState::ScheduledCancel, stamp);
  }
  return fired;
}

void Engine::Impl::flush_book_events() {
  for (std::size_t a = 0; a < book_dirty.size(); ++a) {
    if (!book_dirty[a]) continue;
    book_dirty[a] = 0;
    events.emplace_back(BookEvent{static_cast<int>(a)});
  }
}

}  // namespace organism::exchange::sim

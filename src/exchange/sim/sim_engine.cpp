// The Engine's public face: actions in, statuses out, queries over the state of engine_impl.hpp.
// Every call ends by settling flat positions and emitting one BookEvent per changed book.
#include "exchange/sim/sim_engine.hpp"

#include <algorithm>
#include <cstdlib>

#include "exchange/sim/engine_impl.hpp"
#include "exchange/sim/engine_texts.hpp"

namespace organism::exchange::sim {

Engine::Engine(std::vector<AssetSpec> assets, EngineConfig config)
    : impl_(std::make_unique<Impl>(std::move(assets), config)) {}
Engine::~Engine() = default;
Engine::Engine(Engine&&) noexcept = default;
Engine& Engine::operator=(Engine&&) noexcept = default;

const std::vector<AssetSpec>& Engine::assets() const { return impl_->assets; }
const EngineConfig& Engine::config() const { return impl_->config; }

std::optional<int> Engine::asset_of(std::string_view coin) const {
  for (std::size_t i = 0; i < impl_->assets.size(); ++i)
    if (impl_->assets[i].coin == coin) return static_cast<int>(i);
  return std::nullopt;
}

bool Engine::has_account(const Address& user) const { return impl_->accounts.contains(user); }

bool Engine::ensure_account(const Address& user) {
  const bool existed = has_account(user);
  impl_->account(user);
  return !existed;
}

void Engine::on_market(int asset, const MarketTick& tick) {
  Impl& im = *impl_;
  im.require_known(asset);
  AssetState& book = im.books[static_cast<std::size_t>(asset)];
  book.tick = MarketTick{tick.time, tick.price, tick.mark_px, tick.oracle_px, {}, {}, {}};
  book.has_tick = true;
  book.syn_bids = tick.bids;
  book.syn_asks = tick.asks;
  im.book_dirty[static_cast<std::size_t>(asset)] = 1;
  for (const auto& p : tick.prints) {
    std::string hash;
    const std::uint64_t tid = im.new_tid(0, 0, hash);
    const Address mm = market_maker_address();
    im.print_trade(asset, p.buy_aggressor, p.px, p.sz, tick.time, tid, hash, mm, mm);
  }
  im.fill_resting_on_tick(asset, tick.time);
  im.fire_triggers(asset, tick.time);
  im.settle_pending(tick.time);
  im.check_liquidations(tick.time);
  im.settle_pending(tick.time);
  im.flush_book_events();
}

void Engine::on_clock(TimeMs /*now*/) { impl_->flush_book_events(); }

int Engine::fire_scheduled_cancels(TimeMs wall_now, TimeMs stamp) {
  const int fired = impl_->run_scheduled_cancels(wall_now, stamp);
  impl_->flush_book_events();
  return fired;
}

std::vector<OrderStatus> Engine::place(const Address& user, std::span<const OrderRequest> orders,
                                       Grouping grouping, TimeMs now) {
  Impl& im = *impl_;
  im.account(user);
  std::vector<OrderStatus> out;
  if (grouping == Grouping::NormalTpsl && !orders.empty()) {
    // The first order is the parent; its TP/SL children wait for it to fill completely.
    out.push_back(im.place_one(user, orders[0], now, 0, 0, false));
    const OrderStatus parent = out.front();  // a copy: out grows below
    const bool resting = parent.kind == OrderStatus::Kind::Resting && im.live.contains(parent.oid);
    const bool filled = parent.kind == OrderStatus::Kind::Filled && parent.total_sz == orders[0].sz;
    for (std::size_t i = 1; i < orders.size(); ++i) {
      if (!resting && !filled) {
        OrderStatus error;
        error.cloid = orders[i].cloid;
        error.error = texts::kParentNotPlaced;
        out.push_back(error);
        continue;
      }
      out.push_back(
          im.place_one(user, orders[i], now, resting ? parent.oid : 0, parent.oid, false));
    }
  } else {
    const std::uint64_t group = grouping == Grouping::PositionTpsl ? im.next_oid : 0;
    for (const OrderRequest& order : orders)
      out.push_back(im.place_one(user, order, now, 0, group, grouping == Grouping::PositionTpsl));
  }
  im.settle_pending(now);
  im.flush_book_events();
  return out;
}

static CancelStatus cancel_live(Engine::Impl& im, const Address& user, int asset, std::uint64_t oid,
                                TimeMs now) {
  auto it = im.live.find(oid);
  if (it == im.live.end() || it->second.info.user != user || it->second.info.asset != asset)
    return {false, std::string(texts::kCancelMissing)};
  im.finish(oid, OrderState::Canceled, now);
  return {true, {}};
}

std::vector<CancelStatus> Engine::cancel(const Address& user,
                                         std::span<const CancelRequest> cancels, TimeMs now) {
  std::vector<CancelStatus> out;
  for (const CancelRequest& c : cancels)
    out.push_back(cancel_live(*impl_, user, c.asset, c.oid, now));
  impl_->flush_book_events();
  return out;
}

std::vector<CancelStatus> Engine::cancel_by_cloid(const Address& user,
                                                  std::span<const CancelByCloidRequest> cancels,
                                                  TimeMs now) {
  std::vector<CancelStatus> out;
  auto acc = impl_->accounts.find(user);
  for (const CancelByCloidRequest& c : cancels) {
    std::uint64_t oid = 0;
    if (acc != impl_->accounts.end()) {
      if (auto it = acc->second.live_cloids.find(c.cloid); it != acc->second.live_cloids.end())
        oid = it->second;
    }
    out.push_back(cancel_live(*impl_, user, c.asset, oid, now));
  }
  impl_->flush_book_events();
  return out;
}

// Modify = cancel + a new order with a new oid (PROTOCOL §5.5). The old order is canceled first,
// so the new one may reuse its cloid and its margin; a new order that fails validation leaves
// the old one canceled (docs/exchange-sim.md lists this difference).
std::vector<OrderStatus> Engine::modify(const Address& user,
                                        std::span<const ModifyRequest> modifies, TimeMs now) {
  Impl& im = *impl_;
  Account& acc = im.account(user);
  std::vector<OrderStatus> out;
  for (const ModifyRequest& m : modifies) {
    std::uint64_t oid = 0;
    if (const auto* id = std::get_if<std::uint64_t>(&m.target)) {
      oid = *id;
    } else if (auto it = acc.live_cloids.find(std::get<std::string>(m.target));
               it != acc.live_cloids.end()) {
      oid = it->second;
    }
    auto it = im.live.find(oid);
    if (it == im.live.end() || it->second.info.user != user) {
      OrderStatus error;
      error.error = texts::kCancelMissing;
      out.push_back(error);
      continue;
    }
    const bool position_tpsl = it->second.info.is_position_tpsl;
    im.finish(oid, OrderState::Canceled, now);
    out.push_back(im.place_one(user, m.order, now, 0, 0, position_tpsl));
  }
  im.settle_pending(now);
  im.flush_book_events();
  return out;
}

std::string Engine::update_leverage(const Address& user, int asset, bool cross, int leverage) {
  Impl& im = *impl_;
  if (asset < 0 || static_cast<std::size_t>(asset) >= im.assets.size())
    return std::string(texts::kBadAsset);
  const AssetSpec& spec = im.assets[static_cast<std::size_t>(asset)];
  if (leverage < 1 || leverage > spec.max_leverage) return std::string(texts::kBadLeverage);
  if (cross && spec.only_isolated) return std::string(texts::kCrossNotAllowed);
  Account& acc = im.account(user);
  const LeverageSetting before = im.leverage_of(acc, asset);
  auto pos = acc.positions.find(asset);
  if (pos != acc.positions.end()) {
    if (before.cross != cross) return std::string(texts::kSwitchLeverageType);
    const double m = im.mark(asset) > 0 ? im.mark(asset) : pos->second.entry_px;
    const double ntl = to_double(std::abs(pos->second.szi)) * m;
    if (cross) {
      const double change = ntl / leverage - ntl / before.leverage;
      if (change > 0 && change > im.free_cross_margin(acc) + 1e-9)
        return std::string(texts::kLeverageMargin);
    } else {
      const double value =
          pos->second.iso_margin + to_double(pos->second.szi) * (m - pos->second.entry_px);
      if (value < ntl / leverage - 1e-9) return std::string(texts::kLeverageMargin);
    }
  }
  acc.leverage[asset] = {cross, leverage};
  return {};
}

std::string Engine::update_isolated_margin(const Address& user, int asset, std::int64_t ntli) {
  Impl& im = *impl_;
  Account& acc = im.account(user);
  auto pos = acc.positions.find(asset);
  if (pos == acc.positions.end() || im.leverage_of(acc, asset).cross)
    return std::string(texts::kNoIsolatedPosition);
  const double amount = static_cast<double>(ntli) / 1e6;
  if (amount > 0 && amount > im.free_cross_margin(acc) + 1e-9) return std::string(texts::kMargin);
  if (amount < 0) {
    const LeverageSetting lev = im.leverage_of(acc, asset);
    const double m = im.mark(asset) > 0 ? im.mark(asset) : pos->second.entry_px;
    const double value =
        pos->second.iso_margin + to_double(pos->second.szi) * (m - pos->second.entry_px);
    if (value + amount < to_double(std::abs(pos->second.szi)) * m / lev.leverage - 1e-9)
      return std::string(texts::kIsolatedMarginRemoval);
  }
  pos->second.iso_margin += amount;
  acc.balance -= amount;
  return {};
}

std::string Engine::schedule_cancel(const Address& user, std::optional<TimeMs> when,
                                    TimeMs wall_now) {
  Account& acc = impl_->account(user);
  if (!when) {
    acc.scheduled_cancel.reset();
    return {};
  }
  if (*when < wall_now + 5000) return std::string(texts::kScheduleTooSoon);
  // "Max 10 triggers per UTC day" (PROTOCOL 5.7): refreshing the switch is free, a fired one
  // counts, so a trader refreshing every few seconds never runs out.
  if (acc.cancels_fired_day == wall_now / core::kDayMs &&
      acc.cancels_fired_today >= kMaxScheduledCancelsPerDay)
    return std::string(texts::kScheduleTooMany);
  acc.scheduled_cancel = *when;
  return {};
}

}  // namespace organism::exchange::sim

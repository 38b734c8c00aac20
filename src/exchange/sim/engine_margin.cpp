// The clearinghouse's margin model, kept close to Hyperliquid's:
// - initial margin of a position = |szi| x mark / leverage; maintenance = |szi| x mark / (2 x
//   maxLeverage), i.e. half the initial margin at the asset's maximum leverage;
// - cross account value = balance + unrealized pnl of the cross positions; an isolated position
//   holds its own margin (iso_margin), worth iso_margin + its unrealized pnl;
// - a new order must fit the free cross margin: account value - cross margin used - the margin
//   reserved by resting orders; only the part of an order that increases the position counts;
// - liquidation: when a cross account's value falls below its cross maintenance margin, every cross
//   position closes; when an isolated position's value falls below its maintenance, it closes. The
//   close is a taker fill at the mark (the backstop model), flagged liquidation, after the user's
//   resting orders on those assets are canceled (liquidatedCanceled);
// - fees and realized pnl settle to the cross balance, isolated positions included.
#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "exchange/sim/engine_impl.hpp"

namespace organism::exchange::sim {

double Engine::Impl::mark(int asset) const {
  const AssetState& b = books[static_cast<std::size_t>(asset)];
  if (b.has_tick && b.tick.mark_px > 0) return b.tick.mark_px;
  return to_double(b.last_trade_px);
}

// A position is worth its mark; before the first tick it is worth its entry.
static double mark_of(const Engine::Impl& impl, int asset, const Position& pos) {
  const double m = impl.mark(asset);
  return m > 0 ? m : pos.entry_px;
}

double Engine::Impl::cross_account_value(const Account& acc) const {
  double value = acc.balance;
  for (const auto& [asset, pos] : acc.positions)
    if (leverage_of(acc, asset).cross)
      value += to_double(pos.szi) * (mark_of(*this, asset, pos) - pos.entry_px);
  return value;
}

double Engine::Impl::cross_margin_used(const Account& acc) const {
  double used = 0;
  for (const auto& [asset, pos] : acc.positions) {
    const LeverageSetting lev = leverage_of(acc, asset);
    if (lev.cross) used += to_double(std::abs(pos.szi)) * mark_of(*this, asset, pos) / lev.leverage;
  }
  return used;
}

double Engine::Impl::cross_maintenance(const Account& acc) const {
  double mm = 0;
  for (const auto& [asset, pos] : acc.positions)
    if (leverage_of(acc, asset).cross)
      mm += to_double(std::abs(pos.szi)) * mark_of(*this, asset, pos) * maintenance_rate(asset);
  return mm;
}

double Engine::Impl::free_cross_margin(const Account& acc) const {
  return cross_account_value(acc) - cross_margin_used(acc) - acc.order_margin;
}

double Engine::Impl::order_margin_needed(const Account& acc, const OrderRequest& req) const {
  auto it = acc.positions.find(req.asset);
  const Units szi = it == acc.positions.end() ? 0 : it->second.szi;
  const bool same_way = szi == 0 || (szi > 0) == req.is_buy;
  const Units increasing = same_way ? req.sz : std::max<Units>(0, req.sz - std::abs(szi));
  return notional(req.px, increasing) / leverage_of(acc, req.asset).leverage;
}

// The mark P at which the position's collateral C plus its pnl equals its maintenance:
//   C + szi (P - entry) = |szi| P r,  r = 1 / (2 maxLeverage)
//   => P = (szi entry - C) / (szi - |szi| r).
// C is the isolated margin, or for cross the account value without this position's pnl, less the
// other cross positions' maintenance (held at their current marks). No positive P: none.
std::optional<double> Engine::Impl::liquidation_px(const Account& acc, int asset) const {
  const Position& pos = acc.positions.at(asset);
  const double szi = to_double(pos.szi), r = maintenance_rate(asset);
  double collateral = pos.iso_margin;
  if (leverage_of(acc, asset).cross) {
    const double own_mm = std::abs(szi) * mark_of(*this, asset, pos) * r;
    collateral = cross_account_value(acc) - szi * (mark_of(*this, asset, pos) - pos.entry_px) -
                 (cross_maintenance(acc) - own_mm);
  }
  const double px = (szi * pos.entry_px - collateral) / (szi - std::abs(szi) * r);
  if (!std::isfinite(px) || px <= 0) return std::nullopt;
  return px;
}

void Engine::Impl::check_liquidations(TimeMs now) {
  for (auto& [user, acc] : accounts) {
    if (acc.positions.empty()) continue;
    std::vector<int> cross_assets, isolated_assets;
    for (const auto& [asset, pos] : acc.positions) {
      if (leverage_of(acc, asset).cross) {
        cross_assets.push_back(asset);
        continue;
      }
      const double m = mark_of(*this, asset, pos);
      const double value = pos.iso_margin + to_double(pos.szi) * (m - pos.entry_px);
      if (value < to_double(std::abs(pos.szi)) * m * maintenance_rate(asset))
        isolated_assets.push_back(asset);
    }
    if (!cross_assets.empty() && cross_account_value(acc) < cross_maintenance(acc))
      liquidate(user, acc, cross_assets, now);
    if (!isolated_assets.empty()) liquidate(user, acc, isolated_assets, now);
  }
}

void Engine::Impl::liquidate(const Address& user, Account& acc, const std::vector<int>& to_close,
                             TimeMs now) {
  double ntl = 0;
  for (int asset : to_close) {
    const Position& pos = acc.positions.at(asset);
    ntl += to_double(std::abs(pos.szi)) * mark_of(*this, asset, pos);
  }
  events.emplace_back(LiquidationEvent{user, next_lid++, ntl, cross_account_value(acc)});
  for (int asset : to_close) {
    cancel_user_orders(acc, asset, OrderState::LiquidatedCanceled, now);
    auto it = acc.positions.find(asset);
    if (it == acc.positions.end()) continue;
    const Units szi = it->second.szi;
    const Units px = std::llround(mark_of(*this, asset, it->second) * kUnitsPerOne);
    std::string hash;
    const std::uint64_t oid = next_oid++;
    const std::uint64_t tid = new_tid(oid, 0, hash);
    const bool buy = szi < 0;
    apply_fill(user, asset, buy, px, std::abs(szi), true, oid, std::nullopt, true, now, tid, hash);
    const Address mm = market_maker_address();
    print_trade(asset, buy, px, std::abs(szi), now, tid, hash, buy ? user : mm, buy ? mm : user);
  }
}

ClearinghouseState Engine::clearinghouse(const Address& user, TimeMs now) const {
  ClearinghouseState out;
  out.time = now;
  auto found = impl_->accounts.find(user);
  if (found == impl_->accounts.end()) return out;
  const Account& acc = found->second;
  const Impl& im = *impl_;
  const double cross_value = im.cross_account_value(acc);
  double total_value = cross_value, iso_used = 0, cross_ntl = 0, all_ntl = 0, cross_szi_mark = 0,
         all_szi_mark = 0;
  for (const auto& [asset, pos] : acc.positions) {
    const LeverageSetting lev = im.leverage_of(acc, asset);
    const double m = mark_of(im, asset, pos), szi = to_double(pos.szi);
    PositionView v;
    v.asset = asset;
    v.szi = pos.szi;
    v.entry_px = pos.entry_px;
    v.cross = lev.cross;
    v.leverage = lev.leverage;
    v.position_value = std::abs(szi) * m;
    v.unrealized_pnl = szi * (m - pos.entry_px);
    v.margin_used = lev.cross ? v.position_value / lev.leverage : pos.iso_margin + v.unrealized_pnl;
    v.raw_usd = lev.cross ? 0 : pos.iso_margin - szi * pos.entry_px;
    const double initial = std::abs(szi) * pos.entry_px / lev.leverage;
    v.return_on_equity = initial > 0 ? v.unrealized_pnl / initial : 0;
    v.max_leverage = im.assets[static_cast<std::size_t>(asset)].max_leverage;
    v.liquidation_px = im.liquidation_px(acc, asset);
    v.cum_funding_all = pos.cum_all;
    v.cum_funding_since_open = pos.cum_since_open;
    v.cum_funding_since_change = pos.cum_since_change;
    all_ntl += v.position_value;
    all_szi_mark += szi * m;
    if (lev.cross) {
      cross_ntl += v.position_value;
      cross_szi_mark += szi * m;
    } else {
      total_value += v.margin_used;
      iso_used += v.margin_used;
    }
    out.positions.push_back(v);
  }
  const double cross_used = im.cross_margin_used(acc);
  out.cross_margin_summary = {cross_value, cross_used, cross_ntl, cross_value - cross_szi_mark};
  out.margin_summary = {total_value, cross_used + iso_used, all_ntl, total_value - all_szi_mark};
  out.cross_maintenance_margin_used = im.cross_maintenance(acc);
  out.withdrawable = std::max(0.0, cross_value - cross_used);
  return out;
}

void Engine::settle_funding(int asset, double rate, TimeMs time) {
  Impl& im = *impl_;
  im.require_known(asset);
  im.books[static_cast<std::size_t>(asset)].funding_rate = rate;
  for (auto& [user, acc] : im.accounts) {
    auto it = acc.positions.find(asset);
    if (it == acc.positions.end()) continue;
    Position& pos = it->second;
    // Longs pay when the rate is positive: payment = -szi x mark x rate.
    const double usdc = -to_double(pos.szi) * mark_of(im, asset, pos) * rate;
    if (im.leverage_of(acc, asset).cross)
      acc.balance += usdc;
    else
      pos.iso_margin += usdc;
    pos.cum_all -= usdc;
    pos.cum_since_open -= usdc;
    pos.cum_since_change -= usdc;
    FundingPayment payment{user, asset, usdc, pos.szi, rate, time};
    acc.fundings.push_back(payment);
    im.events.emplace_back(FundingEvent{payment});
  }
  im.check_liquidations(time);
  im.settle_pending(time);
  im.flush_book_events();
}

}  // namespace organism::exchange::sim

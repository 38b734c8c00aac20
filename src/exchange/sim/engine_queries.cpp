// Read-only views of the engine for the info endpoints and feeds: orders, fills, the merged
// book, the asset context; and the event queue the feeds drain.
#include <algorithm>
#include <cstdlib>

#include "exchange/sim/engine_impl.hpp"

namespace organism::exchange::sim {

std::vector<OrderInfo> Engine::open_orders(const Address& user) const {
  std::vector<OrderInfo> out;
  auto acc = impl_->accounts.find(user);
  if (acc == impl_->accounts.end()) return out;
  for (std::uint64_t oid : acc->second.open) out.push_back(impl_->live.at(oid).info);
  return out;
}

std::vector<Fill> Engine::fills(const Address& user) const {
  auto acc = impl_->accounts.find(user);
  return acc == impl_->accounts.end() ? std::vector<Fill>{} : acc->second.fills;
}

std::vector<FundingPayment> Engine::fundings(const Address& user) const {
  auto acc = impl_->accounts.find(user);
  return acc == impl_->accounts.end() ? std::vector<FundingPayment>{} : acc->second.fundings;
}

std::optional<OrderInfo> Engine::order(const Address& user, std::uint64_t oid) const {
  if (auto it = impl_->live.find(oid); it != impl_->live.end() && it->second.info.user == user)
    return it->second.info;
  if (auto it = impl_->finished.find(oid); it != impl_->finished.end() && it->second.user == user)
    return it->second;
  return std::nullopt;
}

std::optional<OrderInfo> Engine::order_by_cloid(const Address& user, std::string_view cloid) const {
  auto acc = impl_->accounts.find(user);
  if (acc == impl_->accounts.end()) return std::nullopt;
  auto it = acc->second.all_cloids.find(std::string(cloid));
  if (it == acc->second.all_cloids.end()) return std::nullopt;
  return order(user, it->second);
}

namespace {

// Adds user orders (a price-keyed map walked best first) and synthetic levels into aggregated
// levels, best first, at most `depth`.
template <typename UserIt>
std::vector<Level> merge_side(const Engine::Impl& im, UserIt it, UserIt end,
                              const std::vector<Level>& synthetic, bool bids, std::size_t depth) {
  std::vector<Level> out;
  std::size_t si = 0;
  auto better = [bids](Units a, Units b) { return bids ? a > b : a < b; };
  while (out.size() < depth) {
    while (si < synthetic.size() && synthetic[si].sz <= 0) ++si;
    const bool have_user = it != end, have_syn = si < synthetic.size();
    if (!have_user && !have_syn) break;
    Units px = 0;
    if (have_user && have_syn)
      px = better(it->first, synthetic[si].px) ? it->first : synthetic[si].px;
    else
      px = have_user ? it->first : synthetic[si].px;
    Level level{px, 0, 0};
    if (have_user && it->first == px) {
      for (std::uint64_t oid : it->second) level.sz += im.live.at(oid).info.sz;
      level.n += static_cast<int>(it->second.size());
      ++it;
    }
    if (have_syn && synthetic[si].px == px) {
      level.sz += synthetic[si].sz;
      level.n += synthetic[si].n;
      ++si;
    }
    out.push_back(level);
  }
  return out;
}

}  // namespace

// Unknown assets (user input reaches these) give an empty book, context and price.
BookView Engine::book(int asset, std::size_t depth) const {
  if (!impl_->known(asset)) return BookView{asset, 0, {}, {}};
  const AssetState& b = impl_->books[static_cast<std::size_t>(asset)];
  BookView view;
  view.asset = asset;
  view.time = b.tick.time;
  view.bids = merge_side(*impl_, b.bids.rbegin(), b.bids.rend(), b.syn_bids, true, depth);
  view.asks = merge_side(*impl_, b.asks.begin(), b.asks.end(), b.syn_asks, false, depth);
  return view;
}

// What the engine knows of an asset's context; day volumes and the previous day's price belong to
// the market replay, which fills them in.
AssetContext Engine::context(int asset) const {
  if (!impl_->known(asset)) return {};
  const AssetState& b = impl_->books[static_cast<std::size_t>(asset)];
  AssetContext ctx;
  ctx.mark_px = impl_->mark(asset);
  ctx.oracle_px = b.tick.oracle_px;
  const auto bid = impl_->best_bid(asset), ask = impl_->best_ask(asset);
  if (bid && ask) ctx.mid_px = (to_double(*bid) + to_double(*ask)) / 2;
  ctx.funding = b.funding_rate;
  for (const auto& [user, acc] : impl_->accounts)
    if (auto it = acc.positions.find(asset); it != acc.positions.end() && it->second.szi > 0)
      ctx.open_interest += to_double(it->second.szi);
  return ctx;
}

Units Engine::last_price(int asset) const {
  if (!impl_->known(asset)) return 0;
  const AssetState& b = impl_->books[static_cast<std::size_t>(asset)];
  return b.has_tick ? b.tick.price : b.last_trade_px;
}

double Engine::cumulative_volume(const Address& user) const {
  auto acc = impl_->accounts.find(user);
  return acc == impl_->accounts.end() ? 0 : acc->second.volume;
}

std::vector<Event> Engine::drain_events() {
  std::vector<Event> out;
  out.swap(impl_->events);
  return out;
}

}  // namespace organism::exchange::sim

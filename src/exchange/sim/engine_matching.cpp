// Matching: a taker walks user orders and synthetic liquidity merged, best price first; resting
// orders the market price moved through fill as makers; every fill moves a position, the balance
// and the tape. Trade ids and hashes come from counters through SplitMix64: never random.
#include <algorithm>
#include <cstdlib>

#include "core/random.hpp"
#include "exchange/sim/engine_impl.hpp"

namespace organism::exchange::sim {

Address market_maker_address() {
  Address a;
  a.bytes[18] = 0x51;
  a.bytes[19] = 0x51;
  return a;
}

static Units position_of(const Account& acc, int asset) {
  auto it = acc.positions.find(asset);
  return it == acc.positions.end() ? 0 : it->second.szi;
}

std::optional<Units> Engine::Impl::best_bid(int asset) const {
  const AssetState& b = books[static_cast<std::size_t>(asset)];
  std::optional<Units> best;
  if (!b.bids.empty()) best = b.bids.rbegin()->first;
  for (const Level& l : b.syn_bids)
    if (l.sz > 0) {
      if (!best || l.px > *best) best = l.px;
      break;
    }
  return best;
}

std::optional<Units> Engine::Impl::best_ask(int asset) const {
  const AssetState& b = books[static_cast<std::size_t>(asset)];
  std::optional<Units> best;
  if (!b.asks.empty()) best = b.asks.begin()->first;
  for (const Level& l : b.syn_asks)
    if (l.sz > 0) {
      if (!best || l.px < *best) best = l.px;
      break;
    }
  return best;
}

bool Engine::Impl::crosses(int asset, bool is_buy, Units px) const {
  if (is_buy) {
    const auto ask = best_ask(asset);
    return ask && px >= *ask;
  }
  const auto bid = best_bid(asset);
  return bid && px <= *bid;
}

// tid: 50 bits (as the exchange's) of a mixed counter; hash: 32 bytes mixed from (tid, oids).
std::uint64_t Engine::Impl::new_tid(std::uint64_t taker_oid, std::uint64_t maker_oid,
                                    std::string& hash) {
  std::uint64_t state = next_trade++ * 0x9E3779B97F4A7C15ULL;
  const std::uint64_t tid = core::splitmix64(state) & ((std::uint64_t{1} << 50) - 1);
  std::uint64_t h = tid ^ (taker_oid * 0xD1B54A32D192ED03ULL) ^ (maker_oid << 17);
  static constexpr char kHex[] = "0123456789abcdef";
  hash.assign("0x");
  for (int word = 0; word < 4; ++word) {
    const std::uint64_t v = core::splitmix64(h);
    for (int nibble = 15; nibble >= 0; --nibble) hash.push_back(kHex[(v >> (4 * nibble)) & 0xF]);
  }
  return tid;
}

void Engine::Impl::print_trade(int asset, bool buy_aggressor, Units px, Units sz, TimeMs now,
                               std::uint64_t tid, const std::string& hash, const Address& buyer,
                               const Address& seller) {
  books[static_cast<std::size_t>(asset)].last_trade_px = px;
  events.emplace_back(
      TradeEvent{Trade{asset, buy_aggressor, px, sz, now, tid, hash, buyer, seller}});
}

static std::string direction(Units start, bool is_buy, Units sz) {
  if (is_buy) {
    if (start >= 0) return "Open Long";
    return sz <= -start ? "Close Short" : "Short > Long";
  }
  if (start <= 0) return "Open Short";
  return sz <= start ? "Close Long" : "Long > Short";
}

Fill Engine::Impl::apply_fill(const Address& user, int asset, bool is_buy, Units px, Units sz,
                              bool crossed, std::uint64_t oid,
                              const std::optional<std::string>& cloid, bool liquidation, TimeMs now,
                              std::uint64_t tid, const std::string& hash) {
  Account& acc = accounts.at(user);
  const LeverageSetting lev = leverage_of(acc, asset);
  Position& pos = acc.positions[asset];
  const Units start = pos.szi;
  const double ntl = notional(px, sz);
  const double fee = ntl * (crossed ? config.taker_fee : config.maker_fee);
  const double price = to_double(px);
  double closed_pnl = 0;
  const bool increases = start == 0 || (start > 0) == is_buy;
  if (increases) {
    const double held = to_double(std::abs(start));
    pos.entry_px = (held * pos.entry_px + to_double(sz) * price) / (held + to_double(sz));
    if (!lev.cross) {
      pos.iso_margin += ntl / lev.leverage;
      acc.balance -= ntl / lev.leverage;
    }
  } else {
    const Units closed = std::min(sz, std::abs(start));
    closed_pnl = (price - pos.entry_px) * to_double(closed) * (start > 0 ? 1 : -1);
    if (!lev.cross) {
      const double release = pos.iso_margin * to_double(closed) / to_double(std::abs(start));
      pos.iso_margin -= release;
      acc.balance += release;
    }
    if (sz > std::abs(start)) {  // flips: the rest opens a new position at this price
      const double opened = notional(px, sz - std::abs(start));
      pos.entry_px = price;
      pos.cum_since_open = 0;
      if (!lev.cross) {
        pos.iso_margin += opened / lev.leverage;
        acc.balance -= opened / lev.leverage;
      }
    }
  }
  pos.szi = start + (is_buy ? sz : -sz);
  pos.cum_since_change = 0;
  acc.balance += closed_pnl - fee;
  acc.volume += ntl;
  if (pos.szi == 0) {
    acc.balance += pos.iso_margin;
    acc.positions.erase(asset);
    closed_positions.emplace_back(user, asset);
  }
  Fill fill{user,       asset, px,  sz,      is_buy, now, start, direction(start, is_buy, sz),
            closed_pnl, hash,  oid, crossed, fee,    tid, cloid, liquidation};
  acc.fills.push_back(fill);
  events.emplace_back(FillEvent{fill});
  return fill;
}

// Reduce-only orders never trade more than the position they reduce; `room` is what they may.
static Units reduce_room(const Account& acc, const OrderInfo& o) {
  if (!o.reduce_only) return o.sz;
  const Units szi = position_of(acc, o.asset);
  if (szi == 0 || (szi > 0) == o.is_buy) return 0;
  return std::min(o.sz, std::abs(szi));
}

static void release_margin(Account& acc, LiveOrder& order, Units before) {
  if (order.reserved_margin == 0 || before == 0) return;
  const double kept = order.reserved_margin * to_double(order.info.sz) / to_double(before);
  acc.order_margin = std::max(0.0, acc.order_margin - (order.reserved_margin - kept));
  order.reserved_margin = kept;
}

Engine::Impl::Taken Engine::Impl::take(LiveOrder& taker, Units limit_px, TimeMs now) {
  const int asset = taker.info.asset;
  AssetState& book = books[static_cast<std::size_t>(asset)];
  const bool buy = taker.info.is_buy;
  const Address user = taker.info.user;
  auto& side = buy ? book.asks : book.bids;
  auto& synthetic = buy ? book.syn_asks : book.syn_bids;
  std::size_t si = 0;
  Taken out;
  while (taker.info.sz > 0) {
    const Units room = reduce_room(accounts.at(user), taker.info);
    if (room == 0) break;
    while (si < synthetic.size() && synthetic[si].sz <= 0) ++si;
    const bool have_user = !side.empty(), have_syn = si < synthetic.size();
    if (!have_user && !have_syn) break;
    const Units user_px = have_user ? (buy ? side.begin()->first : side.rbegin()->first) : 0;
    // At an equal price user orders go first: they were there before the market refreshed.
    const bool use_user =
        have_user &&
        (!have_syn || (buy ? user_px <= synthetic[si].px : user_px >= synthetic[si].px));
    const Units px = use_user ? user_px : synthetic[si].px;
    if (buy ? px > limit_px : px < limit_px) break;
    Units qty = 0;
    std::string hash;
    if (use_user) {
      const std::uint64_t maker_oid = (buy ? side.begin() : std::prev(side.end()))->second.front();
      LiveOrder& maker = live.at(maker_oid);
      if (maker.info.user == user) {  // no self-trade: the resting order goes (PROTOCOL is silent)
        finish(maker_oid, OrderState::SelfTradeCanceled, now);
        continue;
      }
      Account& maker_acc = accounts.at(maker.info.user);
      const Units maker_room = reduce_room(maker_acc, maker.info);
      if (maker_room == 0) {
        finish(maker_oid, OrderState::ReduceOnlyCanceled, now);
        continue;
      }
      qty = std::min(room, maker_room);
      const Units before = maker.info.sz;
      maker.info.sz -= qty;
      release_margin(maker_acc, maker, before);
      const std::uint64_t tid = new_tid(taker.info.oid, maker_oid, hash);
      apply_fill(user, asset, buy, px, qty, true, taker.info.oid, taker.info.cloid, false, now, tid,
                 hash);
      apply_fill(maker.info.user, asset, !buy, px, qty, false, maker_oid, maker.info.cloid, false,
                 now, tid, hash);
      print_trade(asset, buy, px, qty, now, tid, hash, buy ? user : maker.info.user,
                  buy ? maker.info.user : user);
      if (maker.info.sz == 0)
        finish(maker_oid, OrderState::Filled, now);
      else if (maker.info.reduce_only && reduce_room(maker_acc, maker.info) == 0)
        finish(maker_oid, OrderState::ReduceOnlyCanceled, now);
    } else {
      qty = std::min(room, synthetic[si].sz);
      synthetic[si].sz -= qty;
      const std::uint64_t tid = new_tid(taker.info.oid, 0, hash);
      apply_fill(user, asset, buy, px, qty, true, taker.info.oid, taker.info.cloid, false, now, tid,
                 hash);
      const Address mm = market_maker_address();
      print_trade(asset, buy, px, qty, now, tid, hash, buy ? user : mm, buy ? mm : user);
    }
    const Units before = taker.info.sz;
    taker.info.sz -= qty;
    release_margin(accounts.at(user), taker, before);
    out.sz += qty;
    out.notional += notional(px, qty);
    book_dirty[static_cast<std::size_t>(asset)] = 1;
  }
  return out;
}

// The rule for resting orders and the moving price: a resting buy at L fills in full at L, as a
// maker, once a tick's price is at or below L (a sell: at or above L); best price first, FIFO
// within a price. The market's own flow is the counterparty and prints the trade as aggressor.
void Engine::Impl::fill_resting_on_tick(int asset, TimeMs now) {
  AssetState& book = books[static_cast<std::size_t>(asset)];
  const Units price = book.tick.price;
  for (const bool buy : {true, false}) {
    auto& side = buy ? book.bids : book.asks;
    while (!side.empty()) {
      const auto level = buy ? std::prev(side.end()) : side.begin();
      if (buy ? level->first < price : level->first > price) break;
      const std::uint64_t oid = level->second.front();
      LiveOrder& order = live.at(oid);
      Account& acc = accounts.at(order.info.user);
      const Units qty = reduce_room(acc, order.info);
      if (qty > 0) {
        const Units before = order.info.sz;
        order.info.sz -= qty;
        release_margin(acc, order, before);
        std::string hash;
        const std::uint64_t tid = new_tid(0, oid, hash);
        apply_fill(order.info.user, asset, buy, level->first, qty, false, oid, order.info.cloid,
                   false, now, tid, hash);
        const Address mm = market_maker_address();
        print_trade(asset, !buy, level->first, qty, now, tid, hash, buy ? order.info.user : mm,
                    buy ? mm : order.info.user);
      }
      finish(oid, order.info.sz == 0 ? OrderState::Filled : OrderState::ReduceOnlyCanceled, now);
    }
  }
}

}  // namespace organism::exchange::sim

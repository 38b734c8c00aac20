// A small engine for the matching-engine tests: one ETH-like asset (szDecimals 4, max leverage
// 50) with a synthetic book at 1999.5 / 2000.5 around a 2000 mark. Used by sim_engine_*_test.cpp.
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "exchange/sim/sim_engine.hpp"

namespace organism::exchange::sim::testing {

inline Units u(double x) { return std::llround(x * 1e8); }

inline Address user_a() { return *Address::parse("0x1111111111111111111111111111111111111111"); }
inline Address user_b() { return *Address::parse("0x2222222222222222222222222222222222222222"); }

inline constexpr TimeMs kT0 = 1'700'000'000'000;

inline std::vector<AssetSpec> eth_only() { return {AssetSpec{"ETH", 4, 50, false}}; }

// price = mark = oracle; levels as {px, sz} pairs, best first.
inline MarketTick tick(TimeMs t, double price, std::vector<std::pair<double, double>> bids,
                       std::vector<std::pair<double, double>> asks, double mark = 0) {
  MarketTick k;
  k.time = t;
  k.price = u(price);
  k.mark_px = mark > 0 ? mark : price;
  k.oracle_px = k.mark_px;
  for (auto [px, sz] : bids) k.bids.push_back({u(px), u(sz), 1});
  for (auto [px, sz] : asks) k.asks.push_back({u(px), u(sz), 1});
  return k;
}
inline MarketTick base_tick(TimeMs t = kT0) {
  return tick(t, 2000, {{1999.5, 1}, {1999, 2}}, {{2000.5, 1}, {2001, 2}});
}

inline OrderRequest limit(bool buy, double px, double sz, Tif tif = Tif::Gtc,
                          bool reduce_only = false) {
  OrderRequest r;
  r.asset = 0;
  r.is_buy = buy;
  r.px = u(px);
  r.sz = u(sz);
  r.tif = tif;
  r.reduce_only = reduce_only;
  return r;
}
inline OrderRequest trigger(bool buy, double trigger_px, double px, double sz, bool take_profit,
                            bool is_market = true) {
  OrderRequest r = limit(buy, px, sz, Tif::Gtc, true);
  r.trigger = Trigger{is_market, u(trigger_px), take_profit};
  return r;
}

inline OrderStatus place1(Engine& e, const Address& who, const OrderRequest& r, TimeMs now = kT0) {
  const std::vector<OrderRequest> one{r};
  return e.place(who, one, Grouping::Na, now).at(0);
}

inline Engine make_engine(double balance = 100000) {
  EngineConfig c;
  c.starting_balance = balance;
  Engine e(eth_only(), c);
  e.on_market(0, base_tick());
  e.drain_events();
  return e;
}

template <typename T>
std::vector<T> events_of(const std::vector<Event>& events) {
  std::vector<T> out;
  for (const Event& ev : events)
    if (const T* x = std::get_if<T>(&ev)) out.push_back(*x);
  return out;
}

}  // namespace organism::exchange::sim::testing

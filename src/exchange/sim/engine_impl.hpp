// The engine's private state and the helpers its source files share (orders, matching, margin,
// state file). Internal to src/exchange/sim/: only the Engine's own .cpp files include it.
#pragma once

#include <cstdint>
#include <list>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "exchange/sim/sim_engine.hpp"

namespace organism::exchange::sim {

inline constexpr double kUnitsPerOne = 1e8;
inline double to_double(Units u) { return static_cast<double>(u) / kUnitsPerOne; }
// Notional of a price x size in USDC (both in 1e-8 units), exact enough for fees and margin.
inline double notional(Units px, Units sz) { return to_double(px) * to_double(sz); }

// A live order: resting on the book, waiting for its trigger, or a normalTpsl child waiting for
// its parent's fill. The book keeps oids in FIFO lists; `level_pos` finds this one in O(1).
struct LiveOrder {
  OrderInfo info;
  bool on_book = false;
  std::list<std::uint64_t>::iterator level_pos;
  std::uint64_t parent = 0;             // normalTpsl child: the parent it waits for (0: none)
  std::vector<std::uint64_t> children;  // normalTpsl parent: children waiting for its fill
  std::uint64_t group = 0;              // TP/SL siblings share a group; one firing cancels the rest
  double reserved_margin = 0;           // cross margin held by this resting order
};

using OrderFifo = std::list<std::uint64_t>;  // oids at one price, oldest first

struct AssetState {
  // One key type for both sides: best bid = last bid key, best ask = first ask key.
  std::map<Units, OrderFifo> bids, asks;
  std::vector<Level> syn_bids, syn_asks;  // synthetic liquidity left since the last tick
  std::set<std::uint64_t> triggers;       // trigger orders waiting for the mark (oid order)
  MarketTick tick;                        // the last tick (its levels are not kept here)
  bool has_tick = false;
  double funding_rate = 0;
  Units last_trade_px = 0;
};

struct Position {
  Units szi = 0;
  double entry_px = 0;
  double iso_margin = 0;  // isolated only: USDC held by the position (its rawUsd + szi x entry)
  double cum_all = 0, cum_since_open = 0, cum_since_change = 0;  // funding paid (positive = paid)
};
struct LeverageSetting {
  bool cross = true;
  int leverage = 20;
};

struct Account {
  double balance = 0;                       // cross collateral in USDC
  std::map<int, Position> positions;        // only non-zero positions
  std::map<int, LeverageSetting> leverage;  // explicit settings; absent = the default
  std::set<std::uint64_t> open;             // live oids, oldest first
  std::map<std::string, std::uint64_t> live_cloids;
  std::map<std::string, std::uint64_t> all_cloids;  // the latest oid per cloid, for orderStatus
  std::vector<Fill> fills;
  std::vector<FundingPayment> fundings;
  double order_margin = 0;  // sum of reserved_margin of the resting orders
  double volume = 0;        // USDC traded
  // The dead man's switch, in wall-clock ms (Engine::schedule_cancel): when it fires, and how
  // many fired on the UTC day cancels_fired_day (the exchange's limit counts triggers, not sets).
  std::optional<TimeMs> scheduled_cancel;
  TimeMs cancels_fired_day = 0;
  int cancels_fired_today = 0;
};

struct Engine::Impl {
  std::vector<AssetSpec> assets;
  EngineConfig config;
  std::vector<AssetState> books;
  std::map<Address, Account> accounts;
  std::unordered_map<std::uint64_t, LiveOrder> live;  // looked up only; never iterated to output
  std::unordered_map<std::uint64_t, OrderInfo> finished;  // looked up only; sorted when saved
  std::uint64_t next_oid = 1, next_trade = 1, next_lid = 1;
  std::vector<Event> events;
  std::vector<char> book_dirty;  // per asset: emit one BookEvent at the end of the call

  Impl(std::vector<AssetSpec> a, EngineConfig c);
  bool known(int asset) const {
    return asset >= 0 && static_cast<std::size_t>(asset) < assets.size();
  }
  // The market side's entry check: an unknown asset there is a caller's bug, not user input.
  void require_known(int asset) const {
    if (!known(asset)) throw std::out_of_range("sim engine: no asset " + std::to_string(asset));
  }

  // --- orders (engine_orders.cpp) ---
  Account& account(const Address& user);  // opens it with the starting balance if new
  LeverageSetting leverage_of(const Account& acc, int asset) const;
  OrderStatus place_one(const Address& user, const OrderRequest& req, TimeMs now,
                        std::uint64_t parent, std::uint64_t group, bool position_tpsl);
  std::optional<std::string> validate(const Account& acc, const OrderRequest& req,
                                      bool position_tpsl) const;
  void rest(LiveOrder& order);    // puts a live order on its book level
  void unlink(LiveOrder& order);  // takes it off the book (and the trigger set)
  void finish(std::uint64_t oid, OrderState state, TimeMs now);  // live -> finished, with event
  void cancel_children(LiveOrder& parent, TimeMs now);
  void activate_children(std::uint64_t parent_oid, TimeMs now);
  void cancel_user_orders(Account& acc, std::optional<int> asset, OrderState state, TimeMs now);
  // Positions that went flat during matching; their reduce-only and position TP/SL orders are
  // canceled by settle_pending() once the book walk is over (never under a live book iterator).
  std::vector<std::pair<Address, int>> closed_positions;
  void settle_pending(TimeMs now);
  void fire_triggers(int asset, TimeMs now);
  int run_scheduled_cancels(TimeMs wall_now, TimeMs stamp);
  void emit_order(const OrderInfo& info) { events.emplace_back(OrderUpdateEvent{info}); }
  void flush_book_events();

  // --- matching (engine_matching.cpp) ---
  struct Taken {
    Units sz = 0;
    double notional = 0;
  };
  // The taker walks the merged book up to `limit_px`; user orders first at an equal price.
  Taken take(LiveOrder& taker, Units limit_px, TimeMs now);
  bool crosses(int asset, bool is_buy, Units px) const;
  std::optional<Units> best_bid(int asset) const;
  std::optional<Units> best_ask(int asset) const;
  void fill_resting_on_tick(int asset, TimeMs now);
  // Books one side of a trade; returns the fill it recorded.
  Fill apply_fill(const Address& user, int asset, bool is_buy, Units px, Units sz, bool crossed,
                  std::uint64_t oid, const std::optional<std::string>& cloid, bool liquidation,
                  TimeMs now, std::uint64_t tid, const std::string& hash);
  void print_trade(int asset, bool buy_aggressor, Units px, Units sz, TimeMs now, std::uint64_t tid,
                   const std::string& hash, const Address& buyer, const Address& seller);
  std::uint64_t new_tid(std::uint64_t taker_oid, std::uint64_t maker_oid, std::string& hash);

  // --- margin (engine_margin.cpp) ---
  double mark(int asset) const;
  double maintenance_rate(int asset) const {
    return 0.5 / assets[static_cast<std::size_t>(asset)].max_leverage;
  }
  double cross_account_value(const Account& acc) const;
  double cross_margin_used(const Account& acc) const;
  double cross_maintenance(const Account& acc) const;
  double free_cross_margin(const Account& acc) const;
  double order_margin_needed(const Account& acc, const OrderRequest& req) const;
  std::optional<double> liquidation_px(const Account& acc, int asset) const;
  void check_liquidations(TimeMs now);
  void liquidate(const Address& user, Account& acc, const std::vector<int>& assets_to_close,
                 TimeMs now);
};

}  // namespace organism::exchange::sim

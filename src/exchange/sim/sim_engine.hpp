// The simulated clearinghouse and matching engine: user orders in price-time books merged with
// the market model's synthetic liquidity, cross and isolated margin, maker/taker fees, funding,
// liquidation, TP/SL triggers and the dead man's switch. Pure: no I/O, no clock of its own (every
// call takes the market time), no randomness (the market replay brings the seeded parts).
// Used by the exchange simulator's API (src/exchange/sim_api/) and the matching benchmark.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "exchange/sim/engine_types.hpp"

namespace organism::exchange::sim {

// "Max 10 triggers per UTC day" of scheduleCancel (PROTOCOL 5.7).
inline constexpr int kMaxScheduledCancelsPerDay = 10;

struct EngineConfig {
  double taker_fee = 0.00045;          // Hyperliquid's base tier
  double maker_fee = 0.00015;
  double starting_balance = 100000;    // USDC for every address the first time it signs
  double min_order_value = 10;         // "Order must have minimum value of $10."
  int default_leverage = 20;           // cross, capped at the asset's max
  std::size_t max_open_orders = 1000;  // per user
};

// One step of the market model for one asset: where the price is and the liquidity around it.
struct MarketTick {
  TimeMs time = 0;
  Units price = 0;     // last trade / mid
  double mark_px = 0;  // TP/SL triggers and margin use the mark
  double oracle_px = 0;
  std::vector<Level> bids, asks;  // the synthetic book, best first; replaces the previous one
  // The market's own trades since the previous tick (market_prints.hpp): printed on the tape
  // between the market maker and itself, before user orders react to the tick.
  struct Print {
    bool buy_aggressor = true;
    Units px = 0;
    Units sz = 0;
  };
  std::vector<Print> prints;
};

// The counterparty of every fill against synthetic liquidity (0x…5151), as trade prints show it.
Address market_maker_address();

class Engine {
 public:
  Engine(std::vector<AssetSpec> assets, EngineConfig config);
  ~Engine();
  Engine(Engine&&) noexcept;
  Engine& operator=(Engine&&) noexcept;

  const std::vector<AssetSpec>& assets() const;
  std::optional<int> asset_of(std::string_view coin) const;
  const EngineConfig& config() const;

  // --- The market side (the replay calls these as market time passes) ---
  // New synthetic liquidity and prices, in this order: the tick's levels replace what was left
  // of the previous ones; a resting user buy at L fills in full at L as a maker once
  // tick.price <= L (a sell once tick.price >= L), best price first, FIFO within a price; TP/SL
  // triggers whose mark condition holds fire (a sell's tp at mark >= triggerPx, its sl at
  // mark <= triggerPx, mirrored for buys; market ones take liquidity down to p); accounts under
  // maintenance are liquidated at the mark; due scheduled cancels run.
  void on_market(int asset, const MarketTick& tick);
  // Settles one hourly funding: every position pays or receives notional(mark) x rate.
  void settle_funding(int asset, double rate, TimeMs time);
  // Market time moved to `now` without a tick: emits what is pending.
  void on_clock(TimeMs now);
  // The dead man's switch runs on the wall clock, not the market's (PROTOCOL 5.7, like nonces and
  // expiresAfter): every account whose scheduled cancel is due at `wall_now` has all its orders
  // canceled (state scheduledCancel, stamped `stamp`, the market time) and the switch cleared.
  // Returns how many fired; each counts toward its account's daily limit.
  int fire_scheduled_cancels(TimeMs wall_now, TimeMs stamp);

  // --- Accounts ---
  bool has_account(const Address& user) const;
  // Opens the account with config().starting_balance if new; true when it was created.
  bool ensure_account(const Address& user);

  // --- Actions (now = market time). Statuses align with the requests, except a batch-wide
  // pre-validation failure, which is a single Error status (PROTOCOL §5.2). ---
  std::vector<OrderStatus> place(const Address& user, std::span<const OrderRequest> orders, Grouping grouping,
                                 TimeMs now);
  std::vector<CancelStatus> cancel(const Address& user, std::span<const CancelRequest> cancels, TimeMs now);
  std::vector<CancelStatus> cancel_by_cloid(const Address& user, std::span<const CancelByCloidRequest> cancels,
                                            TimeMs now);
  std::vector<OrderStatus> modify(const Address& user, std::span<const ModifyRequest> modifies, TimeMs now);
  // Empty on success, else the exchange's error text (whole-request failures).
  std::string update_leverage(const Address& user, int asset, bool cross, int leverage);
  std::string update_isolated_margin(const Address& user, int asset, std::int64_t ntli /* 1e-6 USDC */);
  // Sets (or, with no time, clears) the account's dead man's switch; `wall_now` is the wall
  // clock. Refused under 5 s ahead, and once kMaxScheduledCancelsPerDay fired this UTC day.
  std::string schedule_cancel(const Address& user, std::optional<TimeMs> when, TimeMs wall_now);

  // --- Queries ---
  ClearinghouseState clearinghouse(const Address& user, TimeMs now) const;
  std::vector<OrderInfo> open_orders(const Address& user) const;  // resting and untriggered, oldest first
  std::vector<Fill> fills(const Address& user) const;             // oldest first
  std::vector<FundingPayment> fundings(const Address& user) const;
  std::optional<OrderInfo> order(const Address& user, std::uint64_t oid) const;
  std::optional<OrderInfo> order_by_cloid(const Address& user, std::string_view cloid) const;
  // User orders and synthetic liquidity merged, aggregated by price, up to `depth` levels a side.
  BookView book(int asset, std::size_t depth = 20) const;
  AssetContext context(int asset) const;
  Units last_price(int asset) const;
  double cumulative_volume(const Address& user) const;  // USDC traded, for userRateLimit

  // Everything that happened since the last call, in order.
  std::vector<Event> drain_events();

  // The whole state (accounts, orders, fills, ids, scheduled cancels, last market), for
  // --state-dir; from_json(to_json()) behaves exactly like the original.
  nlohmann::json to_json() const;
  static Engine from_json(const nlohmann::json& state, std::vector<AssetSpec> assets, EngineConfig config);

  // Opaque to users; defined in engine_impl.hpp for the engine's own source files.
  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace organism::exchange::sim

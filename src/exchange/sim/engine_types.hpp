// The simulated exchange's vocabulary: orders, statuses, fills, positions and the events the
// engine emits. Pure data, shared by the engine (sim_engine.hpp), the market replay, the JSON API
// (src/exchange/sim_api/) and the state file. Prices and sizes are exact 1e-8 units (hl::parse_units).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/time.hpp"
#include "exchange/hyperliquid/signing.hpp"

namespace organism::exchange::sim {

using core::TimeMs;
using hl::Address;
using Units = std::int64_t;  // 1e-8 of a coin or of a dollar

struct AssetSpec {
  std::string coin;
  int sz_decimals = 0;
  int max_leverage = 50;
  bool only_isolated = false;
};

enum class Tif { Gtc, Ioc, Alo };
struct Trigger {
  bool is_market = true;
  Units trigger_px = 0;
  bool take_profit = false;  // "tp"; false = "sl"
};

// One order of an `order` action, already parsed and checked for shape (not for tick, lot, margin:
// those are the engine's, with the exchange's error texts).
struct OrderRequest {
  int asset = 0;
  bool is_buy = true;
  Units px = 0;
  Units sz = 0;
  bool reduce_only = false;
  Tif tif = Tif::Gtc;                 // ignored for trigger orders
  std::optional<Trigger> trigger;
  std::optional<std::string> cloid;   // "0x" + 32 lower-case hex digits
};
enum class Grouping { Na, NormalTpsl, PositionTpsl };

// The per-order answer of order/modify (PROTOCOL §5.2).
struct OrderStatus {
  enum class Kind { Resting, Filled, Error, WaitingForFill, WaitingForTrigger };
  Kind kind = Kind::Error;
  std::uint64_t oid = 0;
  std::optional<std::string> cloid;
  Units total_sz = 0;   // Filled
  double avg_px = 0;    // Filled
  std::string error;    // Error: the exchange's exact text
};
// The per-cancel answer: ok ("success") or the exchange's error text.
struct CancelStatus {
  bool ok = false;
  std::string error;
};

struct CancelRequest {
  int asset = 0;
  std::uint64_t oid = 0;
};
struct CancelByCloidRequest {
  int asset = 0;
  std::string cloid;
};
struct ModifyRequest {
  std::variant<std::uint64_t, std::string> target;  // oid or cloid
  OrderRequest order;
};

// An order's status, with the wire names of PROTOCOL §3.10 (to_wire).
enum class OrderState {
  Open, Filled, Canceled, Triggered, Rejected, MarginCanceled, ReduceOnlyCanceled,
  SelfTradeCanceled, SiblingFilledCanceled, LiquidatedCanceled, ScheduledCancel
};
const char* to_wire(OrderState state);  // "open", "filled", "canceled", ..., "scheduledCancel"

// An order as the info endpoints and orderUpdates show it.
struct OrderInfo {
  std::uint64_t oid = 0;
  Address user;
  int asset = 0;
  bool is_buy = true;
  Units limit_px = 0;
  Units sz = 0;       // remaining
  Units orig_sz = 0;
  TimeMs timestamp = 0;
  bool reduce_only = false;
  Tif tif = Tif::Gtc;
  std::optional<Trigger> trigger;
  bool is_position_tpsl = false;
  std::optional<std::string> cloid;
  OrderState state = OrderState::Open;
  TimeMs status_time = 0;
  std::string order_type() const;  // "Limit", "Market", "Stop Market", "Stop Limit", "Take Profit Market", ...
};

struct Fill {
  Address user;
  int asset = 0;
  Units px = 0;
  Units sz = 0;
  bool is_buy = true;
  TimeMs time = 0;
  Units start_position = 0;  // signed size before this fill
  std::string dir;           // "Open Long", "Close Short", "Long > Short", ...
  double closed_pnl = 0;
  std::string hash;          // "0x" + 64 hex, deterministic
  std::uint64_t oid = 0;
  bool crossed = false;      // taker
  double fee = 0;            // USDC, negative = rebate
  std::uint64_t tid = 0;
  std::optional<std::string> cloid;
  bool liquidation = false;
};

// A print on the public tape (the trades feed): user fills and the market's own flow.
struct Trade {
  int asset = 0;
  bool buy_aggressor = true;  // side "B" when the buyer took liquidity
  Units px = 0;
  Units sz = 0;
  TimeMs time = 0;
  std::uint64_t tid = 0;
  std::string hash;
  Address buyer, seller;  // the market's own flow uses the simulator's market-maker address
};

struct FundingPayment {
  Address user;
  int asset = 0;
  double usdc = 0;  // signed: negative = paid
  Units szi = 0;
  double rate = 0;
  TimeMs time = 0;
};

struct Level {
  Units px = 0;
  Units sz = 0;
  int n = 0;  // orders at the level
};
struct BookView {
  int asset = 0;
  TimeMs time = 0;
  std::vector<Level> bids;  // best first
  std::vector<Level> asks;  // best first
};

// The market's state of one asset, as metaAndAssetCtxs shows it.
struct AssetContext {
  double mark_px = 0, oracle_px = 0, mid_px = 0, prev_day_px = 0;
  double funding = 0;             // current hourly rate
  double open_interest = 0;       // coins
  double day_ntl_vlm = 0, day_base_vlm = 0;
  double premium = 0;
};

struct PositionView {
  int asset = 0;
  Units szi = 0;
  double entry_px = 0;
  bool cross = true;
  int leverage = 20;
  double raw_usd = 0;            // isolated only
  std::optional<double> liquidation_px;
  double margin_used = 0, position_value = 0, unrealized_pnl = 0, return_on_equity = 0;
  int max_leverage = 50;
  double cum_funding_all = 0, cum_funding_since_open = 0, cum_funding_since_change = 0;
};
struct MarginSummary {
  double account_value = 0, total_margin_used = 0, total_ntl_pos = 0, total_raw_usd = 0;
};
struct ClearinghouseState {
  std::vector<PositionView> positions;
  MarginSummary margin_summary, cross_margin_summary;
  double cross_maintenance_margin_used = 0;
  double withdrawable = 0;
  TimeMs time = 0;
};

// What changed, in the order it happened; the server turns these into WebSocket messages.
struct OrderUpdateEvent { OrderInfo order; };
struct FillEvent { Fill fill; };
struct TradeEvent { Trade trade; };
struct FundingEvent { FundingPayment payment; };
struct LiquidationEvent { Address user; std::uint64_t lid = 0; double ntl_pos = 0; double account_value = 0; };
struct NonUserCancelEvent { Address user; int asset = 0; std::uint64_t oid = 0; };
struct BookEvent { int asset = 0; };  // the book (and so the bbo) of an asset may have changed
using Event = std::variant<OrderUpdateEvent, FillEvent, TradeEvent, FundingEvent, LiquidationEvent,
                           NonUserCancelEvent, BookEvent>;

}  // namespace organism::exchange::sim

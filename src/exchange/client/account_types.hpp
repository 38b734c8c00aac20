// The account's state as the exchange reports it (PROTOCOL §3.7–3.11, §4.3): positions, margin,
// orders, fills, funding payments. Used by InfoClient, the user feeds of ws_frames, and the order
// manager of the trading engine, which reconciles its journal against them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace organism::exchange::client {

// Every price, size and amount of money is an exact count of 1e-8 (hl::parse_units): fees,
// PnL and balances are compared and summed without drift, as ws_frames does for market data. A
// value the exchange sends with more than 8 decimals is an error naming the field.
using Units = std::int64_t;

struct Fill {
  std::string coin;
  Units px = 0, sz = 0;
  bool buy = false;  // side "B"
  std::int64_t time = 0;
  Units start_position = 0;  // signed position before the fill
  std::string dir;           // "Open Long", "Close Short", ... (display text)
  Units closed_pnl = 0;
  std::string hash;
  std::uint64_t oid = 0;
  bool crossed = false;  // taker
  Units fee = 0;         // negative: a rebate; builder fee included
  std::uint64_t tid = 0;
  std::optional<std::string> cloid{};
  std::string fee_token{};
  bool liquidation = false;  // the fill closed a liquidated position
  bool operator==(const Fill&) const = default;
};

// An order of openOrders, frontendOpenOrders, orderStatus and orderUpdates. The frontend fields
// keep their defaults in the short forms (openOrders, orderUpdates).
struct OrderInfo {
  std::string coin;
  bool buy = false;
  Units limit_px = 0;
  Units sz = 0;  // remaining
  std::uint64_t oid = 0;
  std::int64_t timestamp = 0;
  Units orig_sz = 0;
  std::optional<std::string> cloid{};
  // frontendOpenOrders / orderStatus only
  bool is_trigger = false;
  Units trigger_px = 0;
  std::string trigger_condition{};  // "N/A", "Price above 10.004"
  bool is_position_tpsl = false;
  bool reduce_only = false;
  std::string order_type{};          // "Limit", "Stop Market", ...
  std::optional<std::string> tif{};  // null for triggers
  bool operator==(const OrderInfo&) const = default;
};

// orderStatus when found, and one entry of the orderUpdates feed: the order, its status
// ("open", "filled", "canceled", "rejected", "tickRejected", ... PROTOCOL §3.10) and when it
// took that status.
struct OrderStatusInfo {
  OrderInfo order;
  std::string status;
  std::int64_t status_timestamp = 0;
  bool operator==(const OrderStatusInfo&) const = default;
};

struct MarginSummary {
  Units account_value = 0, total_margin_used = 0, total_ntl_pos = 0, total_raw_usd = 0;
  bool operator==(const MarginSummary&) const = default;
};

struct Position {
  std::string coin;
  Units szi = 0;  // signed: positive long
  std::optional<Units> entry_px{};
  bool cross = true;
  int leverage = 0;
  std::optional<Units> raw_usd{};         // isolated only
  std::optional<Units> liquidation_px{};  // null when none exists
  Units margin_used = 0;
  int max_leverage = 0;
  Units position_value = 0;
  Units return_on_equity = 0;
  Units unrealized_pnl = 0;
  Units cum_funding_all_time = 0, cum_funding_since_open = 0, cum_funding_since_change = 0;
  bool operator==(const Position&) const = default;
};

struct ClearinghouseState {
  MarginSummary margin_summary;
  MarginSummary cross_margin_summary;
  Units cross_maintenance_margin_used = 0;
  Units withdrawable = 0;
  std::vector<Position> positions;
  std::int64_t time = 0;
};

// A funding payment of userFunding and the userFundings feed.
struct FundingPayment {
  std::int64_t time = 0;
  std::string coin;
  Units usdc = 0;  // negative: paid
  Units szi = 0;
  Units funding_rate = 0;
  bool operator==(const FundingPayment&) const = default;
};

}  // namespace organism::exchange::client

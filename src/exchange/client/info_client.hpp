// Typed /info requests (PROTOCOL §3): each reply checked field by field, so a malformed reply is
// an error naming the request, the item and the field, and never reaches the store. Used by
// `organism data fetch` (fetch_history) and, later, the trading loop.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "data/series.hpp"
#include "exchange/client/account_types.hpp"
#include "exchange/client/rest_session.hpp"
#include "exchange/hyperliquid/asset_ids.hpp"

namespace organism::exchange::client {

using core::TimeMs;

struct CandleReply {
  data::Bar bar;             // t, o, h, l, c, v, n
  TimeMs close_time = 0;     // T = t + interval - 1
};

struct FundingReply {
  TimeMs time = 0;  // as stamped by the exchange (a few ms after the hour)
  double rate = 0;  // hourly
  double premium = 0;
};

struct BookLevel {
  double price = 0, size = 0;
  std::int64_t orders = 0;
};
struct L2BookReply {
  std::string coin;
  TimeMs time = 0;
  std::vector<BookLevel> bids, asks;  // best first
};

class InfoClient {
 public:
  explicit InfoClient(std::shared_ptr<RestSession> session) : session_(std::move(session)) {}

  hl::AssetDirectory meta();
  std::map<std::string, double> all_mids();
  L2BookReply l2_book(const std::string& coin);
  // One request: the candles overlapping [start, end] that the exchange returns (it caps the
  // count; fetch_history pages). Sorted by t, strictly increasing, each with low <= open, close
  // <= high; anything else is an error.
  std::vector<CandleReply> candle_snapshot(const std::string& coin, const core::Interval& interval, TimeMs start,
                                           TimeMs end);
  // One request: funding events with start <= time <= end (at most 500; fetch_history pages).
  std::vector<FundingReply> funding_history(const std::string& coin, TimeMs start, TimeMs end);
  // The account requests (account_info.cpp), checked field by field like candle_snapshot.
  ClearinghouseState clearinghouse_state(const std::string& user);
  std::vector<OrderInfo> open_orders(const std::string& user);
  std::vector<OrderInfo> frontend_open_orders(const std::string& user);
  // The 2000 most recent fills, newest first.
  std::vector<Fill> user_fills(const std::string& user);
  // Fills with start <= time <= end, oldest first, at most 2000 per request (page on time).
  std::vector<Fill> user_fills_by_time(const std::string& user, TimeMs start, std::optional<TimeMs> end = std::nullopt);
  // nullopt: the exchange knows no such order ("unknownOid").
  std::optional<OrderStatusInfo> order_status(const std::string& user, std::uint64_t oid);
  std::optional<OrderStatusInfo> order_status_by_cloid(const std::string& user, const std::string& cloid);
  // Funding payments with start <= time <= end, oldest first, at most 500 per request.
  std::vector<FundingPayment> user_funding(const std::string& user, TimeMs start,
                                           std::optional<TimeMs> end = std::nullopt);

  RestSession& session() { return *session_; }

 private:
  std::optional<OrderStatusInfo> order_status_request(const std::string& user, const Json& oid, std::string_view what);
  std::shared_ptr<RestSession> session_;
};

// A decimal string or number field of an /info reply as a double; core::Error "WHAT: FIELD: ..."
// when absent, of another type, not a whole number, or not finite.
double decimal_field(const Json& item, const char* field, std::string_view what);
std::int64_t integer_field(const Json& item, const char* field, std::string_view what);

}  // namespace organism::exchange::client

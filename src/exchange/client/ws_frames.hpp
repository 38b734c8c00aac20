// Hyperliquid WebSocket frames (PROTOCOL §4) parsed into typed values with simdjson on demand:
// trades, l2Book, candle, the user feeds (userFills, orderUpdates, userFundings, user), acks,
// pong, post replies, errors. Used by WsClient, the live bars and the order manager.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "exchange/client/account_types.hpp"

namespace organism::exchange::client {

enum class FrameKind {
  trades,
  l2_book,
  candle,
  user_fills,
  order_updates,
  user_fundings,
  user_events,
  subscription_response,
  pong,
  post,
  error,
  other
};

// Prices and sizes are exact counts of 1e-8 (hl::parse_units), never doubles.
struct WsTrade {
  std::string coin;
  bool buy = false;  // the aggressor's side: "B" buy, "A" sell
  std::int64_t px = 0;
  std::int64_t sz = 0;
  std::int64_t time = 0;
  std::uint64_t tid = 0;
  std::string hash;
  std::array<std::string, 2> users;  // buyer, seller
};

struct WsBookLevel {
  std::int64_t px = 0;
  std::int64_t sz = 0;
  std::int64_t n = 0;
};

struct WsBook {
  std::string coin;
  std::int64_t time = 0;
  std::vector<WsBookLevel> bids;
  std::vector<WsBookLevel> asks;
};

// A candle as the exchange reports it while it forms and after it closes; checked for sane
// prices (positive, low <= min(open, close), high >= max(open, close), volume >= 0).
struct WsCandle {
  std::int64_t open_time = 0;   // t
  std::int64_t close_time = 0;  // T
  std::string coin;             // s
  std::string interval;         // i
  std::int64_t open = 0, high = 0, low = 0, close = 0, volume = 0;
  std::int64_t trades = 0;  // n
};

// The identity of a subscription, for matching acknowledgements to requests: type, coin,
// interval and user, the fields the exchange routes by ("type|coin|interval|user", user lower case).
std::string subscription_key(std::string_view type, std::string_view coin, std::string_view interval,
                             std::string_view user);

struct WsAck {
  std::string method;  // subscribe | unsubscribe
  std::string key;     // subscription_key of the echoed subscription
};

struct WsPostReply {
  std::uint64_t id = 0;
  std::string type;     // info | action | error
  std::string payload;  // the payload as raw JSON text (a string payload for "error")
};

// userFills: the snapshot first (isSnapshot true: the latest fills), then each new fill once.
struct WsUserFills {
  std::string user;
  bool is_snapshot = false;
  std::vector<Fill> fills;
};

struct WsUserFundings {
  std::string user;
  bool is_snapshot = false;
  std::vector<FundingPayment> fundings;
};

struct WsNonUserCancel {
  std::string coin;
  std::uint64_t oid = 0;
};
struct WsLiquidation {
  std::uint64_t lid = 0;
  Units ntl_pos = 0, account_value = 0;  // of the liquidated user
};
// The "user" channel (subscription userEvents): one of fills, a funding payment, a liquidation,
// or orders the exchange canceled (margin, scheduled cancel, ...); the others stay empty.
struct WsUserEvents {
  std::vector<Fill> fills;
  std::optional<FundingPayment> funding;
  std::optional<WsLiquidation> liquidation;
  std::vector<WsNonUserCancel> non_user_cancels;
};

// One parsed frame. Only the member of `kind` is meaningful; the others keep their capacity so
// that a stream of frames parses without allocating.
struct WsFrame {
  FrameKind kind = FrameKind::other;
  std::string channel;
  std::vector<WsTrade> trades;
  WsBook book;
  std::vector<WsCandle> candles;  // one for the object form, any number for the array form
  WsUserFills user_fills;
  std::vector<OrderStatusInfo> order_updates;  // orderUpdates: order (short form), status, time
  WsUserFundings user_fundings;
  WsUserEvents user_events;
  WsAck ack;
  WsPostReply post;
  std::string error;  // the text of an error frame
};

// Why a frame was skipped: not JSON (a greeting, a truncated or corrupted frame), a field of the
// wrong type or missing, an impossible candle or fill, or a frame over the size limit.
struct FrameError {
  std::string what;
};

class FrameParser {
 public:
  explicit FrameParser(std::size_t max_frame_bytes = 16u << 20);
  ~FrameParser();
  FrameParser(const FrameParser&) = delete;
  FrameParser& operator=(const FrameParser&) = delete;

  // Parses `text` into `out`; an error value for a frame that is not usable. Never throws.
  std::optional<FrameError> parse(std::string_view text, WsFrame& out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace organism::exchange::client

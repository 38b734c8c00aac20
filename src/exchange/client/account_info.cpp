// InfoClient's account requests (PROTOCOL §3.7–3.11): every field read by name and type, money
// as exact 1e-8 units, and an error naming the request, the item and the field for anything
// else, so that a malformed reply never reaches the order manager's reconciliation.
#include <fmt/format.h>

#include "core/json_input.hpp"
#include "exchange/client/info_client.hpp"
#include "exchange/hyperliquid/decimal.hpp"
#include "exchange/hyperliquid/wire.hpp"

namespace organism::exchange::client {

namespace {

[[noreturn]] void bad(std::string_view what, const char* field, const Json& item,
                      std::string_view expected) {
  const auto it = item.is_object() ? item.find(field) : item.end();
  throw core::Error(fmt::format("{}: field '{}': expected {}, got {}", what, field, expected,
                                it != item.end() ? core::quoted_text(it->dump()) : "nothing"));
}

const Json& object_of(const Json& item, std::string_view what) {
  if (!item.is_object())
    throw core::Error(
        fmt::format("{}: expected an object, got {}", what, core::quoted_text(item.dump())));
  return item;
}

const Json& array_of(const Json& reply, std::string_view what) {
  if (!reply.is_array())
    throw core::Error(
        fmt::format("{}: expected a JSON array, got {}", what, core::quoted_text(reply.dump())));
  return reply;
}

const Json& member(const Json& item, const char* field, std::string_view what,
                   std::string_view expected) {
  const auto it = object_of(item, what).find(field);
  if (it == item.end()) bad(what, field, item, expected);
  return *it;
}

// A decimal string (or a JSON number, which some replies carry) as exact 1e-8 units.
Units units(const Json& item, const char* field, std::string_view what) {
  const Json& value = member(item, field, what, "a decimal string");
  std::optional<std::int64_t> parsed;
  if (value.is_string())
    parsed = hl::parse_units(value.get_ref<const std::string&>());
  else if (value.is_number_integer() || value.is_number_unsigned())
    parsed = hl::parse_units(value.dump());
  if (!parsed) bad(what, field, item, "a decimal string of at most 8 decimals");
  return *parsed;
}

std::optional<Units> nullable_units(const Json& item, const char* field, std::string_view what) {
  const auto it = object_of(item, what).find(field);
  if (it == item.end() || it->is_null()) return std::nullopt;
  return units(item, field, what);
}

std::string text(const Json& item, const char* field, std::string_view what) {
  const Json& value = member(item, field, what, "a string");
  if (!value.is_string()) bad(what, field, item, "a string");
  return value.get<std::string>();
}

std::optional<std::string> nullable_text(const Json& item, const char* field,
                                         std::string_view what) {
  const auto it = object_of(item, what).find(field);
  if (it == item.end() || it->is_null()) return std::nullopt;
  return text(item, field, what);
}

bool flag(const Json& item, const char* field, std::string_view what) {
  const Json& value = member(item, field, what, "a boolean");
  if (!value.is_boolean()) bad(what, field, item, "a boolean");
  return value.get<bool>();
}

std::uint64_t id(const Json& item, const char* field, std::string_view what) {
  const Json& value = member(item, field, what, "an unsigned integer");
  if (!value.is_number_unsigned() &&
      !(value.is_number_integer() && value.get<std::int64_t>() >= 0)) {
    bad(what, field, item, "an unsigned integer");
  }
  return value.get<std::uint64_t>();
}

bool side_is_buy(const Json& item, std::string_view what) {
  const std::string side = text(item, "side", what);
  if (side != "B" && side != "A") bad(what, "side", item, "\"B\" or \"A\"");
  return side == "B";
}

std::optional<std::string> cloid_of(const Json& item, std::string_view what) {
  const auto cloid = nullable_text(item, "cloid", what);
  if (cloid && !hl::parse_cloid(*cloid)) bad(what, "cloid", item, "0x and 32 hex digits");
  return cloid ? hl::parse_cloid(*cloid) : std::nullopt;
}

Fill parse_fill(const Json& item, std::string_view what) {
  Fill f;
  f.coin = text(item, "coin", what);
  f.px = units(item, "px", what);
  f.sz = units(item, "sz", what);
  f.buy = side_is_buy(item, what);
  f.time = integer_field(item, "time", what);
  f.start_position = units(item, "startPosition", what);
  f.dir = text(item, "dir", what);
  f.closed_pnl = units(item, "closedPnl", what);
  f.hash = text(item, "hash", what);
  f.oid = id(item, "oid", what);
  f.crossed = flag(item, "crossed", what);
  f.fee = units(item, "fee", what);
  f.tid = id(item, "tid", what);
  f.cloid = cloid_of(item, what);
  f.fee_token = nullable_text(item, "feeToken", what).value_or("");
  f.liquidation = item.contains("liquidation") && !item["liquidation"].is_null();
  if (f.px <= 0 || f.sz <= 0)
    throw core::Error(fmt::format("{}: fill with a non-positive px or sz", what));
  return f;
}

OrderInfo parse_order(const Json& item, std::string_view what) {
  OrderInfo o;
  o.coin = text(item, "coin", what);
  o.buy = side_is_buy(item, what);
  o.limit_px = units(item, "limitPx", what);
  o.sz = units(item, "sz", what);
  o.oid = id(item, "oid", what);
  o.timestamp = integer_field(item, "timestamp", what);
  // The exchange's short form (PROTOCOL §3.8) may lack origSz: then nothing is known filled.
  o.orig_sz = item.contains("origSz") ? units(item, "origSz", what) : o.sz;
  o.cloid = cloid_of(item, what);
  if (item.contains("isTrigger")) {  // the frontend form
    o.is_trigger = flag(item, "isTrigger", what);
    o.trigger_px = units(item, "triggerPx", what);
    o.trigger_condition = text(item, "triggerCondition", what);
    o.is_position_tpsl = flag(item, "isPositionTpsl", what);
    o.reduce_only = flag(item, "reduceOnly", what);
    o.order_type = text(item, "orderType", what);
    o.tif = nullable_text(item, "tif", what);
  }
  return o;
}

MarginSummary parse_summary(const Json& item, std::string_view what) {
  return {units(item, "accountValue", what), units(item, "totalMarginUsed", what),
          units(item, "totalNtlPos", what), units(item, "totalRawUsd", what)};
}

Position parse_position(const Json& item, std::string_view what) {
  Position p;
  p.coin = text(item, "coin", what);
  p.szi = units(item, "szi", what);
  p.entry_px = nullable_units(item, "entryPx", what);
  const Json& leverage = member(item, "leverage", what, "an object");
  const std::string lev_what = fmt::format("{}: leverage", what);
  const std::string type = text(leverage, "type", lev_what);
  if (type != "cross" && type != "isolated")
    bad(lev_what, "type", leverage, "\"cross\" or \"isolated\"");
  p.cross = type == "cross";
  p.leverage = static_cast<int>(integer_field(leverage, "value", lev_what));
  p.raw_usd = nullable_units(leverage, "rawUsd", lev_what);
  p.liquidation_px = nullable_units(item, "liquidationPx", what);
  p.margin_used = units(item, "marginUsed", what);
  p.max_leverage = static_cast<int>(integer_field(item, "maxLeverage", what));
  p.position_value = units(item, "positionValue", what);
  p.return_on_equity = units(item, "returnOnEquity", what);
  p.unrealized_pnl = units(item, "unrealizedPnl", what);
  const Json& funding = member(item, "cumFunding", what, "an object");
  const std::string fund_what = fmt::format("{}: cumFunding", what);
  p.cum_funding_all_time = units(funding, "allTime", fund_what);
  p.cum_funding_since_open = units(funding, "sinceOpen", fund_what);
  p.cum_funding_since_change = units(funding, "sinceChange", fund_what);
  return p;
}

template <class T, class Parse>
std::vector<T> parse_items(const Json& reply, std::string_view what, const char* noun,
                           Parse parse) {
  array_of(reply, what);
  std::vector<T> out;
  out.reserve(reply.size());
  for (std::size_t i = 0; i < reply.size(); ++i)
    out.push_back(parse(reply[i], fmt::format("{}: {} {}", what, noun, i)));
  return out;
}

Json time_range(Json request, TimeMs start, std::optional<TimeMs> end) {
  request["startTime"] = start;
  if (end) request["endTime"] = *end;
  return request;
}

}  // namespace

ClearinghouseState InfoClient::clearinghouse_state(const std::string& user) {
  const std::string what = "clearinghouseState";
  const Json reply = session_->info(Json{{"type", "clearinghouseState"}, {"user", user}}, what);
  ClearinghouseState state;
  state.margin_summary =
      parse_summary(member(reply, "marginSummary", what, "an object"), what + ": marginSummary");
  state.cross_margin_summary = parse_summary(member(reply, "crossMarginSummary", what, "an object"),
                                             what + ": crossMarginSummary");
  state.cross_maintenance_margin_used = units(reply, "crossMaintenanceMarginUsed", what);
  state.withdrawable = units(reply, "withdrawable", what);
  state.time = integer_field(reply, "time", what);
  const Json& positions =
      array_of(member(reply, "assetPositions", what, "an array"), what + ": assetPositions");
  for (std::size_t i = 0; i < positions.size(); ++i) {
    const std::string where = fmt::format("{}: assetPositions {}", what, i);
    state.positions.push_back(
        parse_position(member(positions[i], "position", where, "an object"), where));
  }
  return state;
}

std::vector<OrderInfo> InfoClient::open_orders(const std::string& user) {
  return parse_items<OrderInfo>(
      session_->info(Json{{"type", "openOrders"}, {"user", user}}, "openOrders"), "openOrders",
      "order", parse_order);
}

std::vector<OrderInfo> InfoClient::frontend_open_orders(const std::string& user) {
  const char* what = "frontendOpenOrders";
  return parse_items<OrderInfo>(session_->info(Json{{"type", what}, {"user", user}}, what), what,
                                "order", parse_order);
}

std::vector<Fill> InfoClient::user_fills(const std::string& user) {
  return parse_items<Fill>(session_->info(Json{{"type", "userFills"}, {"user", user}}, "userFills"),
                           "userFills", "fill", parse_fill);
}

std::vector<Fill> InfoClient::user_fills_by_time(const std::string& user, TimeMs start,
                                                 std::optional<TimeMs> end) {
  const char* what = "userFillsByTime";
  const Json request = time_range(Json{{"type", what}, {"user", user}}, start, end);
  return parse_items<Fill>(session_->info(request, what), what, "fill", parse_fill);
}

std::optional<OrderStatusInfo> InfoClient::order_status_request(const std::string& user,
                                                                const Json& oid,
                                                                std::string_view what) {
  const Json reply =
      session_->info(Json{{"type", "orderStatus"}, {"user", user}, {"oid", oid}}, what);
  const std::string status = text(reply, "status", what);
  if (status == "unknownOid") return std::nullopt;
  if (status != "order") bad(what, "status", reply, "\"order\" or \"unknownOid\"");
  const Json& entry = member(reply, "order", what, "an object");
  OrderStatusInfo info;
  info.order =
      parse_order(member(entry, "order", what, "an object"), fmt::format("{}: order", what));
  info.status = text(entry, "status", what);
  info.status_timestamp = integer_field(entry, "statusTimestamp", what);
  return info;
}

std::optional<OrderStatusInfo> InfoClient::order_status(const std::string& user,
                                                        std::uint64_t oid) {
  return order_status_request(user, Json(oid), fmt::format("orderStatus {}", oid));
}

std::optional<OrderStatusInfo> InfoClient::order_status_by_cloid(const std::string& user,
                                                                 const std::string& cloid) {
  const auto parsed = hl::parse_cloid(cloid);
  if (!parsed)
    throw core::Error(
        fmt::format("orderStatus: '{}' is not a cloid (0x and 32 hex digits)", cloid));
  return order_status_request(user, Json(*parsed), fmt::format("orderStatus {}", *parsed));
}

std::vector<FundingPayment> InfoClient::user_funding(const std::string& user, TimeMs start,
                                                     std::optional<TimeMs> end) {
  const char* what = "userFunding";
  const Json reply =
      session_->info(time_range(Json{{"type", what}, {"user", user}}, start, end), what);
  return parse_items<FundingPayment>(
      reply, what, "item", [](const Json& item, const std::string& where) {
        const Json& delta = member(item, "delta", where, "an object");
        const std::string delta_what = where + ": delta";
        if (text(delta, "type", delta_what) != "funding")
          bad(delta_what, "type", delta, "\"funding\"");
        return FundingPayment{integer_field(item, "time", where), text(delta, "coin", delta_what),
                              units(delta, "usdc", delta_what), units(delta, "szi", delta_what),
                              units(delta, "fundingRate", delta_what)};
      });
}

}  // namespace organism::exchange::client

// The user channels (PROTOCOL §4.3) with the same rules as the market frames: every field a
// consumer needs must be present with its type, money is exact 1e-8 units, and anything else is
// a BadField that skips the whole frame (the order manager then reconciles over REST).
#include "exchange/client/ws_frame_fields.hpp"
#include "exchange/hyperliquid/wire.hpp"

namespace organism::exchange::client::frame_fields {

namespace {

bool side_is_buy(od::value value) {
  const std::string_view side = value.get_string().value();
  if (side != "B" && side != "A") throw BadField(fmt::format("side '{}' is neither B nor A", side));
  return side == "B";
}

std::optional<std::string> cloid_of(od::value value) {
  if (value.is_null().value()) return std::nullopt;
  const std::string_view text = value.get_string().value();
  auto cloid = hl::parse_cloid(text);
  if (!cloid) throw BadField(fmt::format("cloid '{}' is not 0x and 32 hex digits", text));
  return cloid;
}

void parse_fill(od::object object, Fill& fill) {
  fill = Fill{};
  unsigned seen = 0;
  for (auto field : object) {
    const std::string_view key = field.unescaped_key().value();
    od::value value = field.value().value();
    if (key == "coin")
      assign(fill.coin, value), seen |= 1u;
    else if (key == "px")
      fill.px = units_of(value, "px"), seen |= 2u;
    else if (key == "sz")
      fill.sz = units_of(value, "sz"), seen |= 4u;
    else if (key == "side")
      fill.buy = side_is_buy(value), seen |= 8u;
    else if (key == "time")
      fill.time = value.get_int64().value(), seen |= 16u;
    else if (key == "startPosition")
      fill.start_position = units_of(value, "startPosition"), seen |= 32u;
    else if (key == "dir")
      assign(fill.dir, value), seen |= 64u;
    else if (key == "closedPnl")
      fill.closed_pnl = units_of(value, "closedPnl"), seen |= 128u;
    else if (key == "hash")
      assign(fill.hash, value), seen |= 256u;
    else if (key == "oid")
      fill.oid = value.get_uint64().value(), seen |= 512u;
    else if (key == "crossed")
      fill.crossed = value.get_bool().value(), seen |= 1024u;
    else if (key == "fee")
      fill.fee = units_of(value, "fee"), seen |= 2048u;
    else if (key == "tid")
      fill.tid = value.get_uint64().value(), seen |= 4096u;
    else if (key == "cloid")
      fill.cloid = cloid_of(value);
    else if (key == "feeToken")
      assign(fill.fee_token, value);
    else if (key == "liquidation")
      fill.liquidation = !value.is_null().value();
  }
  if (seen != 8191u) {
    throw BadField(
        "fill lacks one of coin, px, sz, side, time, startPosition, dir, closedPnl, hash, oid, "
        "crossed, fee, tid");
  }
  if (fill.px <= 0 || fill.sz <= 0)
    throw BadField(fmt::format("fill {} of {}: non-positive px or sz", fill.tid, fill.coin));
}

void parse_fills(od::value array, std::vector<Fill>& fills) {
  fills.clear();
  for (auto element : array.get_array())
    parse_fill(element.get_object().value(), fills.emplace_back());
}

void parse_order(od::object object, OrderInfo& order) {
  order = OrderInfo{};
  unsigned seen = 0;
  bool has_orig = false;
  for (auto field : object) {
    const std::string_view key = field.unescaped_key().value();
    od::value value = field.value().value();
    if (key == "coin")
      assign(order.coin, value), seen |= 1u;
    else if (key == "side")
      order.buy = side_is_buy(value), seen |= 2u;
    else if (key == "limitPx")
      order.limit_px = units_of(value, "limitPx"), seen |= 4u;
    else if (key == "sz")
      order.sz = units_of(value, "sz"), seen |= 8u;
    else if (key == "oid")
      order.oid = value.get_uint64().value(), seen |= 16u;
    else if (key == "timestamp")
      order.timestamp = value.get_int64().value(), seen |= 32u;
    else if (key == "origSz")
      order.orig_sz = units_of(value, "origSz"), has_orig = true;
    else if (key == "cloid")
      order.cloid = cloid_of(value);
  }
  if (seen != 63u) throw BadField("order lacks one of coin, side, limitPx, sz, oid, timestamp");
  if (!has_orig) order.orig_sz = order.sz;
}

void parse_order_updates(od::value data, std::vector<OrderStatusInfo>& updates) {
  updates.clear();
  for (auto element : data.get_array()) {
    auto& update = updates.emplace_back();
    unsigned seen = 0;
    for (auto field : element.get_object()) {
      const std::string_view key = field.unescaped_key().value();
      od::value value = field.value().value();
      if (key == "order")
        parse_order(value.get_object().value(), update.order), seen |= 1u;
      else if (key == "status")
        assign(update.status, value), seen |= 2u;
      else if (key == "statusTimestamp")
        update.status_timestamp = value.get_int64().value(), seen |= 4u;
    }
    if (seen != 7u) throw BadField("order update lacks one of order, status, statusTimestamp");
  }
}

void parse_funding(od::object object, FundingPayment& funding) {
  funding = FundingPayment{};
  unsigned seen = 0;
  for (auto field : object) {
    const std::string_view key = field.unescaped_key().value();
    od::value value = field.value().value();
    if (key == "time")
      funding.time = value.get_int64().value(), seen |= 1u;
    else if (key == "coin")
      assign(funding.coin, value), seen |= 2u;
    else if (key == "usdc")
      funding.usdc = units_of(value, "usdc"), seen |= 4u;
    else if (key == "szi")
      funding.szi = units_of(value, "szi"), seen |= 8u;
    else if (key == "fundingRate")
      funding.funding_rate = units_of(value, "fundingRate"), seen |= 16u;
  }
  if (seen != 31u) throw BadField("funding lacks one of time, coin, usdc, szi, fundingRate");
}

void parse_user_fills(od::value data, WsUserFills& out) {
  out.user.clear();
  out.is_snapshot = false;
  bool has_fills = false;
  for (auto field : data.get_object()) {
    const std::string_view key = field.unescaped_key().value();
    if (key == "user")
      assign(out.user, field.value().value());
    else if (key == "isSnapshot")
      out.is_snapshot = field.value().get_bool().value();
    else if (key == "fills")
      parse_fills(field.value().value(), out.fills), has_fills = true;
  }
  if (!has_fills) throw BadField("userFills without fills");
}

void parse_user_fundings(od::value data, WsUserFundings& out) {
  out.user.clear();
  out.is_snapshot = false;
  out.fundings.clear();
  bool has_fundings = false;
  for (auto field : data.get_object()) {
    const std::string_view key = field.unescaped_key().value();
    if (key == "user") {
      assign(out.user, field.value().value());
    } else if (key == "isSnapshot") {
      out.is_snapshot = field.value().get_bool().value();
    } else if (key == "fundings") {
      has_fundings = true;
      for (auto element : field.value().get_array())
        parse_funding(element.get_object().value(), out.fundings.emplace_back());
    }
  }
  if (!has_fundings) throw BadField("userFundings without fundings");
}

void parse_user_events(od::value data, WsUserEvents& out) {
  out.fills.clear();
  out.funding.reset();
  out.liquidation.reset();
  out.non_user_cancels.clear();
  bool known = false;
  for (auto field : data.get_object()) {
    const std::string_view key = field.unescaped_key().value();
    od::value value = field.value().value();
    if (key == "fills") {
      parse_fills(value, out.fills);
      known = true;
    } else if (key == "funding") {
      parse_funding(value.get_object().value(), out.funding.emplace());
      known = true;
    } else if (key == "liquidation") {
      auto& liquidation = out.liquidation.emplace();
      for (auto part : value.get_object()) {
        const std::string_view name = part.unescaped_key().value();
        if (name == "lid")
          liquidation.lid = part.value().get_uint64().value();
        else if (name == "liquidated_ntl_pos")
          liquidation.ntl_pos = units_of(part.value().value(), name);
        else if (name == "liquidated_account_value")
          liquidation.account_value = units_of(part.value().value(), name);
      }
      known = true;
    } else if (key == "nonUserCancel") {
      for (auto element : value.get_array()) {
        auto& cancel = out.non_user_cancels.emplace_back();
        for (auto part : element.get_object()) {
          const std::string_view name = part.unescaped_key().value();
          if (name == "coin")
            assign(cancel.coin, part.value().value());
          else if (name == "oid")
            cancel.oid = part.value().get_uint64().value();
        }
        if (cancel.coin.empty()) throw BadField("nonUserCancel without a coin");
      }
      known = true;
    }
  }
  if (!known) throw BadField("user event with none of fills, funding, liquidation, nonUserCancel");
}

}  // namespace

bool parse_user_data(std::string_view channel, od::value data, WsFrame& out) {
  if (channel == "userFills") {
    out.kind = FrameKind::user_fills;
    parse_user_fills(data, out.user_fills);
  } else if (channel == "orderUpdates") {
    out.kind = FrameKind::order_updates;
    parse_order_updates(data, out.order_updates);
  } else if (channel == "userFundings") {
    out.kind = FrameKind::user_fundings;
    parse_user_fundings(data, out.user_fundings);
  } else if (channel == "user") {
    out.kind = FrameKind::user_events;
    parse_user_events(data, out.user_events);
  } else {
    return false;
  }
  return true;
}

}  // namespace organism::exchange::client::frame_fields

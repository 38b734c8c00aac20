// The wire shapes of PROTOCOL.md §3 and §4.3 for the engine's types.
#include "exchange/sim_api/render.hpp"

#include <cmath>

#include "exchange/hyperliquid/decimal.hpp"

namespace organism::exchange::sim_api {

std::string wire_number(double x) {
  if (!std::isfinite(x)) return "0";
  // 9.2e10 is the largest value 1e-8 units hold; beyond it (never a price, a balance or a volume
  // of the simulator) the integer part is written alone.
  if (std::fabs(x) >= 9.0e10) return std::to_string(std::llround(x));
  return hl::format_units(std::llround(x * static_cast<double>(hl::kUnitsPerOne)));
}

std::string wire_units(sim::Units units) { return hl::format_units(units); }

Json render_level(const sim::Level& level) {
  return Json{{"px", wire_units(level.px)}, {"sz", wire_units(level.sz)}, {"n", level.n}};
}

Json render_book(const std::string& coin, const sim::BookView& book) {
  Json bids = Json::array(), asks = Json::array();
  for (const auto& level : book.bids) bids.push_back(render_level(level));
  for (const auto& level : book.asks) asks.push_back(render_level(level));
  return Json{{"coin", coin}, {"time", book.time}, {"levels", Json::array({bids, asks})}};
}

namespace {

void append_levels(std::string& out, const std::vector<sim::Level>& levels) {
  out += '[';
  for (std::size_t i = 0; i < levels.size(); ++i) {
    if (i) out += ',';
    out += R"({"px":")";
    out += hl::format_units(levels[i].px);
    out += R"(","sz":")";
    out += hl::format_units(levels[i].sz);
    out += R"(","n":)";
    out += std::to_string(levels[i].n);
    out += '}';
  }
  out += ']';
}

}  // namespace

std::string render_book_text(const std::string& coin, const sim::BookView& book) {
  std::string out;
  out.reserve(64 + 48 * (book.bids.size() + book.asks.size()));
  out += R"({"coin":)";
  out += Json(coin).dump();  // escaped like any JSON string
  out += R"(,"time":)";
  out += std::to_string(book.time);
  out += R"(,"levels":[)";
  append_levels(out, book.bids);
  out += ',';
  append_levels(out, book.asks);
  out += "]}";
  return out;
}

Json render_candle(const std::string& coin, std::string_view interval,
                   const sim::CandleOut& candle) {
  return Json{{"t", candle.t},
              {"T", candle.close_time},
              {"s", coin},
              {"i", std::string(interval)},
              {"o", wire_number(candle.o)},
              {"c", wire_number(candle.c)},
              {"h", wire_number(candle.h)},
              {"l", wire_number(candle.l)},
              {"v", wire_number(candle.v)},
              {"n", candle.n}};
}

Json render_open_order(const std::string& coin, const sim::OrderInfo& order) {
  Json out{{"coin", coin},
           {"side", order.is_buy ? "B" : "A"},
           {"limitPx", wire_units(order.limit_px)},
           {"sz", wire_units(order.sz)},
           {"oid", order.oid},
           {"timestamp", order.timestamp},
           {"origSz", wire_units(order.orig_sz)}};
  if (order.cloid) out["cloid"] = *order.cloid;
  return out;
}

namespace {

const char* tif_name(sim::Tif tif) {
  switch (tif) {
    case sim::Tif::Gtc:
      return "Gtc";
    case sim::Tif::Ioc:
      return "Ioc";
    case sim::Tif::Alo:
      return "Alo";
  }
  return "Gtc";
}

// "Price above 10.004" / "Price below ..." as the frontend shows a trigger; a take profit of a
// long (a sell) fires above, a stop loss of a long fires below, and the reverse for shorts.
std::string trigger_condition(const sim::OrderInfo& order) {
  if (!order.trigger) return "N/A";
  const bool above = order.trigger->take_profit != order.is_buy;
  return std::string("Price ") + (above ? "above " : "below ") +
         wire_units(order.trigger->trigger_px);
}

}  // namespace

Json render_frontend_order(const std::string& coin, const sim::OrderInfo& order) {
  Json out{
      {"coin", coin},
      {"side", order.is_buy ? "B" : "A"},
      {"limitPx", wire_units(order.limit_px)},
      {"sz", wire_units(order.sz)},
      {"oid", order.oid},
      {"timestamp", order.timestamp},
      {"triggerCondition", trigger_condition(order)},
      {"isTrigger", order.trigger.has_value()},
      {"triggerPx", order.trigger ? wire_units(order.trigger->trigger_px) : std::string("0.0")},
      {"children", Json::array()},
      {"isPositionTpsl", order.is_position_tpsl},
      {"reduceOnly", order.reduce_only},
      {"orderType", order.order_type()},
      {"origSz", wire_units(order.orig_sz)},
      {"tif", order.trigger ? Json(nullptr) : Json(tif_name(order.tif))},
      {"cloid", order.cloid ? Json(*order.cloid) : Json(nullptr)}};
  return out;
}

Json render_fill(const std::string& coin, const sim::Fill& fill) {
  Json out{{"coin", coin},
           {"px", wire_units(fill.px)},
           {"sz", wire_units(fill.sz)},
           {"side", fill.is_buy ? "B" : "A"},
           {"time", fill.time},
           {"startPosition", wire_units(fill.start_position)},
           {"dir", fill.dir},
           {"closedPnl", wire_number(fill.closed_pnl)},
           {"hash", fill.hash},
           {"oid", fill.oid},
           {"crossed", fill.crossed},
           {"fee", wire_number(fill.fee)},
           {"tid", fill.tid},
           {"feeToken", "USDC"}};
  if (fill.cloid) out["cloid"] = *fill.cloid;
  if (fill.liquidation) {
    out["liquidation"] = Json{
        {"liquidatedUser", fill.user.hex()}, {"markPx", wire_units(fill.px)}, {"method", "market"}};
  }
  return out;
}

Json render_trade(const std::string& coin, const sim::Trade& trade) {
  return Json{{"coin", coin},
              {"side", trade.buy_aggressor ? "B" : "A"},
              {"px", wire_units(trade.px)},
              {"sz", wire_units(trade.sz)},
              {"hash", trade.hash},
              {"time", trade.time},
              {"tid", trade.tid},
              {"users", Json::array({trade.buyer.hex(), trade.seller.hex()})}};
}

namespace {

Json render_summary(const sim::MarginSummary& summary) {
  return Json{{"accountValue", wire_number(summary.account_value)},
              {"totalMarginUsed", wire_number(summary.total_margin_used)},
              {"totalNtlPos", wire_number(summary.total_ntl_pos)},
              {"totalRawUsd", wire_number(summary.total_raw_usd)}};
}

Json render_position(const sim::PositionView& position, const std::string& coin) {
  Json leverage{{"type", position.cross ? "cross" : "isolated"}, {"value", position.leverage}};
  if (!position.cross) leverage["rawUsd"] = wire_number(position.raw_usd);
  return Json{
      {"coin", coin},
      {"szi", wire_units(position.szi)},
      {"entryPx", wire_number(position.entry_px)},
      {"leverage", leverage},
      {"liquidationPx",
       position.liquidation_px ? Json(wire_number(*position.liquidation_px)) : Json(nullptr)},
      {"marginUsed", wire_number(position.margin_used)},
      {"maxLeverage", position.max_leverage},
      {"positionValue", wire_number(position.position_value)},
      {"returnOnEquity", wire_number(position.return_on_equity)},
      {"unrealizedPnl", wire_number(position.unrealized_pnl)},
      {"cumFunding", Json{{"allTime", wire_number(position.cum_funding_all)},
                          {"sinceChange", wire_number(position.cum_funding_since_change)},
                          {"sinceOpen", wire_number(position.cum_funding_since_open)}}}};
}

}  // namespace

Json render_clearinghouse(const sim::ClearinghouseState& state,
                          const std::vector<sim::AssetSpec>& assets) {
  Json positions = Json::array();
  for (const auto& position : state.positions) {
    const std::string coin =
        position.asset >= 0 && static_cast<std::size_t>(position.asset) < assets.size()
            ? assets[static_cast<std::size_t>(position.asset)].coin
            : std::string();
    positions.push_back(Json{{"type", "oneWay"}, {"position", render_position(position, coin)}});
  }
  return Json{{"marginSummary", render_summary(state.margin_summary)},
              {"crossMarginSummary", render_summary(state.cross_margin_summary)},
              {"crossMaintenanceMarginUsed", wire_number(state.cross_maintenance_margin_used)},
              {"withdrawable", wire_number(state.withdrawable)},
              {"assetPositions", positions},
              {"time", state.time}};
}

Json render_asset_context(const sim::AssetContext& ctx) {
  // The simulated book is deep and symmetric around the mid, so the impact prices are the
  // touch prices' neighbourhood; the simulator reports the mid for both (docs/exchange-sim.md).
  const Json mid = ctx.mid_px > 0 ? Json(wire_number(ctx.mid_px)) : Json(nullptr);
  return Json{
      {"dayNtlVlm", wire_number(ctx.day_ntl_vlm)},
      {"funding", wire_number(ctx.funding)},
      {"impactPxs", ctx.mid_px > 0 ? Json::array({wire_number(ctx.mid_px), wire_number(ctx.mid_px)})
                                   : Json(nullptr)},
      {"markPx", wire_number(ctx.mark_px)},
      {"midPx", mid},
      {"openInterest", wire_number(ctx.open_interest)},
      {"oraclePx", wire_number(ctx.oracle_px)},
      {"premium", wire_number(ctx.premium)},
      {"prevDayPx", wire_number(ctx.prev_day_px)},
      {"dayBaseVlm", wire_number(ctx.day_base_vlm)}};
}

Json render_funding(const std::string& coin, const sim::FundingPayment& payment) {
  return Json{{"time", payment.time},
              {"coin", coin},
              {"usdc", wire_number(payment.usdc)},
              {"szi", wire_units(payment.szi)},
              {"fundingRate", wire_number(payment.rate)}};
}

}  // namespace organism::exchange::sim_api

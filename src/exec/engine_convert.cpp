// Engine types to client types: every field the simulator's render.cpp writes, converted the way
// the client's account_info.cpp parses it, without the JSON in between.
#include "exec/engine_convert.hpp"

#include <cmath>

#include "exchange/hyperliquid/decimal.hpp"

namespace organism::exec::engine_convert {

namespace sim = exchange::sim;
namespace client = exchange::client;

sim::Tif tif_of(exchange::hl::WireTif tif) {
  switch (tif) {
    case exchange::hl::WireTif::Ioc:
      return sim::Tif::Ioc;
    case exchange::hl::WireTif::Alo:
      return sim::Tif::Alo;
    case exchange::hl::WireTif::Gtc:
      break;
  }
  return sim::Tif::Gtc;
}

sim::OrderRequest request_of(const client::OrderSpec& spec, int asset) {
  sim::OrderRequest request;
  request.asset = asset;
  request.is_buy = spec.is_buy;
  request.px = spec.px;
  request.sz = spec.sz;
  request.reduce_only = spec.reduce_only;
  request.tif = tif_of(spec.tif);
  if (spec.trigger)
    request.trigger =
        sim::Trigger{spec.trigger->is_market, spec.trigger->trigger_px, spec.trigger->take_profit};
  request.cloid = spec.cloid;
  return request;
}

client::OrderOutcome outcome_of(const sim::OrderStatus& status) {
  client::OrderOutcome out;
  out.oid = status.oid;
  out.cloid = status.cloid;
  switch (status.kind) {
    case sim::OrderStatus::Kind::Resting:
      out.kind = client::OrderOutcome::Kind::resting;
      break;
    case sim::OrderStatus::Kind::Filled:
      out.kind = client::OrderOutcome::Kind::filled;
      out.total_sz = status.total_sz;
      out.avg_px = units_of(status.avg_px);
      break;
    case sim::OrderStatus::Kind::WaitingForFill:
      out.kind = client::OrderOutcome::Kind::waiting_for_fill;
      break;
    case sim::OrderStatus::Kind::WaitingForTrigger:
      out.kind = client::OrderOutcome::Kind::waiting_for_trigger;
      break;
    case sim::OrderStatus::Kind::Error:
      out.kind = client::OrderOutcome::Kind::error;
      out.oid = 0;
      out.error = status.error;
      break;
  }
  return out;
}

namespace {

const char* tif_name(sim::Tif tif) {
  switch (tif) {
    case sim::Tif::Ioc:
      return "Ioc";
    case sim::Tif::Alo:
      return "Alo";
    case sim::Tif::Gtc:
      break;
  }
  return "Gtc";
}

// As render.cpp writes it: "Price above 10.004"; a sell's take profit and a buy's stop fire above.
std::string trigger_condition(const sim::OrderInfo& order) {
  if (!order.trigger) return "N/A";
  const bool above = order.trigger->take_profit != order.is_buy;
  return std::string("Price ") + (above ? "above " : "below ") +
         exchange::hl::format_units(order.trigger->trigger_px);
}

}  // namespace

client::OrderInfo order_of(const sim::OrderInfo& order, const std::string& coin) {
  client::OrderInfo out;
  out.coin = coin;
  out.buy = order.is_buy;
  out.limit_px = order.limit_px;
  out.sz = order.sz;
  out.oid = order.oid;
  out.timestamp = order.timestamp;
  out.orig_sz = order.orig_sz;
  out.cloid = order.cloid;
  out.is_trigger = order.trigger.has_value();
  out.trigger_px = order.trigger ? order.trigger->trigger_px : 0;
  out.trigger_condition = trigger_condition(order);
  out.is_position_tpsl = order.is_position_tpsl;
  out.reduce_only = order.reduce_only;
  out.order_type = order.order_type();
  if (!order.trigger) out.tif = tif_name(order.tif);
  return out;
}

client::Fill fill_of(const sim::Fill& fill, const std::string& coin) {
  client::Fill out;
  out.coin = coin;
  out.px = fill.px;
  out.sz = fill.sz;
  out.buy = fill.is_buy;
  out.time = fill.time;
  out.start_position = fill.start_position;
  out.dir = fill.dir;
  out.closed_pnl = units_of(fill.closed_pnl);
  out.hash = fill.hash;
  out.oid = fill.oid;
  out.crossed = fill.crossed;
  out.fee = units_of(fill.fee);
  out.tid = fill.tid;
  out.cloid = fill.cloid;
  out.fee_token = "USDC";
  out.liquidation = fill.liquidation;
  return out;
}

client::FundingPayment funding_of(const sim::FundingPayment& payment, const std::string& coin) {
  return client::FundingPayment{payment.time, coin, units_of(payment.usdc), payment.szi,
                                units_of(payment.rate)};
}

namespace {

client::MarginSummary summary_of(const sim::MarginSummary& s) {
  return {units_of(s.account_value), units_of(s.total_margin_used), units_of(s.total_ntl_pos),
          units_of(s.total_raw_usd)};
}

}  // namespace

client::ClearinghouseState clearinghouse_of(const sim::ClearinghouseState& state,
                                            const std::vector<sim::AssetSpec>& assets) {
  client::ClearinghouseState out;
  out.margin_summary = summary_of(state.margin_summary);
  out.cross_margin_summary = summary_of(state.cross_margin_summary);
  out.cross_maintenance_margin_used = units_of(state.cross_maintenance_margin_used);
  out.withdrawable = units_of(state.withdrawable);
  out.time = state.time;
  for (const sim::PositionView& p : state.positions) {
    client::Position position;
    position.coin = p.asset >= 0 && static_cast<std::size_t>(p.asset) < assets.size()
                        ? assets[static_cast<std::size_t>(p.asset)].coin
                        : std::string();
    position.szi = p.szi;
    position.entry_px = units_of(p.entry_px);
    position.cross = p.cross;
    position.leverage = p.leverage;
    if (!p.cross) position.raw_usd = units_of(p.raw_usd);
    if (p.liquidation_px) position.liquidation_px = units_of(*p.liquidation_px);
    position.margin_used = units_of(p.margin_used);
    position.max_leverage = p.max_leverage;
    position.position_value = units_of(p.position_value);
    position.return_on_equity = units_of(p.return_on_equity);
    position.unrealized_pnl = units_of(p.unrealized_pnl);
    position.cum_funding_all_time = units_of(p.cum_funding_all);
    position.cum_funding_since_open = units_of(p.cum_funding_since_open);
    position.cum_funding_since_change = units_of(p.cum_funding_since_change);
    out.positions.push_back(std::move(position));
  }
  return out;
}

}  // namespace organism::exec::engine_convert

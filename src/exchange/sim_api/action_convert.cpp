// Wire actions to engine requests: a field-by-field copy, units unchanged (both are 1e-8).
#include "exchange/sim_api/action_convert.hpp"

namespace organism::exchange::sim_api {

namespace {

sim::Tif to_tif(hl::WireTif tif) {
  switch (tif) {
    case hl::WireTif::Ioc:
      return sim::Tif::Ioc;
    case hl::WireTif::Alo:
      return sim::Tif::Alo;
    case hl::WireTif::Gtc:
      break;
  }
  return sim::Tif::Gtc;
}

}  // namespace

sim::OrderRequest to_order_request(const hl::OrderWire& wire) {
  sim::OrderRequest order;
  order.asset = static_cast<int>(wire.asset);
  order.is_buy = wire.is_buy;
  order.px = wire.px.units;
  order.sz = wire.sz.units;
  order.reduce_only = wire.reduce_only;
  if (const auto* limit = std::get_if<hl::LimitWire>(&wire.type)) {
    order.tif = to_tif(limit->tif);
  } else {
    const auto& trigger = std::get<hl::TriggerWire>(wire.type);
    order.trigger = sim::Trigger{trigger.is_market, trigger.trigger_px.units, trigger.take_profit};
  }
  order.cloid = wire.cloid;
  return order;
}

sim::Grouping to_grouping(const hl::Grouping& grouping) {
  switch (grouping.kind) {
    case hl::Grouping::Kind::NormalTpsl:
      return sim::Grouping::NormalTpsl;
    case hl::Grouping::Kind::PositionTpsl:
      return sim::Grouping::PositionTpsl;
    case hl::Grouping::Kind::Na:
    case hl::Grouping::Kind::Priority:
      break;
  }
  return sim::Grouping::Na;
}

std::vector<sim::CancelRequest> to_cancel_requests(const hl::CancelAction& action) {
  std::vector<sim::CancelRequest> out;
  out.reserve(action.cancels.size());
  for (const auto& c : action.cancels) out.push_back({static_cast<int>(c.asset), c.oid});
  return out;
}

std::vector<sim::CancelByCloidRequest> to_cancel_requests(const hl::CancelByCloidAction& action) {
  std::vector<sim::CancelByCloidRequest> out;
  out.reserve(action.cancels.size());
  for (const auto& c : action.cancels) out.push_back({static_cast<int>(c.asset), c.cloid});
  return out;
}

sim::ModifyRequest to_modify_request(const hl::OrderRef& oid, const hl::OrderWire& order) {
  sim::ModifyRequest out;
  if (const auto* id = std::get_if<std::uint64_t>(&oid)) {
    out.target = *id;
  } else {
    out.target = std::get<std::string>(oid);
  }
  out.order = to_order_request(order);
  return out;
}

}  // namespace organism::exchange::sim_api

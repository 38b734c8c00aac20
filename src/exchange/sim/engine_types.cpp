// Wire names of order states and order types (PROTOCOL.md §3.8, §3.10).
#include "exchange/sim/engine_types.hpp"

namespace organism::exchange::sim {

const char* to_wire(OrderState state) {
  switch (state) {
    case OrderState::Open: return "open";
    case OrderState::Filled: return "filled";
    case OrderState::Canceled: return "canceled";
    case OrderState::Triggered: return "triggered";
    case OrderState::Rejected: return "rejected";
    case OrderState::MarginCanceled: return "marginCanceled";
    case OrderState::ReduceOnlyCanceled: return "reduceOnlyCanceled";
    case OrderState::SelfTradeCanceled: return "selfTradeCanceled";
    case OrderState::SiblingFilledCanceled: return "siblingFilledCanceled";
    case OrderState::LiquidatedCanceled: return "liquidatedCanceled";
    case OrderState::ScheduledCancel: return "scheduledCancel";
  }
  return "unknown";
}

std::string OrderInfo::order_type() const {
  if (!trigger) return tif == Tif::Ioc ? "Market" : "Limit";
  const std::string kind = trigger->take_profit ? "Take Profit" : "Stop";
  return kind + (trigger->is_market ? " Market" : " Limit");
}

}  // namespace organism::exchange::sim

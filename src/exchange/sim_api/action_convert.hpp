// hl's typed wire actions (hyperliquid/wire.hpp, the one parser of PROTOCOL §5.3–5.7) as the
// engine's requests (sim/engine_types.hpp). Used by the simulator's exchange handler
// (exchange_api.cpp), which checks every asset id against meta first.
#pragma once

#include <vector>

#include "exchange/hyperliquid/wire.hpp"
#include "exchange/sim/engine_types.hpp"

namespace organism::exchange::sim_api {

// Asset ids must already be known (< the universe's size): the engine's are ints.
sim::OrderRequest to_order_request(const hl::OrderWire& wire);
// The priority object {"p": rate} only orders a block's transactions on the exchange; the
// simulator has no block to order, so it groups like "na".
sim::Grouping to_grouping(const hl::Grouping& grouping);
std::vector<sim::CancelRequest> to_cancel_requests(const hl::CancelAction& action);
std::vector<sim::CancelByCloidRequest> to_cancel_requests(const hl::CancelByCloidAction& action);
sim::ModifyRequest to_modify_request(const hl::OrderRef& oid, const hl::OrderWire& order);

}  // namespace organism::exchange::sim_api

// The one JSON form of each trading and lifecycle record a person asks for: an order, a position, a
// fill, the risk status, a stored strategy's row, a lifecycle event. `organism orders | positions |
// fills | risk status | strategy list | history --json` and the monitor's HTTP API print these.
#pragma once

#include <nlohmann/json.hpp>

#include "data/store.hpp"
#include "exec/journal.hpp"
#include "exec/order_manager.hpp"
#include "exec/risk_status.hpp"
#include "lifecycle/lifecycle.hpp"

namespace organism::monitor::api {

using Json = nlohmann::ordered_json;

// Sizes, prices and money as exact decimal strings (exchange::hl::format_units), times in epoch ms.
Json order_json(const exec::Order& order);
Json position_json(const exec::PositionChange& position);
Json fill_json(const exec::AttributedFill& fill);
// `organism risk status --json`: state and cause, the breakers' memory, transitions, check counts,
// exposure by coin and by strategy, VaR/CVaR and the newest commands.
Json risk_status_json(const exec::RiskStatus& status);
// {"id", "state", "family", "run", "created", "updated"}: `organism strategy list --json`.
Json strategy_row_json(const data::StrategyRecord& row);
// {"time", "from" (null at birth), "to", "reason", "evidence" (the stored JSON, or null when it is
// not JSON)}: `organism strategy history --json`.
Json lifecycle_event_json(const lifecycle::Event& event);

}  // namespace organism::monitor::api

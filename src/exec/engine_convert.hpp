// The exchange simulator's engine types (exchange/sim/engine_types.hpp) in the exchange client's
// types (exchange/client/), exactly as the simulator's wire and the client's parser would carry
// them: money rounded to the wire's 8 decimals, the frontend order form, the status names of
// orderStatus. Used by the paper broker (book_broker.hpp), so that paper and live hand the order
// manager the same values.
#pragma once

#include <string>
#include <vector>

#include "exchange/client/account_types.hpp"
#include "exchange/client/exchange_client.hpp"
#include "exchange/sim/engine_types.hpp"
#include "exec/order.hpp"

namespace organism::exec::engine_convert {

// Doubles of the engine become exact units with exec::units_of (order.hpp): rounded to 8
// decimals as the wire carries them, 0 for non-finite values as the simulator writes them.

exchange::sim::Tif tif_of(exchange::hl::WireTif tif);
// An OrderSpec as the engine's request for `asset`.
exchange::sim::OrderRequest request_of(const exchange::client::OrderSpec& spec, int asset);
// The reply item of one order (PROTOCOL §5.2).
exchange::client::OrderOutcome outcome_of(const exchange::sim::OrderStatus& status);
// frontendOpenOrders / orderStatus form of an order.
exchange::client::OrderInfo order_of(const exchange::sim::OrderInfo& order,
                                     const std::string& coin);
exchange::client::Fill fill_of(const exchange::sim::Fill& fill, const std::string& coin);
exchange::client::FundingPayment funding_of(const exchange::sim::FundingPayment& payment,
                                            const std::string& coin);
// `assets` name each position's coin.
exchange::client::ClearinghouseState clearinghouse_of(
    const exchange::sim::ClearinghouseState& state,
    const std::vector<exchange::sim::AssetSpec>& assets);

}  // namespace organism::exec::engine_convert

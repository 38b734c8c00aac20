// JSON rendering of the simulator's engine types in the exact shapes of PROTOCOL.md: numbers
// as strings where the exchange sends strings, ids and times as numbers. Used by the info
// handlers, the exchange replies and the WebSocket feeds of the simulator's API.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "exchange/sim/engine_types.hpp"
#include "exchange/sim/market_replay.hpp"

namespace organism::exchange::sim_api {

using Json = nlohmann::ordered_json;

// The fixed rule for doubles on the wire: rounded to 8 decimals (the wire's precision), then
// written like float_to_wire: no exponent, no trailing zeros, "0" for zero (the exchange writes
// "0.0"; clients parse both). Non-finite values are written as "0" (DESIGN.md: ratios never NaN).
std::string wire_number(double x);
// Exact 1e-8 units: hl::format_units.
std::string wire_units(sim::Units units);

Json render_level(const sim::Level& level);
// {"coin", "time", "levels": [[bids], [asks]]}, best first.
Json render_book(const std::string& coin, const sim::BookView& book);
// The same text as render_book(...).dump(), written directly: l2Book is the hottest reply and
// feed, and building its JSON tree costs more than the rest of the request.
std::string render_book_text(const std::string& coin, const sim::BookView& book);
// {t, T, s, i, o, c, h, l, v, n}.
Json render_candle(const std::string& coin, std::string_view interval,
                   const sim::CandleOut& candle);
// openOrders entry: {coin, side, limitPx, sz, oid, timestamp, origSz, cloid?}.
Json render_open_order(const std::string& coin, const sim::OrderInfo& order);
// frontendOpenOrders / orderStatus entry with the trigger fields and children.
Json render_frontend_order(const std::string& coin, const sim::OrderInfo& order);
// REST and WsFill object (PROTOCOL §3.9).
Json render_fill(const std::string& coin, const sim::Fill& fill);
Json render_trade(const std::string& coin, const sim::Trade& trade);
// The clearinghouseState reply; `coin_of` maps an asset index to its name.
Json render_clearinghouse(const sim::ClearinghouseState& state,
                          const std::vector<sim::AssetSpec>& assets);
// One assetCtx of metaAndAssetCtxs.
Json render_asset_context(const sim::AssetContext& ctx);
// {time, coin, usdc, szi, fundingRate} (userFundings and the user channel's funding).
Json render_funding(const std::string& coin, const sim::FundingPayment& payment);

}  // namespace organism::exchange::sim_api

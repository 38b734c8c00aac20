// The dashboard's model: the newest JSON of each API route it polls, the fetch errors and when
// they happened. Pure data updated by the poller (dashboard_poller.hpp) and read by the renderer
// (dashboard_render.hpp), so both are tested without a network or a terminal.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/time.hpp"

namespace organism::monitor::dashboard {

// The routes polled each interval, in polling order (/health first: it needs no token, so it
// tells "API down" from "token refused").
enum class Route { health, equity, positions, strategies, risk, allocations, regimes, alerts, runs };
inline constexpr std::size_t kRouteCount = 9;
inline constexpr std::array<Route, kRouteCount> kAllRoutes{
    Route::health, Route::equity,  Route::positions, Route::strategies, Route::risk,
    Route::allocations, Route::regimes, Route::alerts, Route::runs};

std::string_view route_path(Route route);  // "/health", "/equity", ...

struct RouteSlot {
  std::optional<nlohmann::json> json{};  // the newest good reply (kept while later fetches fail)
  core::TimeMs fetched_ms = 0;           // when `json` arrived (0: never)
  std::string error{};                   // the last fetch's problem, "" when it succeeded
  int status = 0;                        // the last HTTP status (0: no reply)
};

struct DashboardState {
  std::string url{};
  int interval_ms = 1000;
  std::array<RouteSlot, kRouteCount> routes{};
  // Set at the first transport failure (nothing answered), cleared by any reply.
  std::optional<core::TimeMs> unreachable_since{};
  std::string unreachable_why{};
  bool unauthorized = false;  // the last protected reply was a 401
  core::TimeMs now_ms = 0;    // the clock the header shows (passed in: rendering stays pure)

  const RouteSlot& slot(Route route) const { return routes[static_cast<std::size_t>(route)]; }
  RouteSlot& slot(Route route) { return routes[static_cast<std::size_t>(route)]; }
  // The route's newest JSON, or nullptr when none arrived yet.
  const nlohmann::json* json(Route route) const;
};

// One HTTP reply of `route` (any status) at `now`: a 2xx with a JSON body replaces the route's
// data; anything else keeps the old data and records the error ("HTTP 401: ...").
void apply_reply(DashboardState& state, Route route, int status, const std::string& body, core::TimeMs now);
// A failure below HTTP (refused, timeout, reset): the API is unreachable since now (if it was not
// already), for the reason `why`.
void apply_failure(DashboardState& state, Route route, const std::string& why, core::TimeMs now);

}  // namespace organism::monitor::dashboard

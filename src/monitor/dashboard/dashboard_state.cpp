#include "monitor/dashboard/dashboard_state.hpp"

#include <fmt/format.h>

namespace organism::monitor::dashboard {

std::string_view route_path(Route route) {
  switch (route) {
    case Route::health: return "/health";
    case Route::equity: return "/equity";
    case Route::positions: return "/positions";
    case Route::strategies: return "/strategies";
    case Route::risk: return "/risk";
    case Route::allocations: return "/allocations";
    case Route::regimes: return "/regimes";
    case Route::alerts: return "/alerts";
    case Route::runs: return "/runs";
  }
  return "/health";
}

const nlohmann::json* DashboardState::json(Route route) const {
  const auto& s = slot(route);
  return s.json ? &*s.json : nullptr;
}

namespace {

// The API's refusals read {"error": "..."}; other bodies are cut short to stay on one line.
std::string reply_error(int status, const std::string& body) {
  const auto parsed = nlohmann::json::parse(body, nullptr, false);
  if (!parsed.is_discarded() && parsed.is_object() && parsed.contains("error") && parsed["error"].is_string())
    return fmt::format("HTTP {}: {}", status, parsed["error"].get<std::string>());
  std::string shown = body.substr(0, 60);
  for (char& c : shown)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  return shown.empty() ? fmt::format("HTTP {}", status) : fmt::format("HTTP {}: {}", status, shown);
}

}  // namespace

void apply_reply(DashboardState& state, Route route, int status, const std::string& body, core::TimeMs now) {
  state.unreachable_since.reset();
  state.unreachable_why.clear();
  auto& slot = state.slot(route);
  slot.status = status;
  if (route != Route::health) state.unauthorized = status == 401;
  if (status < 200 || status > 299) {
    slot.error = reply_error(status, body);
    return;
  }
  auto parsed = nlohmann::json::parse(body, nullptr, false);
  if (parsed.is_discarded()) {
    slot.error = "the reply is not JSON";
    return;
  }
  slot.json = std::move(parsed);
  slot.fetched_ms = now;
  slot.error.clear();
}

void apply_failure(DashboardState& state, Route route, const std::string& why, core::TimeMs now) {
  if (!state.unreachable_since) state.unreachable_since = now;
  state.unreachable_why = why;
  auto& slot = state.slot(route);
  slot.status = 0;
  slot.error = why;
}

}  // namespace organism::monitor::dashboard

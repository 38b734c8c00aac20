// The dashboard's panels, each a pure function from the state to its content lines (without the
// title line the frame adds). Internal to monitor/dashboard: dashboard_render.cpp lays them out.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "monitor/dashboard/dashboard_state.hpp"
#include "monitor/dashboard/screen_line.hpp"

namespace organism::monitor::dashboard {

struct PanelArea {
  int width = 0;
  int rows = 0;       // content lines available (a panel may return more; the frame cuts)
  bool utf8 = true;
  bool full = false;  // the focused full-screen view: more columns and rows of detail
};

std::vector<ScreenLine> health_panel(const DashboardState& s, const PanelArea& a);
std::vector<ScreenLine> equity_panel(const DashboardState& s, const PanelArea& a);
std::vector<ScreenLine> positions_panel(const DashboardState& s, const PanelArea& a);
std::vector<ScreenLine> allocation_panel(const DashboardState& s, const PanelArea& a);
std::vector<ScreenLine> regimes_panel(const DashboardState& s, const PanelArea& a);
std::vector<ScreenLine> strategies_panel(const DashboardState& s, const PanelArea& a);
std::vector<ScreenLine> risk_panel(const DashboardState& s, const PanelArea& a);
std::vector<ScreenLine> evolution_panel(const DashboardState& s, const PanelArea& a);
std::vector<ScreenLine> alerts_panel(const DashboardState& s, const PanelArea& a);
// The two header lines: health, mode, last bar, clock; then the API's trouble or the components.
std::vector<ScreenLine> header_lines(const DashboardState& s);

// JSON reading that never throws: the API is another program, possibly of another version.
std::string text_of(const nlohmann::json& j, const char* key);  // string as is, number printed, else "-"
std::optional<double> number_of(const nlohmann::json& j, const char* key);  // number or numeric string
const nlohmann::json& array_of(const nlohmann::json* j, const char* key);   // the array, or an empty one
std::string fixed2(double v);                                               // "10152.40"
// A line saying why a panel has nothing (no reply yet, the route's error, the token refused),
// or nullopt when `route` has data.
std::optional<ScreenLine> missing_line(const DashboardState& s, Route route);
// Words joined by two spaces, wrapped to `width`.
std::vector<ScreenLine> wrap_words(const std::vector<ScreenLine>& words, int width);

}  // namespace organism::monitor::dashboard

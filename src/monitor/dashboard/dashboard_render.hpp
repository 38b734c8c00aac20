// The dashboard's screen as a pure function of its state: which panel has the focus, the terminal
// size and whether colours are on give the exact lines to draw. Used by the ncurses layer
// (dashboard_terminal.hpp) and by tests that check the numbers without a terminal.
#pragma once

#include <string_view>
#include <vector>

#include "monitor/dashboard/dashboard_state.hpp"
#include "monitor/dashboard/screen_line.hpp"

namespace organism::monitor::dashboard {

// overview shows the header and eight panels; the others fill the screen with one: keys 1-9, where
// 1 is the header's detail (every component's health) and 3 the positions.
enum class Panel { overview, health, equity, positions, strategies, risk, allocation, regimes, evolution, alerts };
inline constexpr int kPanelCount = 9;  // focusable panels, keys 1..9

inline constexpr int kMinWidth = 60;
inline constexpr int kMinHeight = 15;

std::string_view panel_title(Panel panel);  // "Equity", "Positions", ...
Panel panel_by_number(int n);               // 1..9; overview for anything else
Panel next_panel(Panel panel);              // Tab: overview -> 1 -> ... -> 9 -> overview
Panel previous_panel(Panel panel);          // Shift-Tab

// Exactly `height` lines of exactly `width` columns each (below kMinWidth x kMinHeight one line
// says "terminal too small"). color false drops every span: the same words, no attributes. utf8
// false draws the sparkline, bars and frames in ASCII.
std::vector<ScreenLine> render(const DashboardState& state, Panel focus, int width, int height, bool color,
                               bool utf8 = true);

}  // namespace organism::monitor::dashboard

#include "monitor/dashboard/dashboard_render.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "monitor/dashboard/dashboard_panels.hpp"

namespace organism::monitor::dashboard {

namespace {

using PanelFn = std::vector<ScreenLine> (*)(const DashboardState&, const PanelArea&);

struct PanelInfo {
  Panel panel;
  std::string_view title;
  PanelFn content;
};

constexpr std::array<PanelInfo, kPanelCount> kPanels{{
    {Panel::health, "Health", health_panel},
    {Panel::equity, "Equity", equity_panel},
    {Panel::positions, "Positions", positions_panel},
    {Panel::strategies, "Strategies", strategies_panel},
    {Panel::risk, "Risk", risk_panel},
    {Panel::allocation, "Allocation", allocation_panel},
    {Panel::regimes, "Regimes", regimes_panel},
    {Panel::evolution, "Evolution", evolution_panel},
    {Panel::alerts, "Alerts", alerts_panel},
}};

int number_of_panel(Panel p) { return static_cast<int>(p); }  // overview 0, equity 1, ...
const PanelInfo& info(Panel p) { return kPanels[static_cast<std::size_t>(number_of_panel(p) - 1)]; }

// "─ 3 Positions ──────" (ASCII: "- 3 Positions ------"), the title styled.
ScreenLine title_line(Panel p, int width, bool utf8) {
  const std::string_view rule = utf8 ? "─" : "-";
  ScreenLine line;
  line.add(rule).add(fmt::format(" {} {} ", number_of_panel(p), info(p).title), Style::title);
  std::string rest;
  for (int i = line.width(); i < width; ++i) rest += rule;
  line.add(rest, Style::dim);
  return line;
}

// A panel as exactly `rows` lines of `width` columns: its title, then as much content as fits.
std::vector<ScreenLine> framed(const DashboardState& s, Panel p, int width, int rows, bool utf8, bool full) {
  std::vector<ScreenLine> out;
  if (rows <= 0) return out;
  out.push_back(title_line(p, width, utf8));
  const PanelArea area{width, rows - 1, utf8, full};
  for (auto& line : info(p).content(s, area)) {
    if (static_cast<int>(out.size()) >= rows) break;
    out.push_back(line.fit(width));
  }
  while (static_cast<int>(out.size()) < rows) out.push_back(ScreenLine{}.fit(width));
  return out;
}

ScreenLine footer(Panel focus, int width) {
  ScreenLine line;
  if (focus == Panel::overview)
    line.add("1-9 panel  Tab next  r refresh  q quit", Style::dim);
  else
    line.add(fmt::format("{}/9 {}  0/Esc overview  Tab next  r refresh  q quit", number_of_panel(focus),
                         info(focus).title),
             Style::dim);
  return line.fit(width);
}

// The overview: two columns of four panels, rows shared evenly (the remainder to the top ones).
std::vector<ScreenLine> overview(const DashboardState& s, int width, int rows, bool utf8) {
  static constexpr std::array<Panel, 4> kLeft{Panel::equity, Panel::positions, Panel::strategies, Panel::evolution};
  static constexpr std::array<Panel, 4> kRight{Panel::risk, Panel::allocation, Panel::regimes, Panel::alerts};
  const int left_width = (width - 1) / 2;
  const int right_width = width - 1 - left_width;
  auto column = [&](const std::array<Panel, 4>& panels, int w) {
    std::vector<ScreenLine> lines;
    for (std::size_t i = 0; i < panels.size(); ++i) {
      const int share = rows / 4 + (static_cast<int>(i) < rows % 4 ? 1 : 0);
      for (auto& l : framed(s, panels[i], w, share, utf8, false)) lines.push_back(std::move(l));
    }
    return lines;
  };
  const auto left = column(kLeft, left_width);
  const auto right = column(kRight, right_width);
  std::vector<ScreenLine> out;
  for (int r = 0; r < rows; ++r) {
    ScreenLine line = left[static_cast<std::size_t>(r)];
    line.add(utf8 ? "│" : "|", Style::dim).append(right[static_cast<std::size_t>(r)]);
    out.push_back(std::move(line));
  }
  return out;
}

}  // namespace

std::string_view panel_title(Panel panel) { return panel == Panel::overview ? "Overview" : info(panel).title; }

Panel panel_by_number(int n) { return n >= 1 && n <= kPanelCount ? static_cast<Panel>(n) : Panel::overview; }

Panel next_panel(Panel panel) { return panel_by_number((number_of_panel(panel) + 1) % (kPanelCount + 1)); }

Panel previous_panel(Panel panel) {
  return panel_by_number((number_of_panel(panel) + kPanelCount) % (kPanelCount + 1));
}

std::vector<ScreenLine> render(const DashboardState& state, Panel focus, int width, int height, bool color, bool utf8) {
  std::vector<ScreenLine> out;
  if (width <= 0 || height <= 0) return out;
  if (width < kMinWidth || height < kMinHeight) {
    out.push_back(ScreenLine{}.add(fmt::format("terminal too small ({}x{}, needs {}x{})", width, height, kMinWidth,
                                               kMinHeight)).fit(width));
    while (static_cast<int>(out.size()) < height) out.push_back(ScreenLine{}.fit(width));
  } else {
    for (auto& l : header_lines(state)) out.push_back(l.fit(width));
    const int rows = height - 3;  // two header lines, one footer
    auto body = focus == Panel::overview ? overview(state, width, rows, utf8)
                                         : framed(state, focus, width, rows, utf8, true);
    for (auto& l : body) out.push_back(std::move(l));
    out.push_back(footer(focus, width));
  }
  if (!color)
    for (auto& l : out) l.spans.clear();
  return out;
}

}  // namespace organism::monitor::dashboard

// The script that draws the portfolio page's charts from its embedded data (#portfolio-data) with
// ECharts: the policies' equity, the regime band under it, the allocator's stacked weights and the
// correlation heatmap. Used by portfolio_report.cpp.
#pragma once

#include <string_view>

namespace organism::monitor {

// Runs last (after ECharts): SVG renderer, no animation; sets body[data-charts] to the number drawn.
std::string_view portfolio_chart_script();

}  // namespace organism::monitor

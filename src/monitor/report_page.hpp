// The fixed parts of the HTML report: its style sheet, the script that records errors into the
// page (so a headless browser test can read them from the DOM) and the script that draws the
// charts from the embedded report data with ECharts. Used by report_html.cpp.
#pragma once

#include <string_view>

namespace organism::monitor {

std::string_view report_style();
// Runs first: window errors, unhandled rejections and console.error go to #report-errors.
std::string_view error_capture_script();
// Runs last: reads #report-data and draws every .chart container (SVG renderer, no animation).
std::string_view chart_script();

}  // namespace organism::monitor

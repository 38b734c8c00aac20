// The ECharts library (echarts.min.js), compiled into the binary at build time from the npm
// package pinned in report/package-lock.json (cmake/echarts.cmake). Used by the HTML report.
#pragma once

#include <string>
#include <string_view>

namespace organism::monitor {

// The library's source, with "</script" written "<\/script" so it can sit in a <script> element.
std::string echarts_js();
// The package version, e.g. "5.6.0".
std::string_view echarts_version();

}  // namespace organism::monitor

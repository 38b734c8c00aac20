// Realistic replies of organism's API, one per route the dashboard polls (docs/api.md's shapes),
// for dashboard_render_test and dashboard_tmux_test.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace organism::test {

inline constexpr std::int64_t kFixtureNowMs = 1'764'938'096'000;  // 2025-12-05 12:34:56 UTC

// "/health" -> its JSON body, ... for every route the dashboard polls.
std::map<std::string, std::string> dashboard_fixtures();

}  // namespace organism::test

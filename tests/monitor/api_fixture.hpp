// An organism's files for the API tests, written through the real writers in a temporary folder:
// a store (candles, regimes, strategies with lifecycle events and marks, a finished run), the
// production journal (orders, fills, positions, allocations, a REDUCING risk state, a command), the
// paper journal (one position) and STORE.daemon.json. Times are fixed; the clock reads kNow.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/time.hpp"
#include "monitor/api/api_routes.hpp"
#include "monitor/daemon_status.hpp"
#include "support/test_support.hpp"

namespace organism::test {

inline constexpr core::TimeMs kT0 = 1'704'067'200'000;  // 2024-01-01 00:00 UTC
inline constexpr core::TimeMs kHour = 3'600'000;
inline constexpr core::TimeMs kNow = kT0 + 10 * kHour + 60'000;  // wall clock of the tests

struct ApiFixture {
  TempDir dir;
  monitor::api::ApiSources sources;
  std::string production_id, paper_id, retired_id;  // strategies
  std::string run_id;
  std::vector<double> production_equity;  // per bar of production_id's marks

  ApiFixture();  // writes everything
  // STORE.daemon.json with this "daemon" object (and an "evolution" object).
  void write_daemon(const monitor::DaemonStatus& status, int resume_attempts = 0);
};

// The handler of api_routes(sources)'s route `method` `pattern`, called with a request built from
// the rest (the path is the pattern with the params put in).
monitor::http::Response call(const monitor::api::ApiSources& sources, const std::string& method,
                             const std::string& pattern, const std::map<std::string, std::string>& query = {},
                             const std::map<std::string, std::string>& params = {}, const std::string& body = {});
// The response's body parsed (ordered, so key order can be checked).
nlohmann::ordered_json json_of(const monitor::http::Response& response);

}  // namespace organism::test

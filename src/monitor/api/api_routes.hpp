// The monitor's HTTP API as routes (http::Route, monitor/http/route.hpp): every GET and POST of
// docs/api.md except /metrics and /alerts (monitor/metrics, monitor/alerts add theirs). The server
// (monitor/http) serves them; `organism serve` and `organism run --listen` build them.
//
// Every handler opens the files it reads per request, read-only (SQLite WAL readers: safe while the
// daemon writes), keeps no state between requests and so may run on any number of threads at once.
#pragma once

#include <vector>

#include "monitor/api/api_sources.hpp"
#include "monitor/http/route.hpp"

namespace organism::monitor::api {

std::vector<http::Route> api_routes(const ApiSources& sources);

// The parts, for the tests and for a server that wants only some of them.
std::vector<http::Route> trading_routes(const ApiSources& sources);   // api_trading_routes.cpp
std::vector<http::Route> store_routes(const ApiSources& sources);     // api_store_routes.cpp
http::Route health_route(const ApiSources& sources);                  // health_route.cpp

}  // namespace organism::monitor::api

// The monitor's HTTP contract between the server (http_server.hpp: Boost.Beast, TLS, auth, limits)
// and the API's handlers (monitor/api/): a parsed request in, a response out. Handlers never see
// a socket, so they are tested by calling them, and the server is tested with any handler.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace organism::monitor::http {

struct Request {
  std::string method{};                              // "GET", "POST", ...
  std::string path{};                                // "/strategies/abc", percent-decoded, no query
  std::map<std::string, std::string> query{};        // "?state=paper&x=1" (decoded; last one wins)
  std::map<std::string, std::string> path_params{};  // {"id": "abc"} for the pattern "/strategies/{id}"
  std::string body{};
  std::string remote_ip{};
};

struct Response {
  int status = 200;
  std::string body{};
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers{};  // extra ones (e.g. Retry-After)

  // {"error": message} with the status: every refusal of the API reads the same way.
  static Response error(int status, const std::string& message);
  static Response json(std::string body, int status = 200);
  static Response text(std::string body, std::string content_type = "text/plain; charset=utf-8");
};

using Handler = std::function<Response(const Request&)>;

struct Route {
  std::string method{};   // "GET" or "POST"
  std::string pattern{};  // "/strategies" or "/strategies/{id}": a {name} segment matches one segment
  Handler handler{};
  bool public_route = false;  // served without the bearer token (only /health)
};

}  // namespace organism::monitor::http

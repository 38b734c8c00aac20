// The server's router: a request target against the routes' exact method + pattern, `{name}`
// segments captured into Request::path_params, the query string parsed and percent-decoded.
// Pure (no sockets), so its rules are tested by calling it.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "monitor/http/route.hpp"

namespace organism::monitor::http {

// "%41+b" → "A+b" (or "A b" with plus_as_space, as in a query); nullopt for a broken escape
// ("%4", "%zz") or a decoded NUL.
std::optional<std::string> percent_decode(std::string_view text, bool plus_as_space);

// `text` cut to 200 characters with every byte outside printable ASCII as '?': what a client sent,
// safe to quote in a JSON error (which must be UTF-8) or a log line.
std::string printable(std::string_view text);

class Router {
 public:
  // core::UsageError for a pattern that does not start with '/', an empty "{}" segment, or a
  // method + pattern given twice.
  explicit Router(std::vector<Route> routes);

  struct Match {
    const Route* route = nullptr;  // null: `status` says why (400, 404, 405)
    int status = 200;
    std::string allow{};  // 405: the methods the path has, "GET, POST"
    std::string error{};  // the message of a refusal
  };
  // Routes `method` + `target` ("/a/b?x=1"); fills request.path, .query and .path_params.
  Match match(std::string_view method, std::string_view target, Request& request) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  struct Compiled {
    std::vector<std::string> segments;  // "{id}" kept as is; see is_param
    std::vector<bool> is_param;
  };
  bool matches(const Compiled& pattern, const std::vector<std::string>& segments,
               std::map<std::string, std::string>* params) const;

  std::vector<Route> routes_;
  std::vector<Compiled> compiled_;
};

}  // namespace organism::monitor::http

// What every API handler shares (api_support.cpp): refusals as exceptions that become the
// {"error": ...} response, the query's numbers and times checked by name, the store opened
// read-only (503 naming the file when it cannot be), a journal that may be missing.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "core/time.hpp"
#include "data/store.hpp"
#include "monitor/http/route.hpp"

namespace organism::monitor::api {

// A refusal with its HTTP status: 400 (bad parameter), 404 (unknown id), 503 (a file unreadable).
struct ApiError : std::runtime_error {
  ApiError(int http_status, const std::string& message) : std::runtime_error(message), status(http_status) {}
  int status;
};

// The handler's JSON as a response with `status`; an ApiError as its status, any other exception
// as 500, each {"error": message}.
http::Handler json_handler(std::function<nlohmann::ordered_json(const http::Request&)> body, int status = 200);

// The store at `path` read-only; ApiError 503 naming the file when it cannot be opened.
data::Store open_store(const std::string& path);

// Query parameters: absent -> nullopt; present but bad -> ApiError 400 naming the parameter.
std::optional<std::size_t> count_param(const http::Request& request, const std::string& name, std::size_t max);
std::optional<core::TimeMs> time_param(const http::Request& request, const std::string& name);
bool flag_param(const http::Request& request, const std::string& name);  // "1" or "true"

// Whether a journal file exists: a missing journal is no error, that journal's part is empty.
bool journal_exists(const std::string& path);

}  // namespace organism::monitor::api

#include "monitor/api/api_support.hpp"

#include <charconv>
#include <filesystem>
#include <utility>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/text.hpp"

namespace organism::monitor::api {

http::Handler json_handler(std::function<nlohmann::ordered_json(const http::Request&)> body, int status) {
  return [body = std::move(body), status](const http::Request& request) {
    try {
      return http::Response::json(body(request).dump(), status);
    } catch (const ApiError& e) {
      return http::Response::error(e.status, e.what());
    } catch (const std::exception& e) {
      // A file that changed under a reader, a damaged row: the request fails, the server stays.
      return http::Response::error(500, e.what());
    }
  };
}

data::Store open_store(const std::string& path) {
  try {
    return data::Store::open_existing(path);
  } catch (const std::exception& e) {
    const std::string message = e.what();
    // The store's own messages name the file; one that does not (SQLite's) gets it here.
    throw ApiError(503, message.find(path) == std::string::npos ? fmt::format("store {}: {}", path, message) : message);
  }
}

std::optional<std::size_t> count_param(const http::Request& request, const std::string& name, std::size_t max) {
  const auto it = request.query.find(name);
  if (it == request.query.end()) return std::nullopt;
  const std::string& text = it->second;
  std::size_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 1 || value > max) {
    throw ApiError(400, fmt::format("query parameter '{}': '{}' is not a whole number from 1 to {}", name, text, max));
  }
  return value;
}

std::optional<core::TimeMs> time_param(const http::Request& request, const std::string& name) {
  const auto it = request.query.find(name);
  if (it == request.query.end()) return std::nullopt;
  const auto t = core::parse_time(it->second);
  if (!t) {
    throw ApiError(400, fmt::format("query parameter '{}': '{}' is not a UTC date/time or epoch ms", name, it->second));
  }
  return *t;
}

bool flag_param(const http::Request& request, const std::string& name) {
  const auto it = request.query.find(name);
  if (it == request.query.end()) return false;
  if (it->second == "1" || it->second == "true") return true;
  if (it->second == "0" || it->second == "false") return false;
  throw ApiError(400, fmt::format("query parameter '{}': '{}' is not 1, 0, true or false", name, it->second));
}

bool journal_exists(const std::string& path) { return !path.empty() && std::filesystem::exists(path); }

}  // namespace organism::monitor::api

#include "monitor/http/router.hpp"

#include <algorithm>
#include <charconv>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/error.hpp"

namespace organism::monitor::http {
namespace {

// "/a/b" → {"a", "b"}; "/" → {}; "/a/" → {"a", ""}: a trailing slash is a different path.
std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  if (path == "/") return out;
  std::size_t start = 1;
  for (;;) {
    const auto slash = path.find('/', start);
    out.push_back(path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

}  // namespace

std::string printable(std::string_view text) {
  constexpr std::size_t kMax = 200;
  std::string out;
  for (const char c : text.substr(0, kMax)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (text.size() > kMax) out += "...";
  return out;
}

std::optional<std::string> percent_decode(std::string_view text, bool plus_as_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      unsigned value = 0;
      const char* digits = text.data() + i + 1;
      const auto [end, error] = std::from_chars(digits, digits + 2, value, 16);
      if (error != std::errc{} || end != digits + 2 || value == 0) return std::nullopt;  // "%4z", "%+1", "%00"
      out += static_cast<char>(value);
      i += 2;
    } else if (c == '+' && plus_as_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

Router::Router(std::vector<Route> routes) : routes_(std::move(routes)) {
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& route : routes_) {
    if (!route.pattern.starts_with('/'))
      throw core::UsageError(fmt::format("route pattern '{}' does not start with '/'", route.pattern));
    if (!seen.emplace(route.method, route.pattern).second)
      throw core::UsageError(fmt::format("route {} {} is given twice", route.method, route.pattern));
    Compiled c;
    for (const auto segment : split_path(route.pattern)) {
      const bool param = segment.size() >= 2 && segment.front() == '{' && segment.back() == '}';
      if (param && segment.size() == 2)
        throw core::UsageError(fmt::format("route pattern '{}' has an unnamed {{}} segment", route.pattern));
      c.segments.emplace_back(param ? segment.substr(1, segment.size() - 2) : segment);
      c.is_param.push_back(param);
    }
    compiled_.push_back(std::move(c));
  }
}

bool Router::matches(const Compiled& pattern, const std::vector<std::string>& segments,
                     std::map<std::string, std::string>* params) const {
  if (pattern.segments.size() != segments.size()) return false;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (pattern.is_param[i]) {
      if (segments[i].empty()) return false;  // "/strategies/" names no strategy
      if (params) (*params)[pattern.segments[i]] = segments[i];
    } else if (pattern.segments[i] != segments[i]) {
      return false;
    }
  }
  return true;
}

Router::Match Router::match(std::string_view method, std::string_view target, Request& request) const {
  Match out;
  if (!target.starts_with('/')) {
    out.status = 400;
    out.error = "the request target must be a path starting with '/'";
    return out;
  }
  const auto question = target.find('?');
  const std::string_view raw_path = target.substr(0, question);
  const std::string_view raw_query = question == std::string_view::npos ? std::string_view{} : target.substr(question + 1);

  // Segments are decoded one by one, so an escaped '/' (%2F) stays inside its segment.
  std::vector<std::string> segments;
  for (const auto raw : split_path(raw_path)) {
    auto decoded = percent_decode(raw, false);
    if (!decoded) {
      out.status = 400;
      out.error = "malformed percent-encoding in the path";
      return out;
    }
    segments.push_back(std::move(*decoded));
  }
  auto path = percent_decode(raw_path, false);
  request.path = path ? std::move(*path) : std::string(raw_path);

  request.query.clear();
  std::size_t start = 0;
  while (start <= raw_query.size() && !raw_query.empty()) {
    const auto amp = raw_query.find('&', start);
    const auto pair = raw_query.substr(start, amp == std::string_view::npos ? std::string_view::npos : amp - start);
    if (!pair.empty()) {
      const auto eq = pair.find('=');
      auto key = percent_decode(pair.substr(0, eq), true);
      auto value = percent_decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1), true);
      if (!key || !value) {
        out.status = 400;
        out.error = "malformed percent-encoding in the query";
        return out;
      }
      request.query[*key] = *value;  // the last one wins
    }
    if (amp == std::string_view::npos) break;
    start = amp + 1;
  }

  std::vector<std::string> methods;
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    if (!matches(compiled_[i], segments, nullptr)) continue;
    if (routes_[i].method == method) {
      request.path_params.clear();
      matches(compiled_[i], segments, &request.path_params);
      out.route = &routes_[i];
      return out;
    }
    if (std::find(methods.begin(), methods.end(), routes_[i].method) == methods.end()) methods.push_back(routes_[i].method);
  }
  if (methods.empty()) {
    out.status = 404;
    out.error = fmt::format("no route {}", printable(request.path));
  } else {
    out.status = 405;
    out.allow = fmt::format("{}", fmt::join(methods, ", "));
    out.error = fmt::format("method {} is not allowed on {} (allowed: {})", printable(method), printable(request.path),
                            out.allow);
  }
  return out;
}

}  // namespace organism::monitor::http

// Alerts as JSON (alert.hpp).
#include "monitor/alerts/alert.hpp"

#include <algorithm>
#include <cctype>

#include "core/time.hpp"

namespace organism::monitor {

nlohmann::json to_json(const Alert& a) {
  return {{"id", a.id},     {"time", a.time_ms},   {"key", a.key},   {"severity", a.severity},
          {"kind", a.kind}, {"title", a.title},    {"text", a.text}, {"fields", a.fields}};
}

std::string webhook_payload(const Alert& a) {
  std::string severity = a.severity;
  std::transform(severity.begin(), severity.end(), severity.begin(), [](unsigned char c) { return std::toupper(c); });
  nlohmann::json j{{"id", a.id},
                   {"time", a.time_ms},
                   {"time_utc", core::format_utc(a.time_ms) + " UTC"},
                   {"severity", a.severity},
                   {"kind", a.kind},
                   {"title", a.title},
                   {"text", a.text},
                   {"fields", a.fields},
                   {"source", "organism"},
                   {"text_markdown", "*[" + severity + "] " + a.title + "*\n" + a.text}};
  // Invalid UTF-8 in a daemon's error text must not make the alert unsendable.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace organism::monitor

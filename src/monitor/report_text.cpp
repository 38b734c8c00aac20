#include "monitor/report_text.hpp"

#include <fmt/format.h>

#include <cmath>

namespace organism::monitor {

namespace {

// Each character through `replacement` (nullptr: the character itself).
std::string replace_chars(std::string_view text, const char* (*replacement)(char)) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const char* r = replacement(c);
    if (r) {
      out += r;
    } else {
      out += c;
    }
  }
  return out;
}

const char* html_entity(char c) {
  switch (c) {
    case '&':
      return "&amp;";
    case '<':
      return "&lt;";
    case '>':
      return "&gt;";
    case '"':
      return "&quot;";
    case '\'':
      return "&#39;";
    default:
      return nullptr;
  }
}

const char* json_unicode_escape(char c) {
  switch (c) {
    case '<':
      return "\\u003c";
    case '>':
      return "\\u003e";
    case '&':
      return "\\u0026";
    default:
      return nullptr;
  }
}

}  // namespace

std::string html_escape(std::string_view text) { return replace_chars(text, html_entity); }

std::string script_json(const nlohmann::json& value) {
  // Outside strings JSON has none of these characters, so replacing them everywhere only
  // rewrites string contents, into escapes JSON.parse reads back as the same characters.
  return replace_chars(value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                       json_unicode_escape);
}

std::string group_thousands(long long value) {
  const std::string digits = fmt::format("{}", value < 0 ? -static_cast<unsigned long long>(value)
                                                         : static_cast<unsigned long long>(value));
  std::string out = value < 0 ? "-" : "";
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string percent(double p) {
  const double pct = 100 * p;
  if (pct > 0 && pct < 0.1) return "<0.1%";
  if (pct > 99.9 && pct < 100) return ">99.9%";
  // Whole percents, but not where rounding would say 0% or 100% of something that is not.
  if ((pct > 0 && pct < 0.5) || (pct > 99 && pct < 100)) return fmt::format("{:.1f}%", pct);
  return fmt::format("{:.0f}%", pct);
}

std::string dsr_reading(std::optional<double> dsr, long long trials) {
  if (!dsr) return "DSR: not validated.";
  const std::string after =
      trials > 0 ? fmt::format(" after {} trials", group_thousands(trials)) : "";
  return fmt::format("DSR {:.2f}: {} probability that the true Sharpe ratio is above zero{}.", *dsr,
                     percent(*dsr), after);
}

std::string pbo_reading(std::optional<double> pbo) {
  if (!pbo) return "PBO: not validated.";
  const char* verdict = *pbo < 0.2   ? "low: little sign of overfitting"
                        : *pbo < 0.5 ? "moderate: treat the selection with caution"
                                     : "high: the selection is likely overfit";
  return fmt::format(
      "PBO {:.2f}: {} probability that the configuration best in-sample ranks below the median out "
      "of sample ({}).",
      *pbo, percent(*pbo), verdict);
}

std::optional<double> number_at(const nlohmann::json& object, std::string_view key) {
  if (!object.is_object()) return std::nullopt;
  const auto it = object.find(key);
  if (it == object.end() || !it->is_number()) return std::nullopt;
  const double v = it->get<double>();
  return std::isfinite(v) ? std::optional(v) : std::nullopt;
}

}  // namespace organism::monitor

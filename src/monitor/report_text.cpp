#include "monitor/report_text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>

namespace organism::monitor {

namespace {

struct Replacement {
  char from;
  std::string_view to;
};
constexpr std::array<Replacement, 5> kHtmlEntities = {
    {{'&', "&amp;"}, {'<', "&lt;"}, {'>', "&gt;"}, {'"', "&quot;"}, {'\'', "&#39;"}}};
constexpr std::array<Replacement, 3> kJsonUnicodeEscapes = {
    {{'<', "\\u003c"}, {'>', "\\u003e"}, {'&', "\\u0026"}}};

template <std::size_t N>
std::string replace_chars(std::string_view text, const std::array<Replacement, N>& table) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto* r = std::find_if(table.begin(), table.end(), [c](const Replacement& x) { return x.from == c; });
    if (r != table.end()) {
      out += r->to;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string html_escape(std::string_view text) { return replace_chars(text, kHtmlEntities); }

std::string script_json(const nlohmann::json& value) {
  // Outside strings JSON has none of these characters, so replacing them everywhere only
  // rewrites string contents, into escapes JSON.parse reads back as the same characters.
  return replace_chars(value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                       kJsonUnicodeEscapes);
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

std::string dsr_reading(const DsrFigures& f) {
  if (!f.held_out) return "DSR: not validated.";
  // A run validated before the held-out DSR existed: its "dsr" is the in-sample one over all trials.
  if (f.front_members <= 0) {
    const std::string after = f.trials > 0 ? fmt::format(" in {} trials", group_thousands(f.trials)) : "";
    return fmt::format("DSR {:.2f}: {} confidence that the Sharpe ratio beats the best that luck gives{}.", *f.held_out,
                       percent(*f.held_out), after);
  }
  std::string out = fmt::format(
      "Held-out DSR {:.2f}: {} confidence that the Sharpe ratio on the bars selection never saw beats the best that "
      "luck gives among {} independent front member{}.",
      *f.held_out, percent(*f.held_out), group_thousands(f.front_members), f.front_members == 1 ? "" : "s");
  if (f.in_sample) {
    out += fmt::format(
        " In-sample DSR {:.2f}: {} confidence that the in-sample Sharpe ratio beats the best of {} independent "
        "cluster{} of the {} trials.",
        *f.in_sample, percent(*f.in_sample), group_thousands(f.effective_trials), f.effective_trials == 1 ? "" : "s",
        group_thousands(f.trials));
  }
  return out;
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

std::optional<double> if_finite(double value) { return std::isfinite(value) ? std::optional(value) : std::nullopt; }

}  // namespace organism::monitor

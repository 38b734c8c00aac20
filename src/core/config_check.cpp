// The value checks of configuration keys (config_check.hpp).
#include "core/config_check.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <set>
#include <utility>

#include "core/text.hpp"
#include "core/time.hpp"

namespace organism::core {

namespace {

// A value as quoted in an error: a huge one is cut, so a pasted blob gives a short message.
std::string quoted(const std::string& value) {
  constexpr std::size_t kMaxShown = 40;
  if (value.size() <= kMaxShown) return "'" + value + "'";
  return "'" + value.substr(0, kMaxShown) + "...'";
}

bool contains(const Range& r, double v) {
  const bool lo_ok = r.lo_open ? v > r.lo : v >= r.lo;
  const bool hi_ok = r.hi_open ? v < r.hi : v <= r.hi;
  return lo_ok && hi_ok;
}

std::string with_note(std::string rule, std::string_view note) {
  if (!note.empty()) rule += fmt::format(" ({})", note);
  return rule;
}

ConfigCheck numeric(std::string_view kind, Range range, std::string_view note, bool whole_only) {
  const bool bounded = std::isfinite(range.lo) || std::isfinite(range.hi);
  std::string rule =
      with_note(bounded ? fmt::format("{} {}", kind, describe(range)) : std::string(kind), note);
  return {rule, [=](const std::string& value) -> std::optional<std::string> {
            const auto text = trim(value);
            std::optional<double> v;
            if (whole_only) {
              if (auto i = parse_int64(text)) v = static_cast<double>(*i);
            } else {
              v = parse_double(text);
            }
            if (v && std::isfinite(*v) && contains(range, *v)) return std::nullopt;
            return fmt::format("{} is not {}", quoted(value), rule);
          }};
}

}  // namespace

std::string describe(const Range& r) {
  const bool has_lo = std::isfinite(r.lo), has_hi = std::isfinite(r.hi);
  if (has_lo && has_hi) {
    return fmt::format("in {}{}, {}{}", r.lo_open ? '(' : '[', format_number(r.lo),
                       format_number(r.hi), r.hi_open ? ')' : ']');
  }
  if (has_lo) return fmt::format("{} {}", r.lo_open ? ">" : ">=", format_number(r.lo));
  if (has_hi) return fmt::format("{} {}", r.hi_open ? "<" : "<=", format_number(r.hi));
  return "(any)";
}

namespace check {

ConfigCheck text() { return {}; }

ConfigCheck nonempty() {
  return {"not empty", [](const std::string& value) -> std::optional<std::string> {
            if (!trim(value).empty()) return std::nullopt;
            return "must not be empty";
          }};
}

ConfigCheck number(Range range, std::string_view note) {
  return numeric("a number", range, note, false);
}
ConfigCheck whole(Range range, std::string_view note) {
  return numeric("a whole number", range, note, true);
}

ConfigCheck boolean() {
  return {"true or false", [](const std::string& value) -> std::optional<std::string> {
            static const std::set<std::string, std::less<>> kWords{
                "true", "1", "yes", "on", "false", "0", "no", "off", ""};
            if (kWords.contains(to_lower(trim(value)))) return std::nullopt;
            return fmt::format("{} is not true or false", quoted(value));
          }};
}

ConfigCheck one_of(std::initializer_list<std::string_view> words) {
  std::vector<std::string> list(words.begin(), words.end());
  std::string rule = fmt::format("one of {}", fmt::join(list, ", "));
  return {rule, [list, rule](const std::string& value) -> std::optional<std::string> {
            for (const auto& w : list) {
              if (value == w) return std::nullopt;
            }
            return fmt::format("{} is not {}", quoted(value), rule);
          }};
}

ConfigCheck interval() {
  return {"an interval (" + interval_names() + ")",
          [](const std::string& value) -> std::optional<std::string> {
            if (Interval::parse(value)) return std::nullopt;
            return fmt::format("{} is not an interval ({})", quoted(value), interval_names());
          }};
}

ConfigCheck utc_time() {
  return {"a UTC date or epoch ms", [](const std::string& value) -> std::optional<std::string> {
            if (parse_time(trim(value))) return std::nullopt;
            return fmt::format("{} is not a UTC date (2020-01-01, 2020-01-01T12:00) or epoch ms",
                               quoted(value));
          }};
}

ConfigCheck distinct_names() {
  return {"a list of distinct names", [](const std::string& value) -> std::optional<std::string> {
            const auto names = split_list(value);
            if (names.empty()) return "must name at least one";
            std::set<std::string, std::less<>> seen;
            for (const auto& n : names) {
              if (!seen.insert(n).second) return fmt::format("{} names {} twice", quoted(value), n);
            }
            return std::nullopt;
          }};
}

ConfigCheck custom(std::string rule,
                   std::function<std::optional<std::string>(const std::string&)> test) {
  return {std::move(rule), std::move(test)};
}

}  // namespace check
}  // namespace organism::core

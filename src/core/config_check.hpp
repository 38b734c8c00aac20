// The range a configuration key's value must be in: a rule in words (for `config show`, the docs
// and the error) and the test itself. Each layer attaches one to every key it declares
// (<layer>/config_keys.cpp), so a value is refused where it is declared, naming the key.
#pragma once

#include <functional>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace organism::core {

struct ConfigCheck {
  std::string rule;  // "a number in [0, 1]"; empty: any text
  // Why `value` is refused ("'5' is not a number in [0, 1]"), or nullopt when it is accepted.
  std::function<std::optional<std::string>(const std::string& value)> problem;
};

// A numeric range; either end may be absent (infinite) and each is closed unless marked open.
struct Range {
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
  bool lo_open = false;
  bool hi_open = false;
};
constexpr Range closed(double lo, double hi) { return {lo, hi, false, false}; }
constexpr Range at_least(double lo) { return {.lo = lo}; }
constexpr Range above(double lo) { return {.lo = lo, .lo_open = true}; }
constexpr Range at_most(double hi) { return {.hi = hi}; }
constexpr Range open_closed(double lo, double hi) { return {lo, hi, true, false}; }
constexpr Range closed_open(double lo, double hi) { return {lo, hi, false, true}; }
// "in [0, 1]", "in (0, 5]", ">= 0", "> 0", "<= 1".
std::string describe(const Range& range);

namespace check {
ConfigCheck text();                                           // anything
ConfigCheck nonempty();                                       // any text but the empty one
ConfigCheck number(Range range, std::string_view note = "");  // finite, in range
ConfigCheck whole(Range range, std::string_view note = "");   // a whole number in range
ConfigCheck boolean();  // true/false, yes/no, on/off, 1/0 (empty is false)
ConfigCheck one_of(std::initializer_list<std::string_view> words);
ConfigCheck interval();  // a bar interval name: 1m ... 1M
ConfigCheck utc_time();  // a UTC date ("2020-01-01", "2020-01-01T12:00") or epoch milliseconds
// A comma-separated list of at least one name, none twice ("BTC,ETH").
ConfigCheck distinct_names();
// A check of its own: `test` returns why a value is refused, or nullopt.
ConfigCheck custom(std::string rule,
                   std::function<std::optional<std::string>(const std::string&)> test);
}  // namespace check

}  // namespace organism::core

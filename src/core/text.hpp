// Small text utilities: trimming, splitting, strict number parsing and round-trip formatting.
// Used by the importers, the config loader and the CLI.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace organism::core {

std::string_view trim(std::string_view s);
std::string to_lower(std::string_view s);
// "a, b,,c" -> {"a", "b", "c"}.
std::vector<std::string> split_list(std::string_view s, char sep = ',');

// Whole-field parses: the entire text must be the number (no trailing junk, no leading '+').
// parse_double accepts "inf"/"nan" spellings; callers decide whether non-finite values are allowed.
std::optional<double> parse_double(std::string_view s);
std::optional<std::int64_t> parse_int64(std::string_view s);

// Shortest text that reads back to the same double, in plain decimal (never an exponent), as in
// ../shared/data: 7225, 0.0000125, 82765.5.
std::string format_number(double v);
// Appends format_number(v) to out without a temporary string (hot in CSV export).
void append_number(std::string& out, double v);

// Parses "2024-01-31", "2024-01-31T12:00", "2024-01-31 12:00:00" (UTC) or epoch milliseconds.
std::optional<std::int64_t> parse_time(std::string_view s);

}  // namespace organism::core

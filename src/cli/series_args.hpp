// Picking a stored series from --venue/--coin/--interval, and reading a time flag (--from,
// --to, --since, ...), shared by the commands that take them.
#pragma once

#include <optional>
#include <string>

#include "cli/context.hpp"
#include "core/time.hpp"
#include "data/store.hpp"

namespace organism::cli {

// The venue to use for coin (at interval, if given): --venue when given, the only venue that
// holds the coin, or config data.venue when several do. UsageError naming the choices otherwise,
// core::Error when no venue holds it.
std::string resolve_venue(data::Store& store, const Context& ctx, const std::string& venue,
                          const std::string& coin, const std::string& interval);

// A time flag's value: a UTC date ("2024-01-31"), date and time, or epoch milliseconds;
// core::UsageError naming the flag otherwise. The second form gives `none` for an empty value
// (the flag not given).
core::TimeMs time_flag(const std::string& text, const char* flag);
core::TimeMs time_flag(const std::string& text, const char* flag, core::TimeMs none);

}  // namespace organism::cli

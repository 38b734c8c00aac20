#include "cli/series_args.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/error.hpp"
#include "core/text.hpp"
#include "data/venue_choice.hpp"

namespace organism::cli {

std::string resolve_venue(data::Store& store, const Context& ctx, const std::string& venue,
                          const std::string& coin, const std::string& interval) {
  return data::resolve_venue(store, venue, coin, interval, ctx.config.get("data.venue"));
}

core::TimeMs time_flag(const std::string& text, const char* flag) {
  const auto t = core::parse_time(text);
  if (!t) {
    throw core::UsageError(
        fmt::format("{} '{}': expected a UTC date (2024-01-31), date and time, or epoch ms", flag, text));
  }
  return *t;
}

core::TimeMs time_flag(const std::string& text, const char* flag, core::TimeMs none) {
  return text.empty() ? none : time_flag(text, flag);
}

}  // namespace organism::cli

#include "cli/series_args.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/error.hpp"
#include "core/text.hpp"

namespace organism::cli {

std::string resolve_venue(data::Store& store, const Context& ctx, const std::string& venue,
                          const std::string& coin, const std::string& interval) {
  if (!venue.empty()) return venue;
  const auto venues = store.venues_for(coin, interval);
  const std::string what = interval.empty() ? coin : coin + " " + interval;
  if (venues.empty()) {
    throw core::Error(fmt::format("no {} candles in store {} (see 'organism data list')", what, store.path()));
  }
  if (venues.size() == 1) return venues.front();
  const auto& preferred = ctx.config.get("data.venue");
  if (std::find(venues.begin(), venues.end(), preferred) != venues.end()) return preferred;
  throw core::UsageError(fmt::format("{} exists on several venues ({}): pass --venue or set data.venue",
                                     what, fmt::join(venues, ", ")));
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

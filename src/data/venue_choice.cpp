#include "data/venue_choice.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/error.hpp"

namespace organism::data {

std::string resolve_venue(Store& store, const std::string& venue, const std::string& coin, const std::string& interval,
                          const std::string& preferred) {
  if (!venue.empty()) return venue;
  const auto venues = store.venues_for(coin, interval);
  const std::string what = interval.empty() ? coin : coin + " " + interval;
  if (venues.empty()) {
    throw core::Error(fmt::format("no {} candles in store {} (see 'organism data list')", what, store.path()));
  }
  if (venues.size() == 1) return venues.front();
  if (std::find(venues.begin(), venues.end(), preferred) != venues.end()) return preferred;
  throw core::UsageError(fmt::format("{} exists on several venues ({}): pass --venue or set data.venue",
                                     what, fmt::join(venues, ", ")));
}

}  // namespace organism::data

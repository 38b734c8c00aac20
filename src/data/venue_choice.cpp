#include "data/venue_choice.hpp"

#include <algorithm>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/error.hpp"

namespace organism::data {
namespace {

// The venue of `what` ("BTC 1h") `kind` ("candles", "funding") stored under `venues`: the only
// one, or `preferred` among several.
std::string choose(const std::vector<std::string>& venues, const std::string& what, std::string_view kind,
                   const std::string& preferred, const Store& store) {
  if (venues.empty()) {
    throw core::Error(fmt::format("no {} {} in store {} (see 'organism data list')", what, kind, store.path()));
  }
  if (venues.size() == 1) return venues.front();
  if (std::find(venues.begin(), venues.end(), preferred) != venues.end()) return preferred;
  throw core::UsageError(fmt::format("{} exists on several venues ({}): pass --venue or set data.venue",
                                     what, fmt::join(venues, ", ")));
}

}  // namespace

std::string resolve_venue(Store& store, const std::string& venue, const std::string& coin, const std::string& interval,
                          const std::string& preferred) {
  if (!venue.empty()) return venue;
  return choose(store.venues_for(coin, interval), interval.empty() ? coin : coin + " " + interval, "candles",
                preferred, store);
}

std::string resolve_funding_venue(Store& store, const std::string& venue, const std::string& coin,
                                  const std::string& preferred) {
  if (!venue.empty()) return venue;
  std::vector<std::string> venues;
  for (const auto& f : store.list_funding()) {
    if (f.coin == coin) venues.push_back(f.venue);
  }
  return choose(venues, coin, "funding", preferred, store);
}

}  // namespace organism::data

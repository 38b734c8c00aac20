// Which venue's series to read when a coin is named without one (`--venue`, data.venue).
#pragma once

#include <string>

#include "data/store.hpp"

namespace organism::data {

// `venue` when given; else the only venue `coin` (at `interval`, when not empty) is stored on;
// else `preferred` when it is one of them. core::Error when the coin is not stored,
// core::UsageError naming the venues when it is on several and none is chosen.
std::string resolve_venue(Store& store, const std::string& venue, const std::string& coin, const std::string& interval,
                          const std::string& preferred);
// The same choice among the venues `coin`'s funding is stored under (which may differ from its
// candles').
std::string resolve_funding_venue(Store& store, const std::string& venue, const std::string& coin,
                                  const std::string& preferred);

}  // namespace organism::data

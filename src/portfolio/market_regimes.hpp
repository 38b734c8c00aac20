// The market regime of every stored bar: each coin of a stored market classified
// (indicators::classify_regimes, with the store's sentiment), its labels written back to the store,
// and the share of bars in each regime. Used by `organism portfolio regimes`.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "data/market.hpp"
#include "data/store.hpp"
#include "indicators/regime.hpp"

namespace organism::portfolio {

// One coin's labels over the requested window.
struct CoinRegimes {
  data::SeriesKey key;
  std::string label;                          // venue:coin:interval
  std::vector<core::TimeMs> times;            // its bars with from <= time < to
  std::vector<indicators::Regime> regimes;    // one per time
};

// Every coin of `spec` built from the store (data::build_market: its venues are written back into
// spec, sentiment is the store's only source) and classified over its whole series, so the windows
// are warm at `from`; then only the bars in [from, to) are kept. core::UsageError for bad options.
std::vector<CoinRegimes> classify_market(data::Store& store, data::MarketSpec& spec,
                                         const indicators::RegimeOptions& options, core::TimeMs from,
                                         core::TimeMs to, const std::string& preferred_venue = "");

// Writes one coin's labels in one transaction; returns the rows written.
std::size_t store_regimes(data::Store& store, const CoinRegimes& coin);

// Share of bars per value of one regime part, "unknown" included, in enum order (every value listed).
struct RegimeShare {
  std::string regime;
  std::int64_t bars = 0;
  double share = 0;  // bars / all bars; 0 without bars
};
struct RegimeShares {
  std::vector<RegimeShare> vol, trend, sentiment;
};
RegimeShares regime_shares(std::span<const indicators::Regime> regimes);

}  // namespace organism::portfolio

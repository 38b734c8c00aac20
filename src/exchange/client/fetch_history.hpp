// Incremental history download into the store (`organism data fetch`): candles and, optionally,
// funding of each coin under venue "hyperliquid", so fetched and imported series meet. Resumes
// after the last stored bar, pages under the exchange's response caps, stores closed bars only,
// and writes each page in one transaction (an error leaves whole pages, never half of one).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/time.hpp"
#include "data/store.hpp"
#include "exchange/client/info_client.hpp"

namespace organism::exchange::client {

inline constexpr const char* kHyperliquidVenue = "hyperliquid";

struct FetchOptions {
  std::vector<std::string> coins;
  core::Interval interval = core::Interval::parse_or_throw("1h");
  std::optional<TimeMs> since;  // first bar open to fetch (default: the oldest the exchange has)
  std::optional<TimeMs> until;  // bars opening at or after this are not fetched (default: now)
  bool funding = false;
  std::string venue = kHyperliquidVenue;
};

struct CoinFetchResult {
  std::string coin;
  std::int64_t new_bars = 0, updated_bars = 0, pages = 0;
  TimeMs first = 0, last = 0;  // of the bars written this run (0 when none)
  std::int64_t new_funding = 0, funding_pages = 0;
};

// Called after each page: the coin, bars written so far for it.
using FetchProgress = std::function<void(const std::string& coin, std::int64_t bars)>;

// The store side of a fetch, shared with the live bars (market_data_source): the open time of the
// last stored bar / funding row, and writes of closed bars and of a funding reply page (hour-keyed),
// each in one transaction. Returns the counts written.
std::optional<TimeMs> last_stored_bar(data::Store& store, const data::SeriesKey& key);
std::optional<TimeMs> last_stored_funding(data::Store& store, const std::string& venue, const std::string& coin);
data::UpsertCounts store_bars(data::Store& store, const data::SeriesKey& key, const data::Candles& bars);
std::int64_t store_funding(data::Store& store, const std::string& venue, const std::string& coin,
                           const std::vector<FundingReply>& page);

// `wall` says what "now" is when no --until is given (a simulator's market may be in the past:
// the exchange's own newest bar, not the wall clock, decides which bar is still open).
std::vector<CoinFetchResult> fetch_history(InfoClient& info, data::Store& store, const FetchOptions& options,
                                           const core::Clock& wall, const FetchProgress& progress = {});

}  // namespace organism::exchange::client

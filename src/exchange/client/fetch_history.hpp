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

// `wall` says what "now" is when no --until is given (a simulator's market may be in the past:
// the exchange's own newest bar, not the wall clock, decides which bar is still open).
std::vector<CoinFetchResult> fetch_history(InfoClient& info, data::Store& store, const FetchOptions& options,
                                           const core::Clock& wall, const FetchProgress& progress = {});

}  // namespace organism::exchange::client

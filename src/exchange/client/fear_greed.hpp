// The Crypto Fear & Greed Index from alternative.me's public API into the store's sentiment series
// "fear_greed", incrementally. Used by `organism data fetch --source fear-greed`.
//
// It lives beside the exchange client although the index is not the exchange: it is network I/O
// (which the data layer never does) over the same verified HTTPS transport, proxy setting and
// retry policy, and the rows it writes meet those of `organism data import` (00:00 UTC in ms).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/time.hpp"
#include "data/series.hpp"
#include "data/store.hpp"
#include "exchange/client/http_transport.hpp"
#include "exchange/client/retry_policy.hpp"

namespace organism::exchange::client {

inline constexpr std::string_view kFearGreedUrl = "https://api.alternative.me/fng/";
// The source name `data import` gives sentiment/fear_greed.csv and `backtest --sentiment` reads.
inline constexpr std::string_view kFearGreedSource = "fear_greed";

// The API's reply, {"data":[{"value":"25","value_classification":"Extreme Fear",
// "timestamp":"1700000000"}, ...]} newest first, as a series in ascending time (ms at 00:00 UTC).
// Every row is checked (value a whole number 0..100 as a string or number, timestamp whole seconds
// at 00:00 UTC, strictly older than the row before, classification a non-empty string); the first
// bad row is a core::Error "fear_greed reply: row I: field 'F': ...".
data::SentimentSeries parse_fear_greed(std::string_view body, std::string_view source = kFearGreedSource);

struct FearGreedOptions {
  std::string url{kFearGreedUrl};  // the API endpoint; the query ?limit=N is appended
  std::string source{kFearGreedSource};
  TransportOptions transport{};
  RetryPolicy retry{};
  std::function<void(core::TimeMs)> sleep{};  // empty: really sleep between retries
};

struct FearGreedResult {
  std::int64_t new_days = 0;
  std::int64_t limit = 0;  // the ?limit= asked for (0: all)
  core::TimeMs first = 0, last = 0;  // of the days written (0 when none)
  std::int64_t requests = 0, retries = 0;
};

// Asks for every day when the store has none of `source`, else for the days since its last one
// (plus two of slack), and writes only days after that last one, all in one transaction: a reply
// with any bad row writes nothing. Transport errors, 429 and 5xx are retried with full-jitter
// backoff; other statuses are errors quoting the reply. `wall` says which day it is.
FearGreedResult fetch_fear_greed(data::Store& store, const FearGreedOptions& options, const core::Clock& wall);

}  // namespace organism::exchange::client

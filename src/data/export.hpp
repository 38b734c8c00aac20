// Writes series as CSV (gzip when the name ends in .gz) in the import format, so an export
// re-imports to identical rows. Used by `organism data export` and `organism data synth --out`.
#pragma once

#include <string>

#include "data/series.hpp"

namespace organism::data {

// `time,open,high,low,close,volume`, plus `trades` when any bar's count is known (unknown counts
// are then empty cells). Written atomically: on error the target is untouched.
void write_candles_csv(const std::string& path, const CandleView& bars);
// `time,rate`.
void write_funding_csv(const std::string& path, const FundingSeries& funding);
// `time,value,classification`.
void write_sentiment_csv(const std::string& path, const SentimentSeries& sentiment);

}  // namespace organism::data

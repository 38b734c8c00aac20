// Aligning other series to bars without look-ahead: funding settlements summed per bar, and a
// daily sentiment index as the value in effect at each bar's open. Used by the market builder,
// the backtest and evolution, and the live feed (which appends to the same series).
#pragma once

#include <span>
#include <vector>

#include "core/time.hpp"
#include "data/series.hpp"

namespace organism::data {

// Funding rates summed per bar: settlements at times s with bar_open < s <= bar_open + bar_ms
// (paid by the position held through that bar). Rates outside the bars are ignored.
std::vector<double> funding_per_bar(std::span<const core::TimeMs> bar_times, core::TimeMs bar_ms,
                                    const FundingSeries& funding);

// Sentiment per bar: the latest value published at or before the bar's open; NaN before the first
// published value. Both time columns must increase.
std::vector<double> sentiment_per_bar(std::span<const core::TimeMs> bar_open,
                                      const SentimentSeries& sentiment);

}  // namespace organism::data

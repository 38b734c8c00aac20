// Aligns a daily sentiment index (Fear & Greed) to bars without look-ahead: each bar sees the
// latest value published at or before its open. Used by the backtest command to fill MarketView.
#pragma once

#include <span>
#include <vector>

#include "core/time.hpp"
#include "data/series.hpp"

namespace organism::strategy {

// One value per bar; NaN before the first published value. Both time columns must increase.
std::vector<double> sentiment_per_bar(std::span<const core::TimeMs> bar_open,
                                      const data::SentimentSeries& sentiment);

}  // namespace organism::strategy

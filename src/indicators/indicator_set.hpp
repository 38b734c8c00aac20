// Computes named indicator columns ("ema_30", "macd_signal_12_26_9", ...) from a candle series:
// the pure API behind `organism indicators` and behind strategies that ask for indicators by name.
// Column names and the spec grammar live in column_spec.hpp.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"
#include "data/series.hpp"
#include "indicators/cache.hpp"
#include "indicators/column_spec.hpp"

namespace organism::indicators {

struct NamedColumn {
  std::string name;            // canonical column name
  std::vector<double> values;  // one per bar; NaN where undefined (warm-up)
};

// What some columns read besides the candles.
struct ColumnInputs {
  // funding_rate, funding_mean_N and funding_z_N align this series to the bars (funding.hpp).
  const data::FundingSeries* funding = nullptr;
  // Bar length, for the funding alignment (bar close = open + bar_ms) and rvol_ann. 0: the
  // smallest step between consecutive bar times (gaps only make steps longer).
  core::TimeMs bar_ms = 0;
};

// Computes the named columns, in the order given, each sized like the series. Multi-output
// indicators (MACD, Bollinger, stochastic, Donchian, ADX) are computed once for all the columns
// asked of one parameter set. Throws core::UsageError, before computing anything, for an unknown
// or malformed name (the message lists the valid ones) or a funding column without funding data.
std::vector<NamedColumn> compute_columns(const data::CandleView& bars,
                                         const std::vector<std::string>& names,
                                         const ColumnInputs& inputs = {});

// One column.
std::vector<double> compute_column(const data::CandleView& bars, const ColumnSpec& column,
                                   const ColumnInputs& inputs = {});

// One column through the cache, keyed by (series_id, column). series_id must identify everything
// the column reads: the candles (see series_id()) and, for funding columns, the funding series.
SharedColumn cached_column(IndicatorCache& cache, const std::string& series_id,
                           const data::CandleView& bars, const ColumnSpec& column,
                           const ColumnInputs& inputs = {});

// "label@first_time..last_time#bars": two views with the same label, range and length hold the
// same bars when they come from one store, which is what the cache needs.
std::string series_id(std::string_view label, const data::CandleView& bars);

// Smallest positive step between consecutive times; 0 with fewer than two bars.
core::TimeMs infer_bar_ms(std::span<const core::TimeMs> time);

}  // namespace organism::indicators

// One named indicator column computed one bar at a time, for the streaming strategy Runtime (live
// and paper trading, replay): update(bar) returns exactly what compute_column gives at that bar
// over the same bars, bit for bit. Used by strategy::Runtime, the seed families, rule trees and
// the machine-learning features.
#pragma once

#include <memory>

#include "core/time.hpp"
#include "data/series.hpp"
#include "indicators/column_spec.hpp"

namespace organism::indicators {

class ColumnStream {
 public:
  virtual ~ColumnStream() = default;
  // The column's value at this bar, given every earlier bar in order. NaN while warming up.
  virtual double update(const data::Bar& bar) = 0;
};

// A stream for the column (validated as compute_column validates it). bar_ms is the bar length
// (rvol_ann's year scale). Funding columns read a funding series, not bars: they throw
// core::UsageError here (streaming strategies read funding per bar from the Runtime's input).
std::unique_ptr<ColumnStream> column_stream(const ColumnSpec& column, core::TimeMs bar_ms);

}  // namespace organism::indicators

// A synthetic hourly market for the trading loop's tests: a price that falls for 40 bars, then
// rises, so the tree family's default EMA(12/26) crossover goes short, then long.
#pragma once

#include <cstddef>

#include "core/time.hpp"
#include "data/series.hpp"

namespace organism::exec::testing {

inline constexpr core::TimeMs kStart = 1'700'000'000'000 - 1'700'000'000'000 % core::kHourMs;

// Bar i, its prices times `scale` (one market per coin at different levels).
inline data::Bar bar_at(std::size_t i, double scale) {
  const double x = i < 40 ? 100.0 - static_cast<double>(i) : 60.0 + 2.0 * (static_cast<double>(i) - 40.0);
  data::Bar b;
  b.time = kStart + static_cast<core::TimeMs>(i) * core::kHourMs;
  b.open = b.high = b.low = b.close = x * scale;
  b.high += 0.5 * scale;
  b.low -= 0.5 * scale;
  b.volume = 1;
  return b;
}

}  // namespace organism::exec::testing

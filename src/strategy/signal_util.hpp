// Small helpers shared by the seed families: a position state machine over bars, crosses, and the
// indicator columns families read. Used by src/strategy/seeds/ only.
#pragma once

#include <fmt/format.h>

#include <cmath>
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "indicators/column_spec.hpp"
#include "indicators/indicator_set.hpp"
#include "strategy/market.hpp"

namespace organism::strategy {

inline bool finite(double x) { return std::isfinite(x); }

// Runs `step(i, position) -> new position` from bar `start`, writing the position as the bar's
// exposure; bars before start are 0. The step is a template argument, inlined: no virtual call
// per bar, and a family's state (entry price, hold count) lives in the lambda's captures.
template <class Step>
void run_positions(std::span<double> exposure, std::size_t start, Step&& step) {
  double pos = 0;
  for (std::size_t i = 0; i < exposure.size(); ++i) {
    if (i >= start) pos = step(i, pos);
    exposure[i] = i >= start ? pos : 0.0;
  }
}

inline double sign(double x) { return x > 0 ? 1.0 : (x < 0 ? -1.0 : 0.0); }

// A named indicator column ("ema_30"), through the market's cache when it has one, so the many
// genomes evaluated on one series share each computation; the numbers are the same either way.
inline indicators::SharedColumn column(const MarketView& m, const std::string& name) {
  const auto spec = indicators::parse_column(name);
  if (m.cache != nullptr && !m.series_id.empty())
    return indicators::cached_column(*m.cache, m.series_id, m.bars, spec);
  return std::make_shared<const std::vector<double>>(indicators::compute_column(m.bars, spec));
}

// Hours in one bar, to express funding thresholds per hour whatever the interval.
inline double bar_hours(const MarketView& m) {
  return static_cast<double>(m.interval.nominal_ms()) / 3'600'000.0;
}

}  // namespace organism::strategy

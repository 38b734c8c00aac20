// Bars handed over as arrays rather than read from a file (the Python module's input): the rules
// the importer applies to a file's rows (import.cpp), with messages that name the array and the
// index instead of a file and a line.
#pragma once

#include <span>
#include <string_view>

#include "core/time.hpp"
#include "data/series.hpp"

namespace organism::data {

// Smallest positive spacing of a time column (0 with fewer than two distinct times).
TimeMs smallest_step(std::span<const TimeMs> times);

// Every bar usable: times >= 0 and strictly increasing; open, high, low and close finite and
// positive; volume finite and >= 0; high >= max(open, close) and low <= min(open, close).
// core::UsageError naming the first bad value, e.g. "close[3] = nan is not finite".
void check_bars(const CandleView& bars);

// The interval of `times` from their smallest step; core::UsageError when there are fewer than two
// bars or the step is no interval organism knows.
core::Interval interval_of(std::span<const TimeMs> times);

// Every value finite, as a rate must be; core::UsageError naming `what`[i].
void check_finite(std::span<const double> values, std::string_view what);
// Target exposures: finite and within [-1, 1], as a signal file's targets must be.
void check_targets(std::span<const double> values, std::string_view what);

}  // namespace organism::data

// Reads signal files for backtests: `time,target` (exposure in [-1, 1]) or `time,entry,exit`
// (0/1 or true/false), with the same bad-input rules as market data. Used by `organism backtest`.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "data/series.hpp"

namespace organism::data {

struct SignalFile {
  std::string path;
  bool events = false;                 // entry/exit columns rather than a target
  std::vector<TimeMs> time;            // strictly increasing
  std::vector<std::size_t> line;       // file line of each row, for alignment errors
  std::vector<double> target;          // when !events
  std::vector<std::uint8_t> entry, exit;  // when events
};

// Throws core::InputError ("FILE:LINE: what") for a bad row or header, core::Error for an
// unreadable or empty file.
SignalFile read_signals(const std::string& path);

// Signals must name exactly the bars' times: a signal row without a bar is a core::InputError
// naming its line and time, a bar without a signal row a core::Error naming the bar's time.
void require_aligned(const SignalFile& signals, std::span<const TimeMs> bar_times);

}  // namespace organism::data

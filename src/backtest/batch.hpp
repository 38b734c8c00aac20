// Runs many independent backtests across threads (oneTBB) with one reusable result buffer per
// thread, handing each result to a callback: memory stays O(threads x bars) however many
// backtests run, and no result depends on the thread count.
// Used by evolution's fitness evaluation and by benchmarks.
#pragma once

#include <cstddef>
#include <functional>
#include <span>

#include "backtest/simulator.hpp"

namespace organism::backtest {

// Called once per input, possibly from several threads at once (each call with a distinct index):
// it must only write to state owned by that index. The result is valid during the call only.
using BatchConsumer = std::function<void(std::size_t index, const BacktestResult& result)>;

// Runs every input on at most `threads` threads (0: all cores).
void run_batch(std::span<const BacktestInput> inputs, const BacktestConfig& config, const BatchConsumer& consume,
               int threads = 0);

}  // namespace organism::backtest

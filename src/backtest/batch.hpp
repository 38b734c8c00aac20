// Runs many independent backtests across threads (oneTBB), each into its own result, with no
// shared mutable state: the result of one task never depends on the thread count.
// Used by evolution's fitness evaluation and by benchmarks.
#pragma once

#include <span>

#include "backtest/simulator.hpp"

namespace organism::backtest {

// Runs inputs[i] into outputs[i] for every i, on at most `threads` threads (0: all cores).
// outputs must be as long as inputs; their buffers are reused.
void run_batch(std::span<const BacktestInput> inputs, const BacktestConfig& config,
               std::span<BacktestResult> outputs, int threads = 0);

}  // namespace organism::backtest

#include "backtest/batch.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "core/error.hpp"

namespace organism::backtest {

void run_batch(std::span<const BacktestInput> inputs, const BacktestConfig& config,
               std::span<BacktestResult> outputs, int threads) {
  if (outputs.size() != inputs.size()) throw core::UsageError("run_batch: one output per input is needed");
  validate(config);
  tbb::task_arena arena(threads > 0 ? threads : tbb::task_arena::automatic);
  arena.execute([&] {
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, inputs.size()), [&](const tbb::blocked_range<std::size_t>& r) {
      for (std::size_t i = r.begin(); i != r.end(); ++i) run_backtest(inputs[i], config, outputs[i]);
    });
  });
}

}  // namespace organism::backtest

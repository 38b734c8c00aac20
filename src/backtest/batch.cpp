#include "backtest/batch.hpp"

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

namespace organism::backtest {

void run_batch(std::span<const BacktestInput> inputs, const BacktestConfig& config, const BatchConsumer& consume,
               int threads) {
  check_config(config);
  tbb::enumerable_thread_specific<BacktestResult> scratch;
  tbb::task_arena arena(threads > 0 ? threads : tbb::task_arena::automatic);
  arena.execute([&] {
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, inputs.size()), [&](const tbb::blocked_range<std::size_t>& r) {
      auto& out = scratch.local();
      for (std::size_t i = r.begin(); i != r.end(); ++i) {
        run_backtest(inputs[i], config, out);
        consume(i, out);
      }
    });
  });
}

}  // namespace organism::backtest

// Metrics throughput: compute_metrics on a 1,000,000-bar equity curve with exposure and trades, as
// traded and rescaled to 20% volatility (evolution's objectives, evolve.target_volatility).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "backtest/metrics.hpp"
#include "core/random.hpp"

namespace {

using namespace organism;

void run_metrics(benchmark::State& state, double target_volatility) {
  constexpr std::size_t kBars = 1'000'000;
  core::Rng rng(1);
  std::vector<double> equity(kBars), exposure(kBars);
  std::vector<backtest::Trade> trades;
  double e = 10000, x = 0;
  for (std::size_t i = 0; i < kBars; ++i) {
    if (rng.bernoulli(0.01)) x = static_cast<double>(rng.below(3)) - 1.0;  // flat, long or short
    equity[i] = e *= 1.0 + x * 0.01 * rng.normal();
    exposure[i] = x;
    if (rng.bernoulli(0.01)) {
      backtest::Trade t;
      t.size = 1;
      t.entry_price = 100;
      t.pnl = rng.normal();
      trades.push_back(t);
    }
  }
  backtest::MetricsOptions options;
  options.target_volatility = target_volatility;
  for (auto _ : state) {
    const auto m = backtest::compute_metrics(equity, exposure, trades, options);
    benchmark::DoNotOptimize(m.sharpe);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kBars));
}

void BM_metrics_1M(benchmark::State& state) { run_metrics(state, 0); }
BENCHMARK(BM_metrics_1M)->Unit(benchmark::kMillisecond);

void BM_metrics_1M_scaled(benchmark::State& state) { run_metrics(state, 0.2); }
BENCHMARK(BM_metrics_1M_scaled)->Unit(benchmark::kMillisecond);

}  // namespace

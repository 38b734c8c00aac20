// Validation statistics: CSCV PBO over T = 20,000 bars x N = 200 strategies with S = 16 blocks
// (12,870 combinations), and one deflated Sharpe ratio.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <span>
#include <vector>

#include "core/random.hpp"
#include "validate/pbo.hpp"
#include "validate/sharpe_stats.hpp"

namespace {

using namespace organism;

void BM_pbo_20k_bars_200_strategies_16_blocks(benchmark::State& state) {
  constexpr std::size_t kBars = 20'000, kStrategies = 200;
  core::Rng rng(1);
  std::vector<std::vector<double>> returns(kStrategies, std::vector<double>(kBars));
  for (auto& series : returns) {
    for (double& r : series) r = 0.0001 + 0.01 * rng.normal();
  }
  const std::vector<std::span<const double>> columns(returns.begin(), returns.end());
  validate::PboOptions options;
  options.blocks = 16;
  for (auto _ : state) {
    const validate::PboResult result =
        validate::probability_of_backtest_overfitting(columns, options);
    benchmark::DoNotOptimize(result.pbo);
  }
  state.SetItemsProcessed(state.iterations() * validate::cscv_combinations(16));
}
BENCHMARK(BM_pbo_20k_bars_200_strategies_16_blocks)->Unit(benchmark::kMillisecond);

void BM_deflated_sharpe(benchmark::State& state) {
  validate::SharpeSample sample;
  sample.sharpe_per_bar = 0.158;
  sample.bars = 1250;
  sample.skew = -3.0;
  sample.excess_kurtosis = 7.0;
  validate::TrialSet trials;
  trials.trials = 100;
  trials.sharpe_variance_per_bar = 0.002;
  for (auto _ : state) {
    benchmark::DoNotOptimize(sample.sharpe_per_bar);
    const validate::DeflatedSharpe d = validate::deflated_sharpe(sample, trials);
    benchmark::DoNotOptimize(d.dsr);
  }
}
BENCHMARK(BM_deflated_sharpe);

}  // namespace

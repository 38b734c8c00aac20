// Validation statistics: CSCV PBO over T = 20,000 bars x N = 200 strategies with S = 16 blocks
// (12,870 combinations), one deflated Sharpe ratio, and the correlation clustering of a full
// trial sample (1,024 series) that gives the DSR its effective number of trials.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <span>
#include <vector>

#include "core/random.hpp"
#include "validate/clustering.hpp"
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

// 1,024 series in 40 groups (a base plus its own noise, as variants of one rule) and 24 of pure
// noise; T bars (range(0)): 2,400 is correlated bar by bar, 20,000 summed over 1,024 blocks.
void BM_cluster_1024_series(benchmark::State& state) {
  const auto bars = static_cast<std::size_t>(state.range(0));
  constexpr std::size_t kSeries = 1024, kGroups = 40;
  core::Rng rng(2);
  std::vector<std::vector<double>> bases(kGroups, std::vector<double>(bars));
  for (auto& b : bases) {
    for (double& r : b) r = 0.01 * rng.normal();
  }
  std::vector<std::vector<double>> series(kSeries, std::vector<double>(bars));
  for (std::size_t i = 0; i < kSeries; ++i) {
    const bool grouped = i < 1000;
    for (std::size_t t = 0; t < bars; ++t) {
      series[i][t] = (grouped ? bases[i % kGroups][t] : 0.0) + 0.01 * (grouped ? 0.5 : 1.0) * rng.normal();
    }
  }
  const std::vector<std::span<const double>> columns(series.begin(), series.end());
  for (auto _ : state) {
    const auto e = validate::effective_trials(columns);
    benchmark::DoNotOptimize(e.sharpe_variance_per_bar);
    state.counters["clusters"] = static_cast<double>(e.clustering.clusters);
  }
}
BENCHMARK(BM_cluster_1024_series)->Arg(2'400)->Arg(20'000)->Unit(benchmark::kMillisecond);

}  // namespace

// Evolution throughput: one NSGA-II generation (breeding, evaluation of the new genomes on the
// in-sample 60% of every coin, survival, archive) on a synthetic universe, mixed families.
// Args: population, coins, bars per coin, threads. items/s = evaluations/s (genome x universe);
// counters: bar_backtests/s (genomes x coins x in-sample bars), peak_rss_mb (process high-water
// mark, includes the universe and the indicator cache). The first generation (initialize) warms
// the indicator cache and is not timed: later generations meet mostly cached columns, as a run does.
// Families: the ten seed families and rule trees; the ML families (11, 12) train models and are
// measured by their own benchmarks.
#include <benchmark/benchmark.h>

#include "backtest/simulator.hpp"
#include "bench_support.hpp"
#include "evolve/engine.hpp"

namespace {

using namespace organism;
using bench::peak_rss_mb;

void BM_evolve_generation(benchmark::State& state) {
  const auto population = static_cast<int>(state.range(0));
  const auto coins = static_cast<std::size_t>(state.range(1));
  const auto bars = static_cast<std::size_t>(state.range(2));
  const auto threads = static_cast<int>(state.range(3));
  const auto& u = bench::synthetic_universe(coins, bars);
  indicators::IndicatorCache cache(std::size_t{4} << 30);
  const evolve::BacktestProblem evaluator(u, backtest::BacktestConfig{}, cache, threads);
  evolve::EvolveOptions o;
  o.population = population;
  o.generations = 1000;
  for (const auto& f : strategy::genome_families()) {
    if (f != "svm_classifier" && f != "pca_tree_quantile") o.families.push_back(f);
  }
  evolve::Engine engine(o, evaluator);
  engine.initialize();
  std::int64_t evaluated = 0;
  for (auto _ : state) {
    engine.step();
    evaluated += engine.last_stats().evaluated;
  }
  const double in_sample = static_cast<double>(u.coins.front().splits.in_sample.size());
  state.SetItemsProcessed(evaluated);
  state.counters["bar_backtests"] = benchmark::Counter(static_cast<double>(evaluated) * static_cast<double>(coins) * in_sample,
                                                       benchmark::Counter::kIsRate);
  state.counters["peak_rss_mb"] = peak_rss_mb();
  state.counters["cache_mb"] = static_cast<double>(cache.stats().bytes) / (1 << 20);
}
BENCHMARK(BM_evolve_generation)
    ->Args({200, 3, 20'000, 1})
    ->Args({200, 3, 20'000, 2})
    ->Args({1000, 10, 100'000, 1})
    ->Args({1000, 10, 100'000, 2})
    ->Iterations(2)
    ->Unit(benchmark::kSecond)
    ->UseRealTime();

}  // namespace

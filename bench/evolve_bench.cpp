// Evolution throughput: one NSGA-II generation (breeding, evaluation of the new genomes on the
// in-sample 60% of every coin, survival, archive) on a synthetic universe, mixed families.
// Args: population, coins, bars per coin, threads. items/s = evaluations/s (genome x universe);
// counters: bar_backtests/s (genomes x coins x in-sample bars), peak_rss_mb (process high-water
// mark, includes the universe and the indicator cache). The first generation (initialize) warms
// the indicator cache and is not timed: later generations meet mostly cached columns, as a run does.
// Families: the ten seed families and rule trees; the ML families (11, 12) train models and are
// measured by their own benchmarks.
#include <benchmark/benchmark.h>

#include <fmt/format.h>

#include <fstream>
#include <map>
#include <string>

#include "data/align.hpp"
#include "backtest/simulator.hpp"
#include "data/synth.hpp"
#include "evolve/engine.hpp"

namespace {

using namespace organism;

const evolve::Universe& universe(std::size_t coins, std::size_t bars) {
  static std::map<std::pair<std::size_t, std::size_t>, evolve::Universe> made;
  auto& u = made[{coins, bars}];
  if (!u.coins.empty()) return u;
  data::SynthOptions o;
  o.coins.clear();
  for (std::size_t i = 0; i < coins; ++i) o.coins.push_back(fmt::format("C{}", i));
  o.bars = bars;
  const auto market = data::generate_market(o);
  u.interval = o.interval;
  for (std::size_t i = 0; i < coins; ++i) {
    evolve::CoinMarket c;
    c.label = market.candles[i].key.label();
    c.bars = market.candles[i].bars;
    c.funding_per_bar = data::funding_per_bar(c.bars.time(), o.interval.nominal_ms(), market.funding[i]);
    u.coins.push_back(std::move(c));
  }
  evolve::split_universe(u, evolve::default_embargo());
  return u;
}

double peak_rss_mb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return 0;
}

void BM_evolve_generation(benchmark::State& state) {
  const auto population = static_cast<int>(state.range(0));
  const auto coins = static_cast<std::size_t>(state.range(1));
  const auto bars = static_cast<std::size_t>(state.range(2));
  const auto threads = static_cast<int>(state.range(3));
  const auto& u = universe(coins, bars);
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

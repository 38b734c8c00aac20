// Family 11 (svm_classifier): one liblinear fit on 1,000 samples x 20 features per solver (target
// < 10 ms); the full rolling backtest of the default genome on 100,000 bars (features, 400 refits,
// simulation, metrics); and 100 random genomes on one year of a synthetic hourly market.
#include <benchmark/benchmark.h>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "data/align.hpp"
#include "backtest/metrics.hpp"
#include "backtest/simulator.hpp"
#include "core/random.hpp"
#include "data/synth.hpp"
#include "indicators/indicator_set.hpp"
#include "evolve/genome_config.hpp"
#include "strategy/genome.hpp"
#include "strategy/ml/linear_svm.hpp"

namespace {

using namespace organism;
using namespace organism::strategy;

// A synthetic hourly BTC market and its funding per bar.
struct SynthCoin {
  data::Candles bars;
  std::vector<double> funding;
  MarketView view() const {
    MarketView v;
    v.bars = bars.view();
    v.funding_per_bar = funding;
    return v;
  }
};

SynthCoin synth_coin(std::size_t bars, std::uint64_t seed) {
  data::SynthOptions o;
  o.coins = {"BTC"};
  o.bars = bars;
  o.seed = seed;
  auto m = data::generate_market(o);
  SynthCoin c;
  c.bars = std::move(m.candles[0].bars);
  c.funding = data::funding_per_bar(c.bars.view().time, o.interval.nominal_ms(), m.funding[0]);
  return c;
}

// 1,000 standardized rows x 20 features; the class is the sign of a noisy linear score, with a
// hold band, so the three classes overlap as they do on market data.
void BM_svm_fit_1000x20(benchmark::State& state) {
  constexpr std::size_t kRows = 1000, kCols = 20;
  core::Rng rng(5);
  std::vector<double> x(kRows * kCols);
  std::vector<int> y(kRows);
  for (std::size_t i = 0; i < kRows; ++i) {
    double score = 0;
    for (std::size_t j = 0; j < kCols; ++j) {
      x[i * kCols + j] = rng.normal();
      score += (j < 3 ? 0.3 : 0.0) * x[i * kCols + j];
    }
    score += rng.normal();
    y[i] = score > 0.3 ? 1 : (score < -0.3 ? -1 : 0);
  }
  ml::SvmOptions o;
  o.warm_start = false;  // every iteration a cold fit, as the first fit of a walk-forward
  o.c = std::pow(10.0, static_cast<double>(state.range(1)));
  const auto solver = state.range(0);
  o.penalty = solver == 2 ? ml::Penalty::L1 : ml::Penalty::L2;
  o.loss = solver == 1 ? ml::Loss::Hinge : ml::Loss::SquaredHinge;
  ml::LinearSvm svm;
  for (auto _ : state) {
    benchmark::DoNotOptimize(svm.fit(x, kRows, kCols, y, o));
  }
  state.SetLabel(fmt::format("{} C=1e{}",
                             solver == 0 ? "l2+squared_hinge (primal)"
                                         : (solver == 1 ? "l2+hinge (dual)" : "l1+squared_hinge"),
                             state.range(1)));
}
BENCHMARK(BM_svm_fit_1000x20)
    ->ArgsProduct({{0, 1, 2}, {-1, 1, 3}})
    ->Unit(benchmark::kMillisecond);

// The default genome (window 2000, refit every 250, horizon 4, every feature group) on 100,000
// bars: features, 400 fits, predictions, the backtest and its metrics. Indicators are computed
// every iteration (no cache).
void BM_svm_backtest_100k(benchmark::State& state) {
  static const SynthCoin coin = synth_coin(100'000, 7);
  const Genome g = default_genome(find_family("svm_classifier"));
  backtest::BacktestResult result;
  double sharpe = 0;
  for (auto _ : state) {
    const auto e = exposures(g, coin.view());
    backtest::run_backtest({.bars = coin.bars.view(), .target = e, .funding = coin.funding},
                           evolve::backtest_config(g, {}), result);
    sharpe = backtest::compute_metrics(result.equity, result.exposure, result.trades, {}).sharpe;
  }
  state.counters["sharpe"] = sharpe;
  state.SetItemsProcessed(state.iterations() * 100'000);
}
BENCHMARK(BM_svm_backtest_100k)->Unit(benchmark::kMillisecond);

// 100 random genomes (every gene drawn within bounds, risk block and regime filter included) on
// one year of hourly bars sharing an indicator cache, as an evolution generation would, one
// thread; backtest and metrics included. "slowest_ms" is the slowest genome of the last run.
void BM_svm_population_100(benchmark::State& state) {
  static const SynthCoin coin = synth_coin(8760, 8);
  std::vector<Genome> genomes;
  core::Rng rng(9);
  for (int i = 0; i < 100; ++i) genomes.push_back(random_genome(find_family("svm_classifier"), rng));
  indicators::IndicatorCache cache(std::size_t{256} << 20);
  MarketView view = coin.view();
  view.cache = &cache;
  view.series_id = indicators::series_id("synth", view.bars);
  backtest::BacktestResult result;
  double slowest = 0;
  int trading = 0;
  for (auto _ : state) {
    slowest = 0;
    trading = 0;
    for (const auto& g : genomes) {
      const auto start = std::chrono::steady_clock::now();
      const auto e = exposures(g, view);
      backtest::run_backtest({.bars = coin.bars.view(), .target = e, .funding = coin.funding},
                             evolve::backtest_config(g, {}), result);
      benchmark::DoNotOptimize(
          backtest::compute_metrics(result.equity, result.exposure, result.trades, {}).sharpe);
      slowest = std::max(slowest, std::chrono::duration<double, std::milli>(
                                      std::chrono::steady_clock::now() - start)
                                      .count());
      trading += std::any_of(e.begin(), e.end(), [](double x) { return x != 0; });
    }
  }
  state.counters["slowest_ms"] = slowest;
  state.counters["trading"] = trading;
  state.SetItemsProcessed(state.iterations() * 100);
}
BENCHMARK(BM_svm_population_100)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace

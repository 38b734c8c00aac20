// Family 12 (PCA -> regression tree -> quantile regression) costs: each model piece alone on
// 1,000 samples x 20 features, the whole fit (PCA + 3 trees + 3 quantile LPs; target < 50 ms), a
// full rolling run of the default genome on 100,000 synthetic hourly bars, and 100 random genomes
// on one synthetic year (8,760 bars).
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <cmath>
#include <map>

#include "backtest/models.hpp"
#include "core/random.hpp"
#include "data/synth.hpp"
#include "strategy/genome.hpp"
#include "strategy/ml/pca.hpp"
#include "strategy/ml/pca_tree_quantile_model.hpp"
#include "strategy/ml/quantile_regression.hpp"
#include "strategy/ml/regression_tree.hpp"

namespace {

using namespace organism;
using namespace organism::strategy;

constexpr std::size_t kRows = 1000, kCols = 20;

// Correlated standard-normal features (a few shared factors) and a label that depends on two of
// them plus heavy noise, like indicator features and forward returns.
struct Sample {
  std::vector<double> x, y;
};

const Sample& sample() {
  static const Sample s = [] {
    core::Rng rng(31);
    Sample out;
    out.x.resize(kRows * kCols);
    out.y.resize(kRows);
    for (std::size_t i = 0; i < kRows; ++i) {
      const double f1 = rng.normal(), f2 = rng.normal(), f3 = rng.normal();
      for (std::size_t j = 0; j < kCols; ++j) {
        const double factor = j % 3 == 0 ? f1 : (j % 3 == 1 ? f2 : f3);
        out.x[i * kCols + j] = 0.8 * factor + 0.6 * rng.normal();
      }
      out.y[i] = 0.002 * out.x[i * kCols] - 0.001 * out.x[i * kCols + 1] + 0.01 * rng.normal();
    }
    return out;
  }();
  return s;
}

void BM_pca_1000x20(benchmark::State& state) {
  const auto& s = sample();
  for (auto _ : state) benchmark::DoNotOptimize(ml::fit_pca(s.x, kRows, kCols, 0.9, false));
}
BENCHMARK(BM_pca_1000x20)->Unit(benchmark::kMillisecond);

void BM_regression_tree_1000x20_depth(benchmark::State& state) {
  const auto& s = sample();
  ml::RegressionTree tree;
  const int depth = static_cast<int>(state.range(0));
  for (auto _ : state) {
    tree.fit(s.x, kRows, kCols, s.y, {.max_depth = depth, .min_split = 2});
    benchmark::DoNotOptimize(tree.node_count());
  }
}
BENCHMARK(BM_regression_tree_1000x20_depth)->Arg(4)->Arg(20)->Unit(benchmark::kMillisecond);

void BM_quantile_lp_1000x20(benchmark::State& state) {
  const auto& s = sample();
  const double l1 = std::pow(10.0, -static_cast<double>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(ml::fit_quantile(s.x, kRows, kCols, s.y, 0.5, l1));
  state.SetLabel(fmt::format("tau 0.5, l1 {:g}", l1));
}
BENCHMARK(BM_quantile_lp_1000x20)->Arg(3)->Arg(1)->Unit(benchmark::kMillisecond);

// The whole family-12 fit at its default options (variance share 0.9, depth 4, min_split 10,
// quantiles 0.25/0.5/0.75, l1 0.01), and at the most expensive tree (depth 20, min_split 2) with
// everything kept (share 0.99).
void BM_family12_fit_1000x20(benchmark::State& state) {
  const auto& s = sample();
  ml::PcaTreeQuantileOptions o;
  if (state.range(0) == 1) {
    o.variance_share = 0.99;
    o.tree = {.max_depth = 20, .min_split = 2};
  }
  for (auto _ : state) {
    ml::PcaTreeQuantileModel model(o);
    benchmark::DoNotOptimize(model.fit(s.x, kRows, kCols, s.y));
  }
  state.SetLabel(state.range(0) == 1 ? "share 0.99, depth 20, min_split 2" : "defaults");
}
BENCHMARK(BM_family12_fit_1000x20)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

const data::Candles& synthetic_bars(std::size_t n) {
  static std::map<std::size_t, data::Candles> markets;
  auto it = markets.find(n);
  if (it == markets.end()) {
    data::SynthOptions o;
    o.coins = {"BTC"};
    o.bars = n;
    o.seed = 7;
    it = markets.emplace(n, std::move(data::generate_market(o).candles[0].bars)).first;
  }
  return it->second;
}

// The default genome (window 2000 rolling, refit every 250, horizon 4, every feature group):
// ~390 refits on 100,000 hourly bars, features and prediction of every bar included.
void BM_family12_rolling_100k(benchmark::State& state) {
  MarketView view;
  view.bars = synthetic_bars(100'000).view();
  const Genome g = default_genome(find_family("pca_tree_quantile"));
  for (auto _ : state) benchmark::DoNotOptimize(exposures(g, view));
}
BENCHMARK(BM_family12_rolling_100k)->Unit(benchmark::kMillisecond)->Iterations(1);

// 100 random genomes (random schedules: window 200-5000, refit every 24-2000 bars) on one
// synthetic year of hourly bars; items/s = genomes/s.
void BM_family12_population_100(benchmark::State& state) {
  MarketView view;
  view.bars = synthetic_bars(8760).view();
  std::vector<Genome> population;
  core::Rng rng(99);
  for (int i = 0; i < 100; ++i)
    population.push_back(random_genome(find_family("pca_tree_quantile"), rng));
  for (auto _ : state) {
    for (const auto& g : population) benchmark::DoNotOptimize(exposures(g, view));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * 100);
}
BENCHMARK(BM_family12_population_100)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace

// Rule-tree evaluation throughput: 1,000 random Bool trees of depth <= 6 (ramped half-and-half)
// on 100,000 bars, array at a time. items/s = bars/s (trees x bars); the "trees" counter is
// trees/s. "_warm" reuses a cache holding every indicator column (tree arithmetic only); "_cold"
// starts each iteration with an empty cache (indicator computation included).
#include <benchmark/benchmark.h>

#include <cmath>

#include "core/random.hpp"
#include "data/series.hpp"
#include "indicators/indicator_set.hpp"
#include "strategy/gp/interpreter.hpp"
#include "strategy/gp/random_tree.hpp"

namespace {

using namespace organism;
using namespace organism::strategy;

constexpr std::size_t kBars = 100'000;
constexpr int kTrees = 1000;

const data::Candles& bars() {
  static const data::Candles c = [] {
    core::Rng rng(11);
    data::Candles out;
    out.reserve(kBars);
    double price = 100;
    for (std::size_t i = 0; i < kBars; ++i) {
      const double open = price;
      price *= std::exp(0.01 * rng.normal());
      const double hi = std::max(open, price) * (1 + 0.003 * rng.uniform());
      const double lo = std::min(open, price) * (1 - 0.003 * rng.uniform());
      out.push_back({1577836800000 + static_cast<std::int64_t>(i) * 3'600'000, open, hi, lo, price,
                     1000 * rng.uniform()});
    }
    return out;
  }();
  return c;
}

const std::vector<gp::Node>& trees() {
  static const std::vector<gp::Node> t = [] {
    std::vector<gp::Node> v;
    core::Rng rng(12);
    for (int i = 0; i < kTrees; ++i) v.push_back(gp::ramped_tree(rng, gp::Type::Bool, i));
    return v;
  }();
  return t;
}

void run(benchmark::State& state, bool warm) {
  const auto& forest = trees();
  indicators::IndicatorCache cache(std::size_t{3} << 30);
  strategy::MarketView view;
  view.bars = bars().view();
  view.cache = &cache;
  view.series_id = indicators::series_id("bench", view.bars);
  gp::Interpreter e;
  if (warm) {
    for (const auto& t : forest) e.evaluate(t, view);
  }
  double sink = 0;
  for (auto _ : state) {
    if (!warm) cache.clear();
    for (const auto& t : forest) sink += e.evaluate(t, view).back();
    benchmark::DoNotOptimize(sink);
  }
  state.SetItemsProcessed(state.iterations() * kTrees * static_cast<std::int64_t>(kBars));
  state.counters["trees"] = benchmark::Counter(static_cast<double>(state.iterations() * kTrees),
                                               benchmark::Counter::kIsRate);
  state.counters["columns"] = static_cast<double>(cache.stats().entries);
}

void BM_gp_1000_trees_100k_warm(benchmark::State& state) { run(state, true); }
BENCHMARK(BM_gp_1000_trees_100k_warm)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_gp_1000_trees_100k_cold(benchmark::State& state) { run(state, false); }
BENCHMARK(BM_gp_1000_trees_100k_cold)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

}  // namespace

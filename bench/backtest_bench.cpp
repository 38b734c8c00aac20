// Simulator throughput: one coin, 1,000,000 bars, with and without stops; and 1,000 backtests of
// 100,000 bars on 1 and 2 threads (simulation only; metrics are BM_metrics_1M). Bars/s = items/s.
#include <benchmark/benchmark.h>

#include "backtest/batch.hpp"
#include "backtest/simulator.hpp"
#include "core/random.hpp"

namespace {

using namespace organism;

// A random walk with coherent OHLC and a piecewise-constant target changing on ~2% of bars.
struct Market {
  data::Candles bars;
  std::vector<double> target;
};

Market make_market(std::size_t n, std::uint64_t seed) {
  core::Rng rng(seed);
  Market m;
  m.bars.reserve(n);
  m.target.resize(n);
  double price = 100, v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double open = price;
    price *= std::exp(0.01 * rng.normal());
    const double hi = std::max(open, price) * (1 + 0.003 * rng.uniform());
    const double lo = std::min(open, price) * (1 - 0.003 * rng.uniform());
    m.bars.push_back({1577836800000 + static_cast<std::int64_t>(i) * 3'600'000, open, hi, lo, price, 1});
    if (rng.bernoulli(0.02)) v = rng.uniform(-1, 1);
    m.target[i] = v;
  }
  return m;
}

const Market& million() {
  static const Market m = make_market(1'000'000, 1);
  return m;
}

void run_single(benchmark::State& state, const backtest::BacktestConfig& config) {
  const auto& m = million();
  backtest::BacktestResult out;
  const backtest::BacktestInput in{m.bars.view(), m.target};
  for (auto _ : state) {
    backtest::run_backtest(in, config, out);
    benchmark::DoNotOptimize(out.equity.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(m.bars.size()));
}

void BM_backtest_next_open_1M(benchmark::State& state) { run_single(state, {}); }
BENCHMARK(BM_backtest_next_open_1M)->Unit(benchmark::kMillisecond);

void BM_backtest_close_fill_1M(benchmark::State& state) {
  backtest::BacktestConfig c;
  c.fill = backtest::FillModel::Close;
  run_single(state, c);
}
BENCHMARK(BM_backtest_close_fill_1M)->Unit(benchmark::kMillisecond);

void BM_backtest_stops_1M(benchmark::State& state) {
  backtest::BacktestConfig c;
  c.stops.stop_loss = 0.03;
  c.stops.take_profit = 0.06;
  c.stops.trailing = 0.04;
  run_single(state, c);
}
BENCHMARK(BM_backtest_stops_1M)->Unit(benchmark::kMillisecond);

void BM_backtest_batch_1000x100k(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  // 10 distinct markets shared by 1,000 backtests (as a population shares its data).
  static const std::vector<Market> markets = [] {
    std::vector<Market> v;
    for (std::uint64_t s = 0; s < 10; ++s) v.push_back(make_market(100'000, 100 + s));
    return v;
  }();
  std::vector<backtest::BacktestInput> inputs;
  for (int i = 0; i < 1000; ++i) {
    const auto& m = markets[static_cast<std::size_t>(i) % markets.size()];
    inputs.push_back({m.bars.view(), m.target});
  }
  std::vector<double> final_equity(inputs.size());
  backtest::BacktestConfig c;
  c.stops.stop_loss = 0.03;
  for (auto _ : state) {
    backtest::run_batch(inputs, c, [&](std::size_t i, const backtest::BacktestResult& r) { final_equity[i] = r.equity.back(); },
                        threads);
    benchmark::DoNotOptimize(final_equity.data());
  }
  state.SetItemsProcessed(state.iterations() * 1000 * 100'000);
}
BENCHMARK(BM_backtest_batch_1000x100k)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

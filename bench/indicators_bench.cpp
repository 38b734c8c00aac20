// Indicator throughput on 1,000,000 synthetic bars, single thread, outputs preallocated (the
// batch forms write into caller spans). items_per_second is bars per second.
#include <benchmark/benchmark.h>

#include <cmath>
#include <random>

#include "indicators/adx.hpp"
#include "indicators/atr.hpp"
#include "indicators/bollinger.hpp"
#include "indicators/cci.hpp"
#include "indicators/donchian.hpp"
#include "indicators/funding.hpp"
#include "indicators/ichimoku.hpp"
#include "indicators/indicator_set.hpp"
#include "indicators/macd.hpp"
#include "indicators/moving_average.hpp"
#include "indicators/obv.hpp"
#include "indicators/returns.hpp"
#include "indicators/rsi.hpp"
#include "indicators/statistics.hpp"
#include "indicators/stochastic.hpp"
#include "indicators/vwap.hpp"

namespace {

namespace ind = organism::indicators;
using organism::data::CandleView;

constexpr std::size_t kBars = 1'000'000;

// A seeded geometric random walk with plausible highs, lows and volumes, 1-minute bars.
const organism::data::Candles& bars() {
  static const organism::data::Candles c = [] {
    std::mt19937_64 rng(20240101);
    std::normal_distribution<double> step(0.0, 0.002);
    std::exponential_distribution<double> wick(500.0);
    std::lognormal_distribution<double> vol(2.0, 1.0);
    organism::data::Candles out;
    out.reserve(kBars);
    double price = 30000.0;
    for (std::size_t i = 0; i < kBars; ++i) {
      organism::data::Bar b;
      b.time = static_cast<std::int64_t>(i) * 60'000;
      b.open = price;
      price *= std::exp(step(rng));
      b.close = price;
      b.high = std::max(b.open, b.close) * (1 + wick(rng));
      b.low = std::min(b.open, b.close) * (1 - wick(rng));
      b.volume = vol(rng);
      out.push_back(b);
    }
    return out;
  }();
  return c;
}

struct Out {
  std::vector<double> a = std::vector<double>(kBars), b = std::vector<double>(kBars),
                      c = std::vector<double>(kBars), d = std::vector<double>(kBars);
};

template <class F>
void run(benchmark::State& state, F f) {
  const CandleView v = bars().view();
  Out o;
  for (auto _ : state) {
    f(v, o);
    benchmark::DoNotOptimize(o.a.data());
    benchmark::DoNotOptimize(o.b.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(kBars));
}

#define ORGANISM_BENCH(name, body)                         \
  void BM_##name##_1M(benchmark::State& state) {           \
    run(state, [](const CandleView& v, Out& o) { body; }); \
  }                                                        \
  BENCHMARK(BM_##name##_1M)->Unit(benchmark::kMillisecond)

ORGANISM_BENCH(sma, ind::sma(v.close, 20, o.a));
ORGANISM_BENCH(ema, ind::ema(v.close, 20, o.a));
ORGANISM_BENCH(wma, ind::wma(v.close, 20, o.a));
ORGANISM_BENCH(rsi, ind::rsi(v.close, 14, o.a));
ORGANISM_BENCH(macd, ind::macd(v.close, 12, 26, 9, o.a, o.b, o.c));
ORGANISM_BENCH(bollinger, ind::bollinger(v.close, 20, 2.0, o.a, o.b, o.c));
ORGANISM_BENCH(stoch, ind::stochastic(v, 14, 3, 3, o.a, o.b));
ORGANISM_BENCH(tr, ind::true_range(v, o.a));
ORGANISM_BENCH(atr, ind::atr(v, 14, o.a));
ORGANISM_BENCH(donchian, ind::donchian(v, 20, o.a, o.b));
ORGANISM_BENCH(ichimoku, ind::ichimoku(v, {}, o.a, o.b, o.c, o.d));
ORGANISM_BENCH(vwap_session, ind::session_vwap(v, o.a));
ORGANISM_BENCH(vwap_rolling, ind::rolling_vwap(v, 20, o.a));
ORGANISM_BENCH(obv, ind::obv(v, o.a));
ORGANISM_BENCH(adx, ind::adx(v, 14, o.a, o.b, o.c));
ORGANISM_BENCH(cci, ind::cci(v, 20, o.a));
ORGANISM_BENCH(willr, ind::williams_r(v, 14, o.a));
ORGANISM_BENCH(stddev, ind::stddev(v.close, 20, o.a));
ORGANISM_BENCH(zscore, ind::zscore(v.close, 20, o.a));
ORGANISM_BENCH(max, ind::highest(v.close, 20, o.a));
ORGANISM_BENCH(min, ind::lowest(v.close, 20, o.a));
ORGANISM_BENCH(log_return, ind::log_returns(v.close, o.a));
ORGANISM_BENCH(rvol, ind::realized_vol(v.close, 24, 525600.0, o.a));
ORGANISM_BENCH(volume_z, ind::zscore(v.volume, 20, o.a));

// Long windows cost the same per bar: the rolling sums and extremes are O(1) amortized.
ORGANISM_BENCH(sma_2000, ind::sma(v.close, 2000, o.a));
ORGANISM_BENCH(max_2000, ind::highest(v.close, 2000, o.a));
ORGANISM_BENCH(stddev_2000, ind::stddev(v.close, 2000, o.a));

// Funding features: 1M one-minute bars against hourly settlements (about 16,700 of them).
void BM_funding_1M(benchmark::State& state) {
  organism::data::FundingSeries f;
  for (std::int64_t t = 0; t <= static_cast<std::int64_t>(kBars) * 60'000; t += 3'600'000) {
    f.time.push_back(t);
    f.rate.push_back(1e-5 * std::sin(static_cast<double>(t) * 1e-7));
  }
  const CandleView v = bars().view();
  for (auto _ : state) {
    auto s = ind::funding_features(v.time, 60'000, f, 24);
    benchmark::DoNotOptimize(s.zscore.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(kBars));
}
BENCHMARK(BM_funding_1M)->Unit(benchmark::kMillisecond);

// All 38 default columns of `organism indicators`, allocation included.
void BM_default_columns_1M(benchmark::State& state) {
  const CandleView v = bars().view();
  for (auto _ : state) {
    auto cols = ind::compute_columns(v, ind::default_columns());
    benchmark::DoNotOptimize(cols.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(kBars));
}
BENCHMARK(BM_default_columns_1M)->Unit(benchmark::kMillisecond);

// The streaming form through its public (out-of-line) update, one call per bar.
void BM_ema_streaming_1M(benchmark::State& state) {
  const CandleView v = bars().view();
  for (auto _ : state) {
    ind::Ema e(20);
    double last = 0;
    for (std::size_t i = 0; i < kBars; ++i) last = e.update(v.close[i]);
    benchmark::DoNotOptimize(last);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(kBars));
}
BENCHMARK(BM_ema_streaming_1M)->Unit(benchmark::kMillisecond);

}  // namespace

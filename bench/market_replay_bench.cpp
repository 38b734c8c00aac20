// The simulator's market replay on one core: ticks per second of advance_to over real-looking bars
// (price path, 20-level seeded book a side, MarketTick built), the listener doing nothing, so the
// figure is the market model's own cost; items = ticks of one asset. Also the candleSnapshot cost
// of 500 hourly candles aggregated from 5m bars.
#include <benchmark/benchmark.h>

#include <cmath>
#include <vector>

#include "core/random.hpp"
#include "exchange/sim/market_replay.hpp"

namespace {

using namespace organism;
using namespace organism::exchange::sim;

constexpr core::TimeMs kT0 = 1'704'067'200'000;

// A seeded random walk of 5m bars around 60,000 (BTC-like, szDecimals 5).
CoinMarketData walk(std::size_t n) {
  core::Rng rng(7);
  CoinMarketData c;
  c.spec = {"BTC", 5, 40, false};
  double px = 60000;
  for (std::size_t i = 0; i < n; ++i) {
    const double o = std::round(px);
    const double cl = std::round(o * (1 + 0.002 * rng.normal()));
    const double h = std::max(o, cl) + std::round(o * 0.001 * rng.uniform());
    const double l = std::min(o, cl) - std::round(o * 0.001 * rng.uniform());
    c.bars.push_back({kT0 + static_cast<core::TimeMs>(i) * 5 * core::kMinuteMs, o, h, l, cl,
                      20 * rng.uniform()});
    px = cl;
  }
  return c;
}

MarketConfig five_minutes() {
  MarketConfig cfg;
  cfg.interval = *core::Interval::parse("5m");
  cfg.from = kT0;
  return cfg;
}

void BM_market_replay_ticks(benchmark::State& state) {
  const auto coin = walk(20000);
  std::int64_t ticks = 0;
  const MarketListener listener{
      [&ticks](int, const MarketTick& t) { ticks += t.asks.empty() ? 0 : 1; },
      [](int, double, TimeMs) {}};
  MarketReplay market({coin}, five_minutes());
  for (auto _ : state) {
    if (market.finished()) {
      state.PauseTiming();
      market = MarketReplay({coin}, five_minutes());
      state.ResumeTiming();
    }
    market.advance_to(market.now() + core::kHourMs, listener);  // 144 ticks: 12 bars x 12 steps
  }
  state.SetItemsProcessed(ticks);
}
BENCHMARK(BM_market_replay_ticks);

void BM_market_candles_1h_from_5m_500(benchmark::State& state) {
  const auto coin = walk(20000);
  auto cfg = five_minutes();
  cfg.from = kT0 + 19999 * 5 * core::kMinuteMs;
  MarketReplay market({coin}, cfg);
  const auto hour = *core::Interval::parse("1h");
  for (auto _ : state) {
    benchmark::DoNotOptimize(market.candles(0, hour, cfg.from - 500 * core::kHourMs, cfg.from));
  }
  state.SetItemsProcessed(state.iterations() * 500);
}
BENCHMARK(BM_market_candles_1h_from_5m_500);

}  // namespace

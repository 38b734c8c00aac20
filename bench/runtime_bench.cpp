// strategy::Runtime's cost per bar: each seed family's default genome fed the real Binance BTC 1h
// series (54,613 bars, ../shared/data) one bar at a time, or 50,000 synthetic hourly bars when the
// shared folder is absent. The "us_per_bar" counter is microseconds per on_bar (history, indicator
// streams, the rule); items/s = bars/s. BM_runtime_on_bar_filtered/<family> adds the regime filter
// and volatility targeting (realized volatility, its rolling median, Fear & Greed).
#include <benchmark/benchmark.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "core/random.hpp"
#include "data/import.hpp"
#include "strategy/genome.hpp"
#include "strategy/runtime.hpp"

namespace {

using namespace organism;

struct Feed {
  data::Candles bars;
  std::string source;
};

const Feed& feed() {
  static const Feed f = [] {
    Feed out;
    const std::filesystem::path file = std::filesystem::path(ORGANISM_SHARED_DIR) / "data/ohlcv/binance/BTC-1h.csv.gz";
    if (std::filesystem::exists(file)) {
      out.bars = data::parse_file(file.string(), {}).candles->bars;
      out.source = "binance BTC 1h";
      return out;
    }
    core::Rng rng(17);
    double price = 30'000;
    for (std::int64_t i = 0; i < 50'000; ++i) {
      const double open = price;
      price *= std::exp(0.006 * rng.normal());
      out.bars.push_back({1'577'836'800'000 + i * 3'600'000, open, std::max(open, price) * 1.002,
                          std::min(open, price) * 0.998, price, 100 + 900 * rng.uniform()});
    }
    out.source = "synthetic";
    return out;
  }();
  return f;
}

void run(benchmark::State& state, const std::string& family, bool filtered) {
  const auto& f = feed();
  const auto bars = f.bars.view();
  strategy::Genome g = strategy::default_genome(family);
  if (filtered) {
    g.regime.vol_filter_on = true;
    g.regime.fg_on = true;
    g.risk.vol_target_on = true;
  }
  const auto interval = *core::Interval::parse("1h");
  double sink = 0;
  double seconds = 0;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    strategy::Runtime runtime(g, interval);
    // A constant funding rate and Fear & Greed value: the cost does not depend on their values.
    for (std::size_t i = 0; i < bars.size(); ++i) sink += runtime.on_bar(bars.bar(i), 1e-5, 50);
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  benchmark::DoNotOptimize(sink);
  const auto n = static_cast<double>(bars.size()) * static_cast<double>(state.iterations());
  state.SetItemsProcessed(static_cast<std::int64_t>(n));
  state.counters["us_per_bar"] = seconds * 1e6 / n;  // wall clock, whole series per iteration
  state.SetLabel(f.source);
}

const char* const kFamilies[] = {"ema_cross", "donchian_breakout", "rsi_reversion", "stochastic_cross", "sma_trend",
                                 "atr_stop",  "ichimoku_cloud",    "vwap_reversion", "vol_scaling",      "funding_carry"};

const bool kRegistered = [] {
  for (const char* family : kFamilies) {
    benchmark::RegisterBenchmark((std::string("BM_runtime_on_bar/") + family).c_str(),
                                 [family](benchmark::State& s) { run(s, family, false); })
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark((std::string("BM_runtime_on_bar_filtered/") + family).c_str(),
                                 [family](benchmark::State& s) { run(s, family, true); })
        ->Unit(benchmark::kMillisecond);
  }
  return true;
}();

}  // namespace

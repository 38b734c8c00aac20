// Streaming strategies, microseconds per bar: the default rule tree (gp::rule_stream) and the
// two machine-learning families' defaults (model_stream: features per bar plus their refits,
// amortized) fed a synthetic hourly BTC market one bar at a time, beside the batch signal over
// the same bars. The "per_bar" counter (seconds per bar) is the figure to quote.
#include <benchmark/benchmark.h>

#include "core/time.hpp"
#include "data/market.hpp"
#include "data/synth.hpp"
#include "strategy/coin_view.hpp"
#include "strategy/genome.hpp"
#include "strategy/gp/interpreter.hpp"
#include "strategy/gp/stream.hpp"

namespace {

using namespace organism;
using namespace organism::strategy;

constexpr std::size_t kBars = 10'000;  // a little over a year of hourly bars: 39 default refits

// The synthetic coin with its funding per bar, as the market builder aligns it.
const data::CoinSeries& coin() {
  static const data::CoinSeries c = [] {
    data::SynthOptions o;
    o.coins = {"BTC"};
    o.bars = kBars;
    o.seed = 9;
    auto m = data::generate_market(o);
    return data::align_coin("synth:BTC:1h", std::move(m.candles[0].bars), o.interval, m.funding[0], std::nullopt);
  }();
  return c;
}

std::unique_ptr<FamilyStream> make_stream(const Genome& g) {
  if (g.family == kTreeFamily) return gp::rule_stream(g.rule);
  const Family& f = find_family(g.family);
  return f.stream(clamp_params(f.params(), g.params));
}

// "per_bar" is seconds per bar (printed with an SI prefix: "2.5u" = 2.5 microseconds).
void report(benchmark::State& state) {
  const auto bars = static_cast<double>(state.iterations()) * static_cast<double>(kBars);
  state.SetItemsProcessed(static_cast<std::int64_t>(bars));
  state.counters["per_bar"] =
      benchmark::Counter(bars, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// One fresh stream per iteration, fed bars [0, t] for every t, as the Runtime feeds it.
void stream_bars(benchmark::State& state, std::string_view family) {
  const Genome g = default_genome(family);
  const MarketView all = view_of(coin(), *core::Interval::parse("1h"));
  double sink = 0;
  for (auto _ : state) {
    auto stream = make_stream(g);
    for (std::size_t t = 0; t < kBars; ++t) {
      MarketView so_far = all;
      so_far.bars = all.bars.slice(0, t + 1);
      so_far.funding_per_bar = all.funding_per_bar.first(t + 1);
      sink += stream->on_bar(so_far);
    }
    benchmark::DoNotOptimize(sink);
  }
  report(state);
}

// The same exposures in one batch call (no cache: every column computed).
void batch_bars(benchmark::State& state, std::string_view family) {
  const Genome g = default_genome(family);
  const MarketView all = view_of(coin(), *core::Interval::parse("1h"));
  std::vector<double> out(kBars);
  for (auto _ : state) {
    if (g.family == kTreeFamily) {
      gp::Interpreter e;
      e.exposure(g.rule, all, out);
    } else {
      const Family& f = find_family(g.family);
      f.signal(all, clamp_params(f.params(), g.params), out);
    }
    benchmark::DoNotOptimize(out.data());
  }
  report(state);
}

void BM_stream_tree_default_10k(benchmark::State& s) { stream_bars(s, "tree"); }
void BM_batch_tree_default_10k(benchmark::State& s) { batch_bars(s, "tree"); }
void BM_stream_svm_default_10k(benchmark::State& s) { stream_bars(s, "svm_classifier"); }
void BM_batch_svm_default_10k(benchmark::State& s) { batch_bars(s, "svm_classifier"); }
void BM_stream_pca_tree_quantile_default_10k(benchmark::State& s) {
  stream_bars(s, "pca_tree_quantile");
}
void BM_batch_pca_tree_quantile_default_10k(benchmark::State& s) {
  batch_bars(s, "pca_tree_quantile");
}

BENCHMARK(BM_stream_tree_default_10k)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_batch_tree_default_10k)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_stream_svm_default_10k)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_batch_svm_default_10k)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_stream_pca_tree_quantile_default_10k)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_batch_pca_tree_quantile_default_10k)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace

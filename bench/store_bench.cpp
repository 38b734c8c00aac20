// Store and import throughput: loading 1,000,000 candles from SQLite into a series, and parsing
// a real gzip CSV file.
#include <filesystem>

#include <benchmark/benchmark.h>

#include "data/import.hpp"
#include "data/store.hpp"

namespace {

using namespace organism;

// One store with 1M 1m bars, built once per process in the temp folder.
const std::string& million_bar_store() {
  static const std::string path = [] {
    const auto p = (std::filesystem::temp_directory_path() / "organism-bench-1m.db").string();
    std::filesystem::remove(p);
    auto store = data::Store::open(p);
    data::Candles bars;
    bars.reserve(1'000'000);
    double price = 100;
    for (std::int64_t i = 0; i < 1'000'000; ++i) {
      price *= 1.0 + ((i * 7919) % 200 - 100) * 1e-5;
      bars.push_back({1577836800000 + i * 60'000, price, price * 1.001, price * 0.999, price, 1.0 + i % 17, i % 500});
    }
    auto tx = store.transaction();
    store.upsert_candles({"bench", "BTC", *core::Interval::parse("1m")}, bars.view());
    tx.commit();
    return p;
  }();
  return path;
}

void BM_store_load_1M(benchmark::State& state) {
  const auto& path = million_bar_store();
  auto store = data::Store::open_existing(path);
  const data::SeriesKey key{"bench", "BTC", *core::Interval::parse("1m")};
  for (auto _ : state) {
    auto bars = store.load_candles(key);
    benchmark::DoNotOptimize(bars->close().data());
  }
  state.SetItemsProcessed(state.iterations() * 1'000'000);
}
BENCHMARK(BM_store_load_1M)->Unit(benchmark::kMillisecond);

void BM_import_parse_btc_1h(benchmark::State& state) {
  const std::string path = std::string(ORGANISM_SHARED_DIR) + "/data/ohlcv/binance/BTC-1h.csv.gz";
  if (!std::filesystem::exists(path)) {
    state.SkipWithError("../shared/data is absent");
    return;
  }
  std::size_t rows = 0;
  for (auto _ : state) {
    auto parsed = data::parse_file(path, {});
    rows = parsed.rows;
    benchmark::DoNotOptimize(parsed.candles->bars.close().data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * rows));
}
BENCHMARK(BM_import_parse_btc_1h)->Unit(benchmark::kMillisecond);

}  // namespace

// Store throughput on both backends (issue 24): writing and loading 1,000,000 candles, importing
// all of ../shared/data as `organism data import` does, a 1,000-genome run checkpoint and the
// daemon's one-bar write. Each benchmark runs on a SQLite file (`/sqlite`) and on a PostgreSQL
// database (`/postgres`) on the server ORGANISM_BENCH_POSTGRES names (a URL such as
// postgresql://postgres@127.0.0.1:5432/postgres; scripts/bench-store starts a throwaway one); each
// creates its own file or database and removes or drops it after. Without the variable the
// PostgreSQL half is skipped with a message. Times are wall clock (UseRealTime): on a server most
// of the work happens in another process, which the benchmark's CPU time does not see.
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <optional>

#include <fmt/format.h>

#include "bench_support.hpp"
#include "core/clock.hpp"
#include "data/import.hpp"
#include "data/store.hpp"
#include "evolve/backtest_problem.hpp"
#include "exchange/client/fetch_history.hpp"
#include "runs/run_service.hpp"

namespace {

using namespace organism;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

enum class Backend { Sqlite, Postgres };

constexpr core::TimeMs kT0 = 1577836800000;  // 2020-01-01 00:00 UTC
const core::Interval kOneMinute = *core::Interval::parse("1m");

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// The server's URL, or nullopt when the PostgreSQL half is to be skipped.
std::optional<std::string> bench_server() {
  const char* url = std::getenv("ORGANISM_BENCH_POSTGRES");
  if (!url || !*url) return std::nullopt;
  return std::string(url);
}

// `server` with its database (the URL's path) replaced by `database`; the query string is kept.
std::string database_url(const std::string& server, const std::string& database) {
  const auto query = server.find('?');
  const std::string head = server.substr(0, query);
  const auto slash = head.find('/', head.find("://") + 3);
  return head.substr(0, slash) + "/" + database + (query == std::string::npos ? "" : server.substr(query));
}

// One statement on the server's own database, outside a transaction (as CREATE DATABASE must be).
void on_server(const std::string& sql) {
  data::sql::open_connection(*bench_server(), data::sql::Connection::Mode::ReadWrite)->exec(sql);
}

// Where one benchmark keeps its store: a new file in a folder of its own, or a new database on
// the server. Removed or dropped on destruction. Without a server, false and the benchmark is
// marked skipped.
class BenchStore {
 public:
  BenchStore(Backend backend, benchmark::State& state) {
    static int counter = 0;
    const auto name = fmt::format("organism_bench_{}_{}", ::getpid(), counter++);
    if (backend == Backend::Sqlite) {
      dir_ = fs::temp_directory_path() / name;
      fs::create_directories(dir_);
      location_ = (dir_ / "store.db").string();
      return;
    }
    if (!bench_server()) {
      state.SkipWithError("PostgreSQL half skipped: set ORGANISM_BENCH_POSTGRES to a server URL (scripts/bench-store "
                          "starts a throwaway server)");
      return;
    }
    database_ = name;
    on_server("CREATE DATABASE " + database_);
    location_ = database_url(*bench_server(), database_);
  }
  ~BenchStore() {
    if (!dir_.empty()) fs::remove_all(dir_);
    if (database_.empty()) return;
    try {
      on_server("DROP DATABASE IF EXISTS " + database_ + " WITH (FORCE)");
    } catch (const std::exception&) {  // a throwaway server goes with its cluster anyway
    }
  }
  BenchStore(const BenchStore&) = delete;
  BenchStore& operator=(const BenchStore&) = delete;

  explicit operator bool() const { return !location_.empty(); }
  const std::string& location() const { return location_; }

 private:
  fs::path dir_;
  std::string database_, location_;
};

// 1,000,000 1m bars of a random-looking walk, made once per process.
const data::Candles& million_bars() {
  static const data::Candles bars = [] {
    data::Candles out;
    out.reserve(1'000'000);
    double price = 100;
    for (std::int64_t i = 0; i < 1'000'000; ++i) {
      price *= 1.0 + ((i * 7919) % 200 - 100) * 1e-5;
      out.push_back({kT0 + i * 60'000, price, price * 1.001, price * 0.999, price, 1.0 + i % 17, i % 500});
    }
    return out;
  }();
  return bars;
}

// Writes `bars` to a series in one transaction, as an import does.
void write_series(data::Store& store, const data::SeriesKey& key, const data::CandleView& bars) {
  auto tx = store.transaction();
  store.upsert_candles(key, bars);
  tx.commit();
}

// Upsert of 1M bars into a new series (a new coin each iteration), one transaction.
void BM_store_write_1M(benchmark::State& state, Backend backend) {
  BenchStore at(backend, state);
  if (!at) return;
  const auto& bars = million_bars();
  auto store = data::Store::open(at.location());
  int series = 0;
  for (auto _ : state) write_series(store, {"bench", fmt::format("W{}", series++), kOneMinute}, bars.view());
  state.SetItemsProcessed(state.iterations() * 1'000'000);
}

// Store::load_candles of a whole 1M-bar series (rows, then count and checksum checked).
void BM_store_load_1M(benchmark::State& state, Backend backend) {
  BenchStore at(backend, state);
  if (!at) return;
  const data::SeriesKey key{"bench", "BTC", kOneMinute};
  {
    auto writer = data::Store::open(at.location());
    write_series(writer, key, million_bars().view());
  }
  auto store = data::Store::open_existing(at.location());
  for (auto _ : state) {
    auto bars = store.load_candles(key);
    benchmark::DoNotOptimize(bars->close().data());
  }
  state.SetItemsProcessed(state.iterations() * 1'000'000);
}

// The daemon's write of one closed bar (exchange::client::store_bars: one transaction) to a
// series of 100,000 bars: the series' checksum is extended, not recomputed.
void BM_store_live_bar_append(benchmark::State& state, Backend backend) {
  BenchStore at(backend, state);
  if (!at) return;
  const auto& bars = million_bars();
  const data::SeriesKey key{"bench", "BTC", kOneMinute};
  auto store = data::Store::open(at.location());
  write_series(store, key, bars.view(0, 100'000));
  std::size_t next = 100'000;
  for (auto _ : state) {
    data::Candles one;
    one.push_back(bars.bar(next++));
    exchange::client::store_bars(store, key, one);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_import_parse_btc_1h(benchmark::State& state) {
  const std::string path = std::string(ORGANISM_SHARED_DIR) + "/data/ohlcv/binance/BTC-1h.csv.gz";
  if (!fs::exists(path)) {
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

// Every .csv.gz of ../shared/data (candles, funding, sentiment), by path.
std::vector<std::string> shared_data_files() {
  std::vector<std::string> files;
  const fs::path root = fs::path(ORGANISM_SHARED_DIR) / "data";
  if (!fs::is_directory(root)) return files;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (e.is_regular_file() && e.path().string().ends_with(".csv.gz")) files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// `organism data import` of all of ../shared/data into a new store, as the CLI does it
// (src/cli/data_import_command.cpp): every file parsed first, then the store opened and every
// series upserted in one transaction. Counters: the parse and write parts, in seconds.
void BM_import_shared_data(benchmark::State& state, Backend backend) {
  const auto files = shared_data_files();
  if (files.empty()) {
    state.SkipWithError((std::string(ORGANISM_SHARED_DIR) + "/data is absent: nothing to import").c_str());
    return;
  }
  std::optional<BenchStore> at;
  std::size_t rows = 0;
  double parse_s = 0, write_s = 0;
  for (auto _ : state) {
    state.PauseTiming();  // a new store each time: a second import into one would change nothing
    at.reset();
    at.emplace(backend, state);
    state.ResumeTiming();
    if (!*at) break;
    const auto start = Clock::now();
    std::vector<data::ParsedFile> parsed;
    for (const auto& f : files) parsed.push_back(data::parse_file(f, {}));
    parse_s += seconds_since(start);
    const auto write_start = Clock::now();
    auto store = data::Store::open(at->location());
    auto tx = store.transaction();
    rows = 0;
    for (const auto& f : parsed) {
      if (f.candles) store.upsert_candles(f.candles->key, f.candles->bars.view());
      else if (f.funding) store.upsert_funding(*f.funding);
      else store.upsert_sentiment(*f.sentiment);
      rows += f.rows;
    }
    tx.commit();
    write_s += seconds_since(write_start);
  }
  if (state.iterations() == 0) return;
  const auto n = static_cast<double>(state.iterations());
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * rows));
  state.counters["files"] = static_cast<double>(files.size());
  state.counters["rows"] = static_cast<double>(rows);
  state.counters["parse_s"] = parse_s / n;
  state.counters["write_s"] = write_s / n;
}

// A real run's state after three generations of 1,000 genomes (the default families on a small
// synthetic market: 2 coins x 3,000 1h bars), made once per process (a few seconds).
struct ThousandGenomeRun {
  indicators::IndicatorCache cache{std::size_t{1} << 30};
  evolve::BacktestProblem evaluator{bench::synthetic_universe(2, 3000), backtest::BacktestConfig{}, cache, 0};
  evolve::Engine engine{options(), evaluator};
  ThousandGenomeRun() {
    engine.initialize();
    engine.step();
    engine.step();
  }
  static evolve::EvolveOptions options() {
    evolve::EvolveOptions o;
    o.population = 1000;
    o.generations = 100;
    return o;
  }
};

// RunService::checkpoint, the per-generation write of a run: the run's row and the engine's
// checkpoint JSON (serialized inside the timing, as a run pays it) in one transaction.
// Counters: the JSON's size and the time of engine.checkpoint().dump() alone.
void BM_checkpoint_1000_genomes(benchmark::State& state, Backend backend) {
  BenchStore at(backend, state);
  if (!at) return;
  static const ThousandGenomeRun run_state;
  const auto& engine = run_state.engine;
  auto store = data::Store::open(at.location());
  const core::FixedClock clock(kT0);
  const runs::RunService service(store, clock);
  runs::RunRecord run;
  run.id = "run_bench_checkpoint";
  run.created = kT0;
  run.progress.generation = engine.generation();
  for (auto _ : state) service.checkpoint(run, engine);
  const auto dump_start = Clock::now();
  const auto json = engine.checkpoint().dump();
  state.counters["dump_ms"] = seconds_since(dump_start) * 1e3;
  state.counters["json_kb"] = static_cast<double>(json.size()) / 1024;
  state.counters["genomes"] = static_cast<double>(ThousandGenomeRun::options().population);
}

// Each store benchmark on both backends, with fixed iteration counts: the slow ones write a
// million rows per iteration, and the machine is shared.
#define ORGANISM_STORE_BENCH(fn, iterations, unit)                                                  \
  BENCHMARK_CAPTURE(fn, sqlite, Backend::Sqlite)->Iterations(iterations)->Unit(unit)->UseRealTime(); \
  BENCHMARK_CAPTURE(fn, postgres, Backend::Postgres)->Iterations(iterations)->Unit(unit)->UseRealTime()

ORGANISM_STORE_BENCH(BM_store_write_1M, 3, benchmark::kMillisecond);
ORGANISM_STORE_BENCH(BM_store_load_1M, 5, benchmark::kMillisecond);
ORGANISM_STORE_BENCH(BM_import_shared_data, 2, benchmark::kMillisecond);
ORGANISM_STORE_BENCH(BM_checkpoint_1000_genomes, 20, benchmark::kMillisecond);
ORGANISM_STORE_BENCH(BM_store_live_bar_append, 1000, benchmark::kMicrosecond);

}  // namespace

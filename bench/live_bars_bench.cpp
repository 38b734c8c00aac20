// Frame received -> closed bar -> callback, in process without sockets: a candle frame's text
// through FrameParser and MarketDataSource::handle_frame, where the update for bar t+1 closes bar
// t, which is written to the store (one SQLite transaction in a file) and handed to the callback.
// Counters: p50_us / p99_us / max_us of that path for the frame that closes a bar (target p99 <
// 50 us, issue 18). The store's write recomputes the series' checksum (O(series length)), so the
// first variant grows a series to 5000 bars (the exchange's history depth) and the _no_store
// variant shows the rest of the path.
#include <utility>  // before Asio: g++ 12 coroutines (DEPENDENCIES.md)

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include "data/store.hpp"
#include "exchange/client/market_data_source.hpp"

namespace {

using namespace organism;
using namespace organism::exchange::client;
using Clock = std::chrono::steady_clock;

constexpr core::TimeMs kT0 = 1704067200000;  // 2024-01-01 00:00 UTC
constexpr int kFrames = 20'000;

std::string candle_frame(core::TimeMs t, int i) {
  return fmt::format(R"({{"channel":"candle","data":{{"t":{},"T":{},"s":"BTC","i":"1m","o":"9729{}.5","c":"9730{}.0",)"
                     R"("h":"9731{}.5","l":"9728{}.0","v":"{}.0137","n":{}}}}})",
                     t, t + 59'999, i % 10, i % 10, i % 10, i % 10, 3 + i % 17, 40 + i % 29);
}

void run(benchmark::State& state, bool persist) {
  const auto dir = std::filesystem::temp_directory_path() / fmt::format("live_bars_bench_{}", ::getpid());
  std::filesystem::create_directories(dir);
  std::vector<std::string> frames;
  frames.reserve(kFrames + 1);
  for (int i = 0; i <= kFrames; ++i) frames.push_back(candle_frame(kT0 + i * 60'000LL, i));
  std::vector<double> latency_us;
  latency_us.reserve(kFrames);
  {
    auto store = data::Store::open((dir / "live.db").string());
    boost::asio::io_context ioc;
    Clock::time_point received{};
    std::size_t emitted = 0;
    MarketDataOptions options{.coins = {"BTC"}, .since = kT0, .trust_ws_final = true, .persist = persist};
    MarketDataSource source(ioc, nullptr, nullptr, store, options, [&](const LiveBar& bar) {
      latency_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - received).count());
      benchmark::DoNotOptimize(bar.bar.close);
      ++emitted;
    });
    source.start();
    FrameParser parser;
    WsFrame frame;
    if (parser.parse(frames[0], frame)) state.SkipWithError("frame did not parse");
    source.handle_frame(frame);  // bar 0 forming
    std::size_t next = 1;
    for (auto _ : state) {
      if (next > kFrames) {
        state.SkipWithError("out of frames");
        break;
      }
      received = Clock::now();
      if (parser.parse(frames[next], frame)) {
        state.SkipWithError("frame did not parse");
        break;
      }
      source.handle_frame(frame);  // closes bar next-1: store, then callback
      ++next;
    }
    if (emitted + 1 != next) state.SkipWithError("a frame did not close a bar");
  }
  std::filesystem::remove_all(dir);
  if (latency_us.empty()) return;
  std::sort(latency_us.begin(), latency_us.end());
  const auto at = [&](double q) { return latency_us[static_cast<std::size_t>(q * static_cast<double>(latency_us.size() - 1))]; };
  state.counters["p50_us"] = at(0.50);
  state.counters["p99_us"] = at(0.99);
  state.counters["max_us"] = latency_us.back();
  state.SetItemsProcessed(state.iterations());
}

void BM_live_bar_frame_to_callback(benchmark::State& state) { run(state, true); }
void BM_live_bar_frame_to_callback_no_store(benchmark::State& state) { run(state, false); }
BENCHMARK(BM_live_bar_frame_to_callback)->Iterations(5000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_live_bar_frame_to_callback_no_store)->Iterations(kFrames)->Unit(benchmark::kMicrosecond);

}  // namespace

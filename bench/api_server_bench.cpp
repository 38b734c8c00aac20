// The monitor's HTTP API server on real loopback sockets, within this process: 20 concurrent
// keep-alive clients (threads, each with its own HttpTransport and the bearer token) GET one
// route. What the route does is the caller's: a fixed ~2 KB JSON by default, so the figure is
// the server's own cost (framing, routing, auth, the socket round trip). Target (issue 23):
// /positions at p99 under 2 ms with 20 concurrent clients. Counters: p50_us / p99_us / max_us
// of single requests as the clients see them, and the requests per second of all clients.
#include <algorithm>
#include <chrono>
#include <filesystem>

#include <unistd.h>
#include <thread>
#include <vector>

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include "data/store.hpp"
#include "exchange/client/http_transport.hpp"
#include "exec/journal.hpp"
#include "monitor/api/api_routes.hpp"
#include "monitor/http/http_server.hpp"

namespace organism::bench {

namespace mhttp = organism::monitor::http;

// A positions-like document of about 2 KB: 12 rows of the shape GET /positions answers.
mhttp::Handler fixed_json_handler() {
  std::string body = R"({"time":1767225600000,"positions":[)";
  for (int i = 0; i < 12; ++i) {
    if (i) body += ',';
    body += fmt::format(
        R"({{"journal":"production","strategy":"s{:04d}","coin":"BTC","size":"0.0125","entry_price":"97123.5",)"
        R"("realized_pnl":"12.5","fees":"0.41","funding":"-0.02","time":1767225600000,"mark":97200.1,"notional":1215.0}})",
        i);
  }
  body += "]}";
  return [body](const mhttp::Request&) { return mhttp::Response::json(body); };
}

// The real GET /positions over a store and a production journal in a temporary folder: 10
// strategies holding BTC, ETH and SOL (30 open positions, each with 20 older rows behind it), a
// paper journal with 4 more, and the store's last closes for the marks.
mhttp::Handler real_positions_handler() {
  static const auto dir = std::filesystem::temp_directory_path() / fmt::format("organism-api-bench-{}", ::getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const auto sources = monitor::api::ApiSources::for_store((dir / "bench.db").string());
  {
    auto store = data::Store::open(sources.store_path);
    const std::vector<std::string> coins{"BTC", "ETH", "SOL"};
    for (const auto& coin : coins) {
      data::Candles candles;
      for (int i = 0; i < 500; ++i)
        candles.push_back({1'704'067'200'000 + i * 3'600'000LL, 100.0 + i, 101.0 + i, 99.0 + i, 100.5 + i, 10});
      store.upsert_candles({"hyperliquid", coin, core::Interval::parse_or_throw("1h")}, candles.view());
    }
    auto journal = exec::Journal::open(sources.production_journal);
    for (int s = 0; s < 10; ++s) {
      for (const auto& coin : coins) {
        for (int k = 0; k < 21; ++k) {
          journal.record_position({fmt::format("strategy-{:02d}", s), coin, (k + 1) * 1'000'000, 100'000'000'000, k * 1'000,
                                   500, 0, 1'704'067'200'000 + k * 3'600'000LL, "fill"});
        }
      }
    }
    auto paper = exec::Journal::open(sources.paper_journal);
    for (int s = 0; s < 4; ++s) paper.record_position({fmt::format("paper-{}", s), "ETH", -2'000'000, 150'000'000'000, 0, 100, 0, 1'704'067'200'000, "fill"});
  }
  for (const auto& route : monitor::api::api_routes(sources))
    if (route.method == "GET" && route.pattern == "/positions") return route.handler;
  return {};
}

// range(0) clients (20: the issue's figure; 1: the server's own cost without queueing), each
// making range(1) GETs of `target` per iteration, all timed one by one.
void api_server_latency(benchmark::State& state, mhttp::Handler handler, std::string target) {
  const int client_count = static_cast<int>(state.range(0));
  const int per_client = static_cast<int>(state.range(1));
  const std::string token = "bench-token-0123456789abcdef";
  mhttp::ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.token = token;
  options.rate_per_minute = 0;  // one IP sends everything
  const std::string pattern = target.substr(0, target.find('?'));
  mhttp::HttpServer server({{"GET", pattern, std::move(handler)}}, options);

  exchange::client::TransportOptions client_options;
  client_options.headers = {{"Authorization", "Bearer " + token}};
  std::vector<std::unique_ptr<exchange::client::HttpTransport>> clients;
  for (int c = 0; c < client_count; ++c) {
    clients.push_back(std::make_unique<exchange::client::HttpTransport>(server.url(), client_options));
    if (clients.back()->get(target).status != 200) state.SkipWithError("the route does not answer 200");
  }
  std::vector<std::vector<double>> micros(static_cast<std::size_t>(client_count));
  std::int64_t total = 0;
  for (auto _ : state) {
    std::vector<std::thread> threads;
    for (int c = 0; c < client_count; ++c) {
      threads.emplace_back([&, c] {
        auto& mine = micros[static_cast<std::size_t>(c)];
        for (int i = 0; i < per_client; ++i) {
          const auto t0 = std::chrono::steady_clock::now();
          auto reply = clients[static_cast<std::size_t>(c)]->get(target);
          mine.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
          benchmark::DoNotOptimize(reply);
        }
      });
    }
    for (auto& t : threads) t.join();
    total += static_cast<std::int64_t>(client_count) * per_client;
  }
  std::vector<double> all;
  for (const auto& m : micros) all.insert(all.end(), m.begin(), m.end());
  std::sort(all.begin(), all.end());
  auto quantile = [&](double q) {
    return all.empty() ? 0.0 : all[std::min(all.size() - 1, static_cast<std::size_t>(q * static_cast<double>(all.size())))];
  };
  state.counters["p50_us"] = quantile(0.50);
  state.counters["p99_us"] = quantile(0.99);
  state.counters["max_us"] = all.empty() ? 0.0 : all.back();
  state.counters["requests"] = benchmark::Counter(static_cast<double>(total), benchmark::Counter::kIsRate);
}

BENCHMARK_CAPTURE(api_server_latency, fixed_2kb_json, fixed_json_handler(), std::string("/positions"))
    ->Args({20, 100})
    ->Args({1, 500})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
// The issue's figure: the real route, reading the journals and the store per request.
BENCHMARK_CAPTURE(api_server_latency, real_positions, real_positions_handler(), std::string("/positions"))
    ->Args({20, 100})
    ->Args({1, 500})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace organism::bench

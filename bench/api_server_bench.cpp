// The monitor's HTTP API server on real loopback sockets, within this process: 20 concurrent
// keep-alive clients (threads, each with its own HttpTransport and the bearer token) GET one
// route. What the route does is the caller's: a fixed ~2 KB JSON by default, so the figure is
// the server's own cost (framing, routing, auth, the socket round trip). Target (issue 23):
// /positions at p99 under 2 ms with 20 concurrent clients. Counters: p50_us / p99_us / max_us
// of single requests as the clients see them, and the requests per second of all clients.
#include <algorithm>
#include <chrono>
#include <thread>
#include <vector>

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include "exchange/client/http_transport.hpp"
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

}  // namespace organism::bench

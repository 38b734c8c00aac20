// The exchange simulator's server on real loopback sockets, within this process: WebSocket
// fan-out to 10 subscribers and the latency of POST /info l2Book. The server runs its own thread
// over the real SimApi of a synthetic two-coin market. Targets (issue 17): >= 100,000 messages/s
// delivered to 10 subscribers; l2Book p99 < 1 ms.
#include <utility>  // before Asio (DEPENDENCIES.md)

#include <algorithm>
#include <cmath>
#include <thread>

#include <benchmark/benchmark.h>
#include <boost/asio.hpp>
#include <boost/beast.hpp>

#include "core/clock.hpp"
#include "exchange/sim_api/sim_api.hpp"
#include "exchange/sim_server/server.hpp"
#include "exchange/sim_server/sim_api_handler.hpp"

namespace {

using namespace organism;
using namespace organism::exchange;
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

constexpr core::TimeMs kStart = 1704067200000;

data::Candles synthetic_bars(double base) {
  data::Candles bars;
  double prev = base;
  for (int i = 0; i < 2000; ++i) {
    const double close = base * (1 + 0.01 * std::sin(i / 30.0));
    bars.push_back({kStart + i * 60000LL, prev, std::max(prev, close) * 1.0005, std::min(prev, close) * 0.9995, close,
                    10.0 + i % 7, 100});
    prev = close;
  }
  return bars;
}

// The fan-out benchmark's feed: every publish hands the server `batch` copies of a real l2Book
// message (rendered by the SimApi), so what is measured is the server's fan-out, not the market.
class FanoutHandler final : public sim_server::Handler {
 public:
  explicit FanoutHandler(sim_server::SimApiHandler& inner) : inner_(inner) {}
  sim_server::Reply info(std::string_view b) override { return inner_.info(b); }
  sim_server::Reply exchange(std::string_view b) override { return inner_.exchange(b); }
  sim_server::Reply control(std::string_view body) override {
    if (body == "burst") {
      pending_ += batch;
      return {200, "{}"};
    }
    return inner_.control(body);
  }
  int info_weight(std::string_view b, const sim_server::Reply& r) override { return inner_.info_weight(b, r); }
  int exchange_weight(std::string_view b) override { return inner_.exchange_weight(b); }
  core::TimeMs market_time() const override { return inner_.market_time(); }
  void advance_to(core::TimeMs t) override { inner_.advance_to(t); }
  std::optional<sim_server::Subscription> parse_subscription(const sim_server::Json& s, std::string& e) override {
    return inner_.parse_subscription(s, e);
  }
  std::vector<std::string> snapshot(const sim_server::Subscription& s) override {
    auto out = inner_.snapshot(s);
    if (!out.empty() && s.channel == "l2Book") {
      message_ = out.front();
      key_ = s.key;
    }
    return out;
  }
  std::vector<sim_server::FeedMessage> publish(const std::function<bool(const std::string&)>& wanted) override {
    auto out = inner_.publish(wanted);
    for (; pending_ > 0 && !key_.empty(); --pending_) out.push_back({key_, message_});
    return out;
  }
  sim_server::Json state() const override { return inner_.state(); }
  int batch = 1000;

 private:
  sim_server::SimApiHandler& inner_;
  std::string message_, key_;
  int pending_ = 0;
};

struct BenchExchange {
  core::WallClock wall;
  sim_api::SimApi api;
  bool primed = (api.advance_to(api.market_time() + 1), true);  // the opening book before serving
  sim_server::SimApiHandler real;
  FanoutHandler fanout{real};
  sim_server::Server server;
  std::thread thread;

  static sim_api::SimApi make_api(const core::Clock& wall) {
    std::vector<sim::CoinMarketData> coins(2);
    coins[0].spec = {"BTC", 5, 40, false};
    coins[0].bars = synthetic_bars(42000);
    coins[1].spec = {"ETH", 4, 25, false};
    coins[1].bars = synthetic_bars(2200);
    sim::MarketConfig config;
    config.from = kStart + 600 * 60000LL;
    std::vector<sim::AssetSpec> assets{coins[0].spec, coins[1].spec};
    return sim_api::SimApi(sim::MarketReplay(std::move(coins), config), sim::Engine(assets, {}), wall);
  }
  static sim_server::ServerOptions options() {
    sim_server::ServerOptions o;
    o.rest_weight_per_minute = 1LL << 40;
    o.ws_messages_per_minute = 1LL << 40;
    o.ws_queue_limit = 1 << 20;
    return o;
  }
  BenchExchange() : api(make_api(wall)), real(api), server(fanout, options()), thread([this] { server.run(); }) {}
  ~BenchExchange() {
    server.stop();
    thread.join();
  }
};

class SyncHttp {
 public:
  explicit SyncHttp(std::uint16_t port) : socket_(ioc_) {
    socket_.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    socket_.set_option(tcp::no_delay(true));
  }
  std::string post(const std::string& target, const std::string& body) {
    http::request<http::string_body> req{http::verb::post, target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::content_type, "application/json");
    req.body() = body;
    req.prepare_payload();
    http::write(socket_, req);
    http::response<http::string_body> res;
    http::read(socket_, buffer_, res);
    return res.body();
  }

 private:
  net::io_context ioc_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
};

void BM_ws_fanout_10_subscribers(benchmark::State& state) {
  BenchExchange exchange;
  const auto port = exchange.server.port();
  net::io_context ioc;
  constexpr int kSubscribers = 10;
  std::vector<std::unique_ptr<websocket::stream<tcp::socket>>> clients;
  std::vector<beast::flat_buffer> buffers(kSubscribers);
  std::int64_t received = 0;
  for (int i = 0; i < kSubscribers; ++i) {
    auto ws = std::make_unique<websocket::stream<tcp::socket>>(ioc);
    ws->next_layer().connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    ws->handshake("127.0.0.1", "/ws");
    ws->write(net::buffer(std::string(R"({"method":"subscribe","subscription":{"type":"l2Book","coin":"BTC"}})")));
    beast::flat_buffer b;
    ws->read(b);  // the acknowledgement
    b.clear();
    ws->read(b);  // the snapshot
    clients.push_back(std::move(ws));
  }
  std::function<void(int)> read_one = [&](int i) {
    clients[static_cast<std::size_t>(i)]->async_read(buffers[static_cast<std::size_t>(i)],
                                                     [&, i](const beast::error_code& ec, std::size_t) {
                                                       if (ec) return;
                                                       buffers[static_cast<std::size_t>(i)].clear();
                                                       ++received;
                                                       read_one(i);
                                                     });
  };
  for (int i = 0; i < kSubscribers; ++i) read_one(i);
  SyncHttp control(port);
  const int batch = exchange.fanout.batch;
  std::int64_t delivered = 0;
  for (auto _ : state) {
    const std::int64_t target = received + static_cast<std::int64_t>(batch) * kSubscribers;
    control.post("/control", "burst");
    while (received < target) ioc.run_one();
    delivered += static_cast<std::int64_t>(batch) * kSubscribers;
  }
  state.counters["messages"] = benchmark::Counter(static_cast<double>(delivered), benchmark::Counter::kIsRate);
  for (auto& c : clients) {
    beast::error_code ec;
    c->next_layer().close(ec);
  }
}
BENCHMARK(BM_ws_fanout_10_subscribers)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_info_l2book_latency(benchmark::State& state) {
  BenchExchange exchange;
  SyncHttp http(exchange.server.port());
  std::vector<double> micros;
  micros.reserve(1 << 20);
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    auto body = http.post("/info", R"({"type":"l2Book","coin":"BTC"})");
    micros.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
    benchmark::DoNotOptimize(body);
  }
  std::sort(micros.begin(), micros.end());
  auto quantile = [&](double q) {
    return micros.empty() ? 0.0 : micros[std::min(micros.size() - 1, static_cast<std::size_t>(q * micros.size()))];
  };
  state.counters["p50_us"] = quantile(0.50);
  state.counters["p99_us"] = quantile(0.99);
  state.counters["max_us"] = micros.empty() ? 0.0 : micros.back();
}
BENCHMARK(BM_info_l2book_latency)->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace

// WsClient against the real `organism exchange-sim` on loopback (--speed 0, the market moved by
// POST /control advance): acknowledged subscriptions and parsed feeds, reconnects under drop_ws,
// skipped frames under malformed_ws, post round trips; and the dead-link timeout against a tiny
// WebSocket server in the test that accepts and never says anything.
#include "exchange/client/ws_client.hpp"

#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <thread>

#include "io_wait.hpp"
#include "sim_server_client.hpp"
#include "sim_server_process.hpp"

namespace organism::exchange::client {
namespace {

using test::run_until;

using namespace std::chrono_literals;
using test::HttpClient;
using test::SimProcess;

std::string url_of(std::uint16_t port) { return "ws://127.0.0.1:" + std::to_string(port) + "/ws"; }

const WsSubscription kBtcBook{"l2Book", "BTC", "", ""};
const WsSubscription kBtcCandle{"candle", "BTC", "1m", ""};
const WsSubscription kBtcTrades{"trades", "BTC", "", ""};

struct Seen {
  int books = 0, candles = 0;
  std::vector<WsCandle> candle_list;
  std::string book_coin;
  std::size_t bids = 0, asks = 0;
};

void count_into(WsClient& client, Seen& seen) {
  client.on_frame([&seen](const WsFrame& frame) {
    if (frame.kind == FrameKind::l2_book) {
      ++seen.books;
      seen.book_coin = frame.book.coin;
      seen.bids = frame.book.bids.size();
      seen.asks = frame.book.asks.size();
    } else if (frame.kind == FrameKind::candle) {
      ++seen.candles;
      for (const auto& c : frame.candles) seen.candle_list.push_back(c);
    }
  });
}

TEST(WsClient, SubscriptionsAreAcknowledgedAndFeedsParse) {
  SimProcess sim({"--speed", "0", "--coins", "BTC,ETH"});
  ASSERT_TRUE(sim.started());
  HttpClient http(sim.port());
  boost::asio::io_context ioc;
  WsClient client(ioc, {.url = url_of(sim.port())});
  Seen seen;
  count_into(client, seen);
  client.subscribe(kBtcBook);
  client.subscribe(kBtcCandle);
  client.subscribe(kBtcTrades);
  client.start();
  ASSERT_TRUE(run_until(ioc, [&] {
    return client.acknowledged(kBtcBook) && client.acknowledged(kBtcCandle) && client.acknowledged(kBtcTrades);
  }, 5s));
  EXPECT_EQ(client.stats().acks, 3u);
  ASSERT_EQ(http.post("/control", R"({"type":"advance","steps":24})").status, 200);
  ASSERT_TRUE(run_until(ioc, [&] { return seen.books > 0 && seen.candles > 0; }, 5s));
  EXPECT_EQ(seen.book_coin, "BTC");
  EXPECT_GT(seen.bids, 0u);
  EXPECT_GT(seen.asks, 0u);
  ASSERT_FALSE(seen.candle_list.empty());
  EXPECT_EQ(seen.candle_list[0].coin, "BTC");
  EXPECT_EQ(seen.candle_list[0].interval, "1m");
  EXPECT_EQ(seen.candle_list[0].open_time % 60'000, 0);
  EXPECT_EQ(seen.candle_list[0].close_time, seen.candle_list[0].open_time + 59'999);
  EXPECT_EQ(client.stats().skipped, 0u);
  EXPECT_EQ(client.stats().reconnects, 0u);
  client.unsubscribe(kBtcBook);
  ASSERT_TRUE(run_until(ioc, [&] { return !client.acknowledged(kBtcBook); }, 5s));
  EXPECT_TRUE(client.acknowledged(kBtcCandle));
}

TEST(WsClient, PostInfoRoundTripAndFrameCountsOfPingPong) {
  SimProcess sim({"--speed", "0"});
  ASSERT_TRUE(sim.started());
  boost::asio::io_context ioc;
  WsClient client(ioc, {.url = url_of(sim.port()), .ping_interval = 100ms, .dead_after = 1000ms});
  client.start();
  std::vector<std::string> payloads;
  for (int i = 0; i < 3; ++i) {
    client.post("info", R"({"type":"l2Book","coin":"ETH"})", [&](const auto& reply, const std::string& error) {
      ASSERT_TRUE(reply) << error;
      EXPECT_EQ(reply->type, "info");
      payloads.push_back(reply->payload);
    });
  }
  EXPECT_EQ(client.posts_in_flight(), 0u);  // not connected yet: queued
  ASSERT_TRUE(run_until(ioc, [&] { return payloads.size() == 3; }, 5s));
  EXPECT_EQ(payloads[0].rfind(R"({"type":"l2Book","data":{"coin":"ETH")", 0), 0u) << payloads[0];
  EXPECT_EQ(client.posts_in_flight(), 0u);
  // At most 100 in flight (PROTOCOL §4.6): the rest wait for replies, and all 150 come back.
  int replies = 0;
  for (int i = 0; i < 150; ++i) {
    client.post("info", R"({"type":"allMids"})", [&](const auto& reply, const std::string&) { replies += reply ? 1 : 0; });
  }
  EXPECT_EQ(client.posts_in_flight(), 100u);
  ASSERT_TRUE(run_until(ioc, [&] { return replies == 150; }, 5s));
  EXPECT_EQ(client.posts_in_flight(), 0u);
  // Pings every 100 ms are answered with pongs and keep the link alive.
  ASSERT_TRUE(run_until(ioc, [&] { return client.stats().pongs >= 3; }, 5s));
  EXPECT_EQ(client.stats().dead_links, 0u);
  EXPECT_EQ(client.stats().connects, 1u);
}

TEST(WsClient, ReconnectsAndResubscribesWhenTheServerDropsEverySecond) {
  SimProcess sim({"--speed", "0", "--faults", "drop_ws=1s"});
  ASSERT_TRUE(sim.started());
  HttpClient http(sim.port());
  boost::asio::io_context ioc;
  WsClient client(ioc, {.url = url_of(sim.port()), .backoff_initial = 100ms, .seed = 7});
  std::vector<std::uint64_t> reported;
  client.on_reconnect([&](std::uint64_t n, const std::string&) { reported.push_back(n); });
  Seen seen;
  count_into(client, seen);
  client.subscribe(kBtcCandle);
  client.start();
  ASSERT_TRUE(run_until(ioc, [&] { return client.stats().reconnects >= 3; }, 10s));
  EXPECT_EQ(reported, (std::vector<std::uint64_t>{1, 2, 3}));
  // After the third reconnect the subscription is back and the feed flows on it.
  ASSERT_TRUE(run_until(ioc, [&] { return client.acknowledged(kBtcCandle); }, 3s));
  const int before = seen.candles;
  ASSERT_EQ(http.post("/control", R"({"type":"advance","steps":5})").status, 200);
  ASSERT_TRUE(run_until(ioc, [&] { return seen.candles > before; }, 3s));
  EXPECT_GE(client.stats().acks, 4u);  // one per connection
  EXPECT_EQ(client.stats().skipped, 0u);
}

TEST(WsClient, MalformedFramesAreSkippedAndCountedGoodOnesStillParse) {
  SimProcess sim({"--speed", "0", "--seed", "5", "--faults", "malformed_ws=0.2"});
  ASSERT_TRUE(sim.started());
  HttpClient http(sim.port());
  boost::asio::io_context ioc;
  // Pings every 20 ms: their pongs add ~50 frames a second to the feeds, a fifth of them broken.
  WsClient client(ioc, {.url = url_of(sim.port()), .ping_interval = 20ms, .dead_after = 5000ms});
  Seen seen;
  count_into(client, seen);
  client.subscribe(kBtcBook);
  client.subscribe(kBtcCandle);
  client.start();
  ASSERT_TRUE(run_until(ioc, [&] { return client.connected(); }, 5s));
  run_until(ioc, [] { return false; }, 200ms);  // the subscriptions reach the server
  for (int i = 0; i < 10; ++i) {
    ASSERT_EQ(http.post("/control", R"({"type":"advance","steps":10})").status, 200);
    run_until(ioc, [] { return false; }, 50ms);
  }
  ASSERT_TRUE(run_until(ioc, [&] { return client.stats().frames >= 100; }, 10s));
  const auto& stats = client.stats();
  EXPECT_GT(stats.skipped, 0u);
  EXPECT_GT(seen.books + seen.candles, 0);
  EXPECT_GT(stats.pongs, 0u);
  // Every frame is either parsed and dispatched or skipped; none is lost to an exception.
  EXPECT_EQ(stats.frames, stats.skipped + stats.acks + static_cast<std::uint64_t>(seen.books + seen.candles) +
                              stats.pongs + stats.error_frames);
  EXPECT_EQ(stats.reconnects, 0u);
  std::printf("malformed_ws=0.2: %llu frames, %llu skipped\n", static_cast<unsigned long long>(stats.frames),
              static_cast<unsigned long long>(stats.skipped));
}

// Accepts WebSocket connections and reads from them without ever sending (a dead link whose TCP
// connection stays up).
class SilentWsServer {
 public:
  SilentWsServer() : acceptor_(ioc_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    accept();
    thread_ = std::thread([this] { ioc_.run(); });
  }
  ~SilentWsServer() {
    ioc_.stop();
    thread_.join();
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  int accepted() const { return accepted_.load(); }

 private:
  using Ws = boost::beast::websocket::stream<boost::beast::tcp_stream>;
  void accept() {
    acceptor_.async_accept([this](boost::beast::error_code ec, boost::asio::ip::tcp::socket socket) {
      if (ec) return;
      auto ws = std::make_shared<Ws>(std::move(socket));
      ws->async_accept([this, ws](boost::beast::error_code accept_ec) {
        if (accept_ec) return;
        ++accepted_;
        read(ws, std::make_shared<boost::beast::flat_buffer>());
      });
      accept();
    });
  }
  void read(std::shared_ptr<Ws> ws, std::shared_ptr<boost::beast::flat_buffer> buffer) {
    ws->async_read(*buffer, [this, ws, buffer](boost::beast::error_code ec, std::size_t) {
      if (ec) return;
      buffer->consume(buffer->size());
      read(ws, buffer);
    });
  }
  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::atomic<int> accepted_{0};
  std::thread thread_;
};

TEST(WsClient, DeadLinkTimeoutReconnectsWhenNothingComesBack) {
  SilentWsServer server;
  boost::asio::io_context ioc;
  WsClient client(ioc, {.url = url_of(server.port()), .ping_interval = 100ms, .backoff_initial = 50ms});
  std::vector<std::string> reasons;
  client.on_reconnect([&](std::uint64_t, const std::string& reason) { reasons.push_back(reason); });
  client.start();
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(run_until(ioc, [&] { return client.stats().reconnects >= 2; }, 5s));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_GE(elapsed, 400ms);  // two dead links of at least 2 x 100 ms each
  EXPECT_EQ(client.stats().dead_links, 2u);
  EXPECT_EQ(client.stats().pongs, 0u);
  EXPECT_GE(server.accepted(), 3);
  EXPECT_EQ(reasons, (std::vector<std::string>{"dead link", "dead link"}));
}

TEST(WsClient, RefusesPlainWebSocketToARemoteHostAndRespectsTheConnectionCap) {
  boost::asio::io_context ioc;
  EXPECT_THROW(WsClient(ioc, {.url = "ws://api.hyperliquid.xyz/ws"}), std::invalid_argument);
  EXPECT_NO_THROW(WsClient(ioc, {.url = "wss://api.hyperliquid.xyz/ws"}));  // verified TLS: any host
  // A cap of 2 new connections a minute: the third attempt waits for the window.
  SilentWsServer server;
  WsClient client(ioc, {.url = url_of(server.port()), .ping_interval = 50ms, .backoff_initial = 1ms,
                        .max_new_connections_per_minute = 2});
  client.start();
  run_until(ioc, [] { return false; }, 1000ms);
  EXPECT_EQ(client.stats().connects, 2u);
  EXPECT_EQ(server.accepted(), 2);
}

}  // namespace
}  // namespace organism::exchange::client

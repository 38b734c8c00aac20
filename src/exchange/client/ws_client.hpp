// The Hyperliquid WebSocket client (PROTOCOL §4): subscriptions with acknowledgements, a ping
// every interval and a dead-link timeout, reconnects with exponential backoff and full seeded
// jitter under the new-connection cap, re-subscription, and post requests with ids and an
// in-flight limit; wss with verified TLS, through the proxy of exchange.proxy when set. Used by
// the live market data source; runs on the caller's io_context.
#pragma once

#include <utility>  // before Asio: g++ 12 coroutines (DEPENDENCIES.md)

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>

#include "exchange/client/ws_frames.hpp"

namespace organism::exchange::client {

struct WsClientOptions {
  // wss://HOST[:PORT]/PATH to any host, TLS verified as REST is (tls_client.hpp); plain
  // ws://HOST:PORT/PATH only to a loopback host (the simulator): anything else is refused at
  // construction (std::invalid_argument naming the URL).
  std::string url;
  std::string proxy{};  // as TransportOptions::proxy: "", http://HOST:PORT or socks5://HOST:PORT
  std::string ca_file{};  // as TransportOptions::ca_file: "" trusts the system CA store
  std::chrono::milliseconds ping_interval{50'000};  // both SDKs ping every 50 s (PROTOCOL §4.4)
  // No frame at all for this long means a dead link: close and reconnect. 0 = 2 ping intervals.
  std::chrono::milliseconds dead_after{0};
  std::chrono::milliseconds backoff_initial{500};
  std::chrono::milliseconds backoff_max{30'000};
  int max_new_connections_per_minute = 30;  // PROTOCOL §10
  std::size_t max_posts_in_flight = 100;    // PROTOCOL §4.6
  std::size_t max_frame_bytes = 16u << 20;
  std::uint64_t seed = 1;  // the backoff jitter's stream
};

struct WsSubscription {
  std::string type;
  std::string coin;      // empty when the type has none
  std::string interval;  // candle only
  std::string user;      // user feeds only
  std::string json() const;  // the subscription object as sent
  std::string key() const { return subscription_key(type, coin, interval, user); }
};

struct WsClientStats {
  std::uint64_t connects = 0;
  std::uint64_t reconnects = 0;
  std::uint64_t failed_connects = 0;
  std::uint64_t dead_links = 0;
  std::uint64_t frames = 0;   // every frame received
  std::uint64_t skipped = 0;  // frames that did not parse (logged)
  std::uint64_t acks = 0;
  std::uint64_t pongs = 0;
  std::uint64_t error_frames = 0;
  std::string last_connect_error{};  // why the latest failed connect failed (names the proxy)
};

class WsClient {
 public:
  using FrameHandler = std::function<void(const WsFrame&)>;
  // After each reconnect (connection number n >= 2), once every subscription was re-sent: the
  // caller backfills what it may have missed.
  using ReconnectHandler = std::function<void(std::uint64_t reconnects, const std::string& reason)>;
  // A post's reply, or nullopt and why (connection lost before the reply).
  using PostHandler = std::function<void(const std::optional<WsPostReply>& reply, const std::string& error)>;

  WsClient(boost::asio::io_context& ioc, WsClientOptions options);
  ~WsClient();
  WsClient(const WsClient&) = delete;
  WsClient& operator=(const WsClient&) = delete;

  void on_frame(FrameHandler handler);
  void on_reconnect(ReconnectHandler handler);
  void start();  // connects (and keeps reconnecting) on the io_context
  void stop();   // closes; nothing more is sent or reported

  // Remembered and re-sent after every reconnect; sent now when connected.
  void subscribe(const WsSubscription& subscription);
  void unsubscribe(const WsSubscription& subscription);
  // True once the current connection acknowledged it.
  bool acknowledged(const WsSubscription& subscription) const;
  bool connected() const;

  // {"method":"post","id":N,"request":{"type":"info","payload":PAYLOAD}}; queued beyond the
  // in-flight limit. An action (type "action") is never re-sent after a lost connection: its
  // handler gets the error and the caller decides (PROTOCOL §9).
  void post(std::string type, std::string payload_json, PostHandler handler);
  std::size_t posts_in_flight() const;

  const WsClientStats& stats() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace organism::exchange::client

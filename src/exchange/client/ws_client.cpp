// One connection loop per client, on one thread: connect (within the per-minute cap, after a
// jittered backoff), re-subscribe, then read until the link drops or goes quiet. Writes go
// through a queue because Beast allows one outstanding write per stream.
#include "exchange/client/ws_client.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <map>
#include <set>
#include <stdexcept>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast.hpp>
#include <boost/beast/ssl.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/random.hpp"
#include "exchange/client/http_transport.hpp"
#include "exchange/client/proxy_connect.hpp"
#include "exchange/client/tls_client.hpp"

namespace organism::exchange::client {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace ssl = boost::asio::ssl;
using Clock = std::chrono::steady_clock;
using PlainWs = websocket::stream<beast::tcp_stream>;
using SecureWs = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;

namespace {

struct WsUrl {
  std::string host, port, target;
  bool tls = false;
};

// wss:// to any host (TLS verified as REST is); plain ws:// only to a loopback host (the
// simulator), because subscriptions name users and posts carry signed actions.
WsUrl parse_url(const std::string& url) {
  WsUrl out;
  std::string rest;
  if (url.starts_with("wss://")) {
    out.tls = true;
    rest = url.substr(6);
  } else if (url.starts_with("ws://")) {
    rest = url.substr(5);
  } else {
    throw std::invalid_argument(fmt::format("WebSocket URL '{}': expected ws:// or wss://", url));
  }
  const auto slash = rest.find('/');
  const std::string authority = rest.substr(0, slash);
  out.target = slash == std::string::npos ? "/ws" : rest.substr(slash);
  std::string port;
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == std::string::npos) throw std::invalid_argument(fmt::format("WebSocket URL '{}': bad host", url));
    out.host = authority.substr(1, close - 1);
    if (authority.compare(close + 1, 1, ":") == 0) port = authority.substr(close + 2);
  } else {
    const auto colon = authority.find(':');
    out.host = authority.substr(0, colon);
    if (colon != std::string::npos) port = authority.substr(colon + 1);
  }
  if (out.host.empty()) throw std::invalid_argument(fmt::format("WebSocket URL '{}': no host", url));
  out.port = port.empty() ? (out.tls ? "443" : "80") : port;
  if (!out.tls && !is_loopback_host(out.host)) {
    throw std::invalid_argument(fmt::format(
        "WebSocket URL '{}': plain ws:// is allowed only for loopback hosts (127.0.0.1, ::1, localhost); use wss://", url));
  }
  return out;
}

std::string quoted(const std::string& text) { return "\"" + text + "\""; }

}  // namespace

std::string WsSubscription::json() const {
  std::string out = "{\"type\":" + quoted(type);
  if (!coin.empty()) out += ",\"coin\":" + quoted(coin);
  if (!interval.empty()) out += ",\"interval\":" + quoted(interval);
  if (!user.empty()) out += ",\"user\":" + quoted(user);
  return out + "}";
}

struct PendingPost {
  std::uint64_t id;
  std::string message;
  WsClient::PostHandler handler;
};

struct WsClient::Impl : std::enable_shared_from_this<Impl> {
  Impl(net::io_context& context, WsClientOptions opts)
      : ioc(context), options(std::move(opts)), url(parse_url(options.url)),
        route(make_route(url.host, url.port, options.proxy)), rng(options.seed, {0x5753}),
        parser(options.max_frame_bytes), ping_timer(context), wait_timer(context) {
    if (options.dead_after.count() == 0) options.dead_after = 2 * options.ping_interval;
    if (url.tls) tls_context.emplace(make_tls_client_context(options.ca_file));
  }

  net::io_context& ioc;
  WsClientOptions options;
  WsUrl url;
  Route route;  // the target, and the proxy with its credentials when there is one
  std::optional<ssl::context> tls_context;  // wss only
  core::Rng rng;
  FrameParser parser;
  WsFrame frame;
  // One of the two is open at a time, as the URL's scheme says; with_ws picks it.
  std::unique_ptr<PlainWs> ws;
  std::unique_ptr<SecureWs> wss;
  net::steady_timer ping_timer, wait_timer;
  std::map<std::string, WsSubscription> subscriptions;  // ordered: re-sent in a stable order
  std::set<std::string> acked;
  std::deque<std::string> outbox;
  bool writing = false;
  std::map<std::uint64_t, PendingPost> in_flight;
  std::deque<PendingPost> queued_posts;
  std::uint64_t next_post_id = 1;
  std::deque<Clock::time_point> connect_times;
  Clock::time_point last_frame{};
  bool stopped = false, started = false, is_connected = false;
  std::string drop_reason;  // why the client itself closed the link, when it did
  std::uint64_t generation = 0;
  WsClientStats stats;
  FrameHandler frame_handler;
  ReconnectHandler reconnect_handler;

  template <class F>
  decltype(auto) with_ws(F&& f) {
    if (url.tls) return f(*wss);
    return f(*ws);
  }
  beast::tcp_stream& lowest() { return url.tls ? beast::get_lowest_layer(*wss) : beast::get_lowest_layer(*ws); }

  void send(std::string message) {
    if (!is_connected) return;
    outbox.push_back(std::move(message));
    pump();
  }

  void pump() {
    if (writing || outbox.empty() || !is_connected) return;
    writing = true;
    with_ws([this](auto& stream) {
      stream.async_write(net::buffer(outbox.front()),
                         [self = shared_from_this(), gen = generation](beast::error_code ec, std::size_t) {
                           if (gen != self->generation) return;  // a write of a connection already gone
                           self->writing = false;
                           if (ec) return;  // the read loop sees the failure and reconnects
                           self->outbox.pop_front();
                           self->pump();
                         });
    });
  }

  void flush_posts() {
    while (is_connected && !queued_posts.empty() && in_flight.size() < options.max_posts_in_flight) {
      PendingPost post = std::move(queued_posts.front());
      queued_posts.pop_front();
      send(post.message);
      const auto id = post.id;
      in_flight.emplace(id, std::move(post));
    }
  }

  void close_socket() {
    if (!ws && !wss) return;
    beast::error_code ignored;
    lowest().socket().close(ignored);
  }

  net::awaitable<void> sleep(Clock::duration duration) {
    wait_timer.expires_after(duration);
    beast::error_code ec;
    co_await wait_timer.async_wait(net::redirect_error(net::use_awaitable, ec));
  }

  // The exchange allows 30 new connections a minute per IP: wait for a slot in the window.
  net::awaitable<void> connection_slot() {
    const auto window = std::chrono::minutes(1);
    while (!stopped) {
      const auto now = Clock::now();
      while (!connect_times.empty() && now - connect_times.front() >= window) connect_times.pop_front();
      if (static_cast<int>(connect_times.size()) < options.max_new_connections_per_minute) break;
      co_await sleep(connect_times.front() + window - now);
    }
    connect_times.push_back(Clock::now());
  }

  net::awaitable<void> pinger(std::uint64_t gen) {
    auto self = shared_from_this();
    while (!stopped && gen == generation) {
      ping_timer.expires_after(std::min(options.ping_interval, options.dead_after));
      beast::error_code ec;
      co_await ping_timer.async_wait(net::redirect_error(net::use_awaitable, ec));
      if (stopped || gen != generation) co_return;
      const auto quiet = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - last_frame);
      if (quiet >= options.dead_after) {
        ++stats.dead_links;
        drop_reason = "dead link";
        spdlog::warn("ws {}: no frame for {} ms, the link is dead; reconnecting", options.url, quiet.count());
        close_socket();
        co_return;
      }
      send(R"({"method":"ping"})");
    }
  }

  void dispatch() {
    switch (frame.kind) {
      case FrameKind::subscription_response:
        ++stats.acks;
        if (frame.ack.method == "unsubscribe") acked.erase(frame.ack.key);
        else acked.insert(frame.ack.key);
        break;
      case FrameKind::pong: ++stats.pongs; break;
      case FrameKind::error:
        ++stats.error_frames;
        spdlog::warn("ws {}: error frame: {}", options.url, frame.error);
        break;
      case FrameKind::post: {
        auto it = in_flight.find(frame.post.id);
        if (it != in_flight.end()) {
          auto handler = std::move(it->second.handler);
          in_flight.erase(it);
          flush_posts();
          if (handler) handler(frame.post, "");
        }
        break;
      }
      default: break;
    }
    if (frame_handler) frame_handler(frame);
  }

  void connection_lost(const std::string& reason) {
    is_connected = false;
    acked.clear();
    outbox.clear();
    writing = false;
    ping_timer.cancel();
    // Replies to these will never come; an action may or may not have reached the exchange.
    auto lost = std::move(in_flight);
    in_flight.clear();
    for (auto& [id, post] : lost) {
      if (post.handler) post.handler(std::nullopt, "connection lost before the reply: " + reason);
    }
  }

  // TCP to the target or through the proxy, TLS for wss, then the WebSocket upgrade, all within
  // one deadline; "" on success, else what failed (naming the proxy when there is one).
  net::awaitable<std::string> open_connection() {
    if (url.tls) {
      wss = std::make_unique<SecureWs>(ioc, *tls_context);
      ws.reset();
    } else {
      ws = std::make_unique<PlainWs>(ioc);
    }
    with_ws([&](auto& stream) { stream.read_message_max(options.max_frame_bytes); });
    const OpenResult opened = co_await open_route(lowest(), route, std::chrono::seconds(10));
    if (!opened.ok()) co_return opened.error;
    const std::string via = route.proxy ? " via proxy " + route.proxy->display : std::string();
    beast::error_code ec;
    if (url.tls) {
      if (auto error = prepare_tls_connection(wss->next_layer().native_handle(), url.host); !error.empty()) {
        co_return error;
      }
      co_await wss->next_layer().async_handshake(ssl::stream_base::client, net::redirect_error(net::use_awaitable, ec));
      if (ec) co_return fmt::format("TLS handshake with {}:{}{}: {}", url.host, url.port, via, ec.message());
    }
    co_await with_ws([&](auto& stream) {
      return stream.async_handshake(url.host, url.target, net::redirect_error(net::use_awaitable, ec));
    });
    if (ec) co_return fmt::format("WebSocket handshake with {}:{}{}: {}", url.host, url.port, via, ec.message());
    lowest().expires_never();
    co_return std::string();
  }

  net::awaitable<void> run() {
    auto self = shared_from_this();
    int failures = 0;
    std::string reason = "start";
    while (!stopped) {
      if (failures > 0) {
        // Exponential backoff with full jitter: uniform in [0, min(max, initial * 2^(n-1))].
        const double cap = std::min<double>(static_cast<double>(options.backoff_max.count()),
                                            static_cast<double>(options.backoff_initial.count()) * std::pow(2.0, failures - 1));
        co_await sleep(std::chrono::microseconds(static_cast<std::int64_t>(rng.uniform(0.0, cap) * 1000.0)));
      }
      co_await connection_slot();
      if (stopped) break;
      beast::error_code ec;
      std::string failure = co_await open_connection();
      if (stopped) break;
      if (!failure.empty()) {
        ++stats.failed_connects;
        ++failures;
        reason = failure;
        stats.last_connect_error = failure;
        spdlog::warn("ws {}: connect failed: {}", options.url, reason);
        continue;
      }
      failures = 0;
      ++generation;
      ++stats.connects;
      is_connected = true;
      last_frame = Clock::now();
      for (const auto& [key, subscription] : subscriptions) {
        send(R"({"method":"subscribe","subscription":)" + subscription.json() + "}");
      }
      flush_posts();
      net::co_spawn(ioc, pinger(generation), net::detached);
      if (stats.connects > 1) {
        ++stats.reconnects;
        spdlog::info("ws {}: reconnected (reconnect {}, after: {}); {} subscriptions re-sent", options.url,
                     stats.reconnects, reason, subscriptions.size());
        if (reconnect_handler) reconnect_handler(stats.reconnects, reason);
      }
      beast::flat_buffer buffer;
      while (!stopped) {
        co_await with_ws([&](auto& stream) { return stream.async_read(buffer, net::redirect_error(net::use_awaitable, ec)); });
        if (ec) break;
        last_frame = Clock::now();
        ++stats.frames;
        const auto data = buffer.cdata();
        const std::string_view text(static_cast<const char*>(data.data()), data.size());
        if (auto error = parser.parse(text, frame)) {
          ++stats.skipped;
          spdlog::warn("ws {}: skipped a frame: {}", options.url, error->what);
        } else {
          dispatch();
        }
        buffer.consume(buffer.size());
      }
      reason = stopped ? "stopped" : drop_reason.empty() ? ec.message() : drop_reason;
      drop_reason.clear();
      if (!stopped) spdlog::warn("ws {}: connection lost: {}", options.url, reason);
      connection_lost(reason);
      ++failures;  // the first reconnect waits a jittered moment too: drops come in waves
    }
    connection_lost("stopped");
  }
};

WsClient::WsClient(net::io_context& ioc, WsClientOptions options)
    : impl_(std::make_shared<Impl>(ioc, std::move(options))) {}

WsClient::~WsClient() { stop(); }

void WsClient::on_frame(FrameHandler handler) { impl_->frame_handler = std::move(handler); }
void WsClient::on_reconnect(ReconnectHandler handler) { impl_->reconnect_handler = std::move(handler); }

void WsClient::start() {
  if (impl_->started) return;
  impl_->started = true;
  net::co_spawn(impl_->ioc, impl_->run(), net::detached);
}

void WsClient::stop() {
  auto& impl = *impl_;
  if (impl.stopped) return;
  impl.stopped = true;
  impl.frame_handler = nullptr;
  impl.reconnect_handler = nullptr;
  impl.ping_timer.cancel();
  impl.wait_timer.cancel();
  impl.close_socket();
}

void WsClient::subscribe(const WsSubscription& subscription) {
  impl_->subscriptions[subscription.key()] = subscription;
  impl_->send(R"({"method":"subscribe","subscription":)" + subscription.json() + "}");
}

void WsClient::unsubscribe(const WsSubscription& subscription) {
  impl_->subscriptions.erase(subscription.key());
  impl_->send(R"({"method":"unsubscribe","subscription":)" + subscription.json() + "}");
}

bool WsClient::acknowledged(const WsSubscription& subscription) const { return impl_->acked.count(subscription.key()) > 0; }
bool WsClient::connected() const { return impl_->is_connected; }

void WsClient::post(std::string type, std::string payload_json, PostHandler handler) {
  const std::uint64_t id = impl_->next_post_id++;
  impl_->queued_posts.push_back(PendingPost{
      id, fmt::format(R"({{"method":"post","id":{},"request":{{"type":"{}","payload":{}}}}})", id, type, payload_json),
      std::move(handler)});
  impl_->flush_posts();
}

std::size_t WsClient::posts_in_flight() const { return impl_->in_flight.size(); }
const WsClientStats& WsClient::stats() const { return impl_->stats; }

}  // namespace organism::exchange::client

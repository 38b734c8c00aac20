// Inside the monitor's HTTP server: the state its connections share (router, limits, counters,
// the registry stop() closes) and the session coroutine. Internal to monitor/http.
#pragma once

#include <utility>  // before Asio: g++ 12 coroutines (DEPENDENCIES.md)

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast.hpp>
#include <boost/beast/ssl.hpp>

#include "exchange/sim_server/rate_limit.hpp"
#include "monitor/http/http_server.hpp"
#include "monitor/http/router.hpp"

namespace organism::monitor::http {

namespace net = boost::asio;
namespace ssl = net::ssl;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = net::ip::tcp;

// ServerOptions::listen resolved: what url() prints, where to bind, whether it is loopback.
struct BoundAddress {
  std::string host;  // as given ("[::1]" keeps its brackets)
  tcp::endpoint endpoint;
  bool loopback = true;
};
// monitor::parse_listen's HOST:PORT, resolved: core::UsageError when malformed, core::Error when
// the host does not resolve.
BoundAddress resolve_listen(const std::string& listen);

// {"error": message} as Response::error, but never throwing on bytes that are not UTF-8 (they
// become U+FFFD): the server's own refusals may quote what a client or a handler said.
Response safe_error(int status, const std::string& message);

struct HttpServer::Impl {
  Impl(std::vector<Route> routes, ServerOptions options);

  // Rate limit (charged one per admitted request) and the answer to one request: routing, auth,
  // the handler. Any thread; never throws for what a client sends or a handler does.
  bool admit(const std::string& ip);
  Response respond(const bhttp::request<bhttp::string_body>& request, const std::string& ip);

  // A connection registers a closer that stop() calls (it posts a close onto the connection's own
  // strand); false once stopping. unregister_connection wakes stop() when the last one ends.
  bool register_connection(std::uint64_t& id, std::function<void()> closer);
  void unregister_connection(std::uint64_t id);
  void shutdown();  // any thread, idempotent: stop accepting, close every connection

  net::awaitable<void> accept_loop();

  std::int64_t elapsed_ms() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  }

  // Declared before the io_context: sessions still in it when it is destroyed use these on their
  // way out (the router's handlers, the TLS context of their streams, the registry).
  ServerOptions options;
  Router router;
  BoundAddress address;
  std::uint16_t port = 0;  // as bound (the kernel's pick for port 0)
  std::optional<ssl::context> tls;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

  std::mutex rate_mutex;
  exchange::sim_server::SlidingWindowLimit rate;

  std::atomic<bool> stopping{false};
  std::atomic<int> serving{0};  // connections counted against max_connections
  std::atomic<std::int64_t> requests{0}, rejected_auth{0}, rejected_rate{0}, dropped_timeout{0};

  std::mutex connections_mutex;
  std::condition_variable connections_done;
  std::map<std::uint64_t, std::function<void()>> closers;
  std::uint64_t next_connection_id = 1;

  std::mutex stop_mutex;  // one stop() joins the threads
  net::io_context ioc;
  tcp::acceptor acceptor;
  std::vector<std::thread> threads;
};

// One accepted connection, plain or TLS as the server is configured, until it closes.
net::awaitable<void> serve_connection(HttpServer::Impl& server, tcp::socket socket);

}  // namespace organism::monitor::http

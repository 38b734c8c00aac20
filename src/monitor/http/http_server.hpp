// The monitor's HTTP(S) server (Boost.Beast, Asio C++20 coroutines): the routes of route.hpp
// behind a bearer token, TLS, request size limits, timeouts against slow clients, a per-IP rate
// limit and a connection cap. Used by `organism serve` and the monitor service of `organism run`
// (docs/monitoring.md). Handlers run on the server's I/O threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "monitor/http/route.hpp"
#include "monitor/http/token.hpp"

namespace organism::monitor::http {

struct ServerOptions {
  std::string listen = "127.0.0.1:8080";  // HOST:PORT ("[::1]:8080" too); port 0: the kernel picks
  std::string tls_cert_file{}, tls_key_file{};  // PEM; both or neither
  std::string token{};                      // the bearer token's value (empty: every non-public route is 401)
  std::size_t max_body_bytes = 64 << 10;    // larger: 413
  std::size_t max_header_bytes = 8 << 10;   // larger: 431
  int request_timeout_ms = 10000;  // a request's header and body must arrive within this (slowloris: dropped)
  int idle_timeout_ms = 30000;     // idle keep-alive connection closed
  std::int64_t rate_per_minute = 1200;  // requests per client IP per minute; beyond: 429 + Retry-After; <= 0: no limit
  int max_connections = 256;       // beyond: the new connection gets 503 and is closed
  int threads = 2;                 // I/O threads; handlers run on them
};

class HttpServer {
 public:
  // Binds at once (core::Error naming the address when it cannot; core::UsageError when the
  // address is not loopback and TLS is not configured, or only one of cert/key is given, or the
  // files are unreadable, or a route is malformed). Serving starts on its own threads at once.
  HttpServer(std::vector<Route> routes, ServerOptions options);
  ~HttpServer();  // stop()
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  std::uint16_t port() const;
  std::string url() const;  // "http(s)://HOST:PORT"
  // Safe from any thread (a handler's too); idempotent. Stops accepting, closes every connection
  // and, unless called on one of the server's own threads, waits for them and the threads to end.
  void stop();

  struct Stats {
    std::int64_t requests;         // requests read whole and answered (any status)
    std::int64_t rejected_auth;    // 401
    std::int64_t rejected_rate;    // 429
    std::int64_t dropped_timeout;  // connections closed because a request or handshake was too slow
  };
  Stats stats() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace organism::monitor::http

// A small loopback client of the exchange simulator for tests and benchmarks: HTTP/1.1 requests
// on one keep-alive connection and a WebSocket whose frames are collected by a background reader.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace organism::test {

struct HttpResult {
  int status = 0;
  std::string body;
  std::string content_type;
  bool connection_failed = false;  // no answer at all (refused, reset)
};

class HttpClient {
 public:
  explicit HttpClient(std::uint16_t port);
  ~HttpClient();
  // POST with Content-Type application/json; reconnects once when the server closed the socket.
  HttpResult post(const std::string& target, const std::string& body);
  // Any method; `raw_body` sent as is.
  HttpResult request(const std::string& method, const std::string& target, const std::string& body);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Sends `bytes` on a fresh connection and returns everything the server sent back until it
// closed or `timeout` passed (for raw upgrade requests and malformed HTTP).
std::string raw_request(std::uint16_t port, const std::string& bytes,
                        std::chrono::milliseconds timeout = std::chrono::milliseconds(2000));

// A WebSocket upgrade request for /ws, as a browser would send it.
inline constexpr const char* kRawUpgrade =
    "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

class WsClient {
 public:
  // Connects and upgrades on /ws; `ok()` false when the server refused the upgrade (raw_request
  // shows why).
  explicit WsClient(std::uint16_t port);
  ~WsClient();
  bool ok() const;
  void send(const std::string& text);
  // The next frame, waiting up to `timeout`; nullopt on timeout or once closed and drained.
  std::optional<std::string> next(std::chrono::milliseconds timeout = std::chrono::milliseconds(3000));
  // The next frame whose text contains `needle`, skipping others.
  std::optional<std::string> next_containing(const std::string& needle,
                                             std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));
  // True once the server closed the connection (waits up to `timeout` for it).
  bool wait_closed(std::chrono::milliseconds timeout);
  int close_code() const;  // the close frame's code, 0 when the socket just dropped
  std::size_t received() const;  // frames received so far

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace organism::test

// Proxies for the client's proxy tests, all on 127.0.0.1: Debian's tinyproxy as a child process,
// a small SOCKS5 proxy (RFC 1928/1929) and an HTTP proxy that answers every CONNECT with a fixed
// status, both in the test process. Used by client_proxy_test.cpp.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "support/test_support.hpp"

namespace organism::test {

// A port that was free a moment ago (bound to port 0 and released): for servers that need a
// fixed port in their config.
std::uint16_t free_loopback_port();

// `tinyproxy -d -c CONFIG` allowing CONNECT only to `connect_port`, logging each request.
class TinyproxyProcess {
 public:
  static bool installed();
  explicit TinyproxyProcess(std::uint16_t connect_port);
  ~TinyproxyProcess();
  TinyproxyProcess(const TinyproxyProcess&) = delete;
  TinyproxyProcess& operator=(const TinyproxyProcess&) = delete;

  bool started() const { return started_; }
  std::uint16_t port() const { return port_; }
  std::string log() const;
  // How many "Request (...): CONNECT 127.0.0.1:PORT" lines its log holds.
  int connect_requests(std::uint16_t target_port) const;

 private:
  TempDir dir_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  bool started_ = false;
};

// A SOCKS5 proxy on its own thread. With a user name it requires username/password auth
// (method 2) and refuses method 0; without, it accepts only method 0.
class Socks5Proxy {
 public:
  Socks5Proxy(std::string user = "", std::string password = "");
  ~Socks5Proxy();
  Socks5Proxy(const Socks5Proxy&) = delete;
  Socks5Proxy& operator=(const Socks5Proxy&) = delete;

  std::uint16_t port() const { return port_; }
  std::string url() const { return "socks5://127.0.0.1:" + std::to_string(port_); }
  int connections() const;
  int auth_failures() const;
  // "host:port" of every CONNECT request, as the client sent it (address type 1 or 3).
  std::vector<std::string> targets() const;

  struct State;

 private:
  std::shared_ptr<State> state_;
  std::thread thread_;
  std::uint16_t port_ = 0;
};

// An HTTP proxy that reads each request's header, remembers it and answers `status_line`
// ("HTTP/1.1 403 Forbidden"), then closes.
class StatusProxy {
 public:
  explicit StatusProxy(std::string status_line);
  ~StatusProxy();
  StatusProxy(const StatusProxy&) = delete;
  StatusProxy& operator=(const StatusProxy&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<std::string> requests() const;  // each request's header block

  struct State;

 private:
  std::shared_ptr<State> state_;
  std::thread thread_;
  std::uint16_t port_ = 0;
};

}  // namespace organism::test

// A scripted HTTP/1.1 server on 127.0.0.1 (kernel-chosen port) for tests whose replies the test
// writes itself: the Fear & Greed API, or /info replies no real exchange would send. Used by
// client_fear_greed_test and client_bad_input_test, and as a stub of organism's own API by
// monitor/dashboard_tmux_test (a given port, so a stopped stub can come back where it was).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace organism::test {

struct HttpExchange {
  std::string method, target, body;  // the request
  std::string authorization{};       // its Authorization header ("" when absent)
};

struct ScriptedReply {
  int status = 200;
  std::string body{};
};

class LoopbackHttpServer {
 public:
  using Script = std::function<ScriptedReply(const HttpExchange& request)>;
  // Starts listening at once (on `port`, 0 for one the kernel picks) and serves connections one
  // at a time on its own thread. Destruction closes the open connection and the port.
  explicit LoopbackHttpServer(Script script, std::uint16_t port = 0);
  ~LoopbackHttpServer();
  LoopbackHttpServer(const LoopbackHttpServer&) = delete;
  LoopbackHttpServer& operator=(const LoopbackHttpServer&) = delete;

  std::uint16_t port() const;
  std::string url(const std::string& path = "") const;  // "http://127.0.0.1:PORT" + path
  std::vector<HttpExchange> requests() const;            // every request so far, in order

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace organism::test

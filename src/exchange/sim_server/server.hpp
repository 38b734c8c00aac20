// The exchange simulator on 127.0.0.1: POST /info, /exchange and /control, WebSocket /ws, the
// market clock, REST and WebSocket limits, injected faults and the state file, all on one thread
// and one io_context so requests are handled in arrival order. Used by `organism exchange-sim`
// (src/cli/exchange_sim_command.cpp), its tests and bench/sim_server_bench.cpp.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "exchange/sim_server/faults.hpp"
#include "exchange/sim_server/handler.hpp"
#include "exchange/sim_server/state_file.hpp"

namespace organism::exchange::sim_server {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;                   // 0: the kernel picks one (Server::port() tells)
  double speed = 0;                         // market ms per wall ms; 0: only POST /control moves it
  TimeMs tick_ms = 50;                      // how often the market clock and schedules are served
  TimeMs ws_idle_ms = 60000;                // a WS connection silent this long is closed (§4.4)
  TimeMs http_idle_ms = 60000;              // an idle keep-alive HTTP connection is closed
  std::size_t max_body_bytes = 1 << 20;     // larger bodies: 413
  std::size_t max_header_bytes = 16 << 10;  // larger headers: 431
  std::size_t max_ws_frame_bytes = 1 << 20;  // larger messages: close 1009
  std::int64_t rest_weight_per_minute = 1200;  // per IP (§10); beyond: 429
  int ws_connections_per_ip = 10;
  std::int64_t ws_new_connections_per_minute = 30;
  std::size_t ws_subscriptions_per_connection = 1000;
  std::size_t ws_users_per_ip = 10;             // distinct users in user-specific subscriptions
  std::int64_t ws_messages_per_minute = 2000;   // client messages per IP
  int ws_posts_in_flight = 100;
  // A connection whose unsent messages reach this count is dropped: a slow consumer never stalls
  // the server nor grows its memory without bound.
  std::size_t ws_queue_limit = 20000;
  FaultSpec faults;
  std::uint64_t seed = 1;
  TimeMs save_every_ms = 5000;  // periodic save (with a state file) besides the per-request ones
  bool handle_signals = false;  // SIGINT/SIGTERM stop run() (the command sets it)
};

class Server {
 public:
  // Binds the listener at once (port() is known after construction); throws core::Error when
  // the address cannot be bound. `state_file` may be null (no --state-dir).
  Server(Handler& handler, ServerOptions options, const StateFile* state_file = nullptr);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  std::uint16_t port() const;
  // Serves until stop() or a handled signal: stops accepting, closes every connection, saves the
  // state. Returns the signal's name ("SIGTERM") or empty after stop().
  std::string run();
  // Safe from any thread.
  void stop();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace organism::exchange::sim_server

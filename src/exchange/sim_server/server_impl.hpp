// Inside the simulator's server: the shared state of one io_context (limits, faults, the
// subscription index, the market clock) and the two session kinds. Internal to sim_server.
#pragma once

#include <utility>  // before Asio: g++ 12 coroutines (DEPENDENCIES.md)

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>

#include <boost/asio.hpp>
#include <boost/beast.hpp>

#include "exchange/sim_server/rate_limit.hpp"
#include "exchange/sim_server/server.hpp"

namespace organism::exchange::sim_server {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

class WsSession;

// An HTTP answer before it is framed: status, body and whether the body is JSON.
struct HttpAnswer {
  int status = 200;
  std::string body;
  bool json = true;
};

struct Server::Impl {
  Impl(Handler& h, ServerOptions o, const StateFile* file);

  Handler& handler;
  ServerOptions options;
  const StateFile* state_file;
  net::io_context ioc{1};
  tcp::acceptor acceptor{ioc};
  net::signal_set signals{ioc};
  net::steady_timer tick_timer{ioc};
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

  SlidingWindowLimit rest_weight;
  SlidingWindowLimit ws_new_connections;
  SlidingWindowLimit ws_messages;
  std::map<std::string, int> ws_connections_by_ip;
  std::map<std::string, std::map<std::string, int>> users_by_ip;  // ip → user → subscriptions
  std::uint64_t next_session_id = 1;
  std::map<std::uint64_t, std::weak_ptr<WsSession>> sessions;
  std::map<std::string, std::map<std::uint64_t, WsSession*>> subscribers;  // key → sessions

  FaultState faults;
  std::size_t next_scheduled = 0;
  TimeMs next_drop_ms = 0;
  TimeMs clock_base_elapsed = 0, clock_base_market = 0;  // speed > 0: market = base + speed x wall
  bool dirty = false;
  TimeMs last_save_ms = 0;
  bool stopping = false;
  std::string stop_signal;

  TimeMs elapsed_ms() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  }

  // The request-level pieces, shared by HTTP and WS post.
  HttpAnswer handle_http(std::string_view target, http::verb method, std::string_view body, const std::string& ip);
  HttpAnswer handle_control(std::string_view body);
  // Saves the state when a file is set (before a state-changing request is answered).
  void save_state();
  // Renders what happened since the last call for the subscribed keys and queues it.
  void publish();
  void drop_all_ws();
  void on_tick();
  void shutdown();

  net::awaitable<void> accept_loop();
  net::awaitable<void> tick_loop();
};

// One WebSocket client: a reader, a writer draining a bounded queue, an idle watchdog.
class WsSession : public std::enable_shared_from_this<WsSession> {
 public:
  WsSession(Server::Impl& server, beast::tcp_stream stream, std::string ip, std::uint64_t id);
  net::awaitable<void> run(http::request<http::string_body> upgrade);
  // Queues a frame (the malformed fault applies here); drops the connection when the queue is full.
  void send(std::shared_ptr<const std::string> text);
  void send(std::string text) { send(std::make_shared<const std::string>(std::move(text))); }
  // Closes the socket at once, as a network drop does.
  void drop();
  std::uint64_t id() const { return id_; }

 private:
  net::awaitable<void> write_loop();
  net::awaitable<void> idle_watchdog();
  void on_message(std::string_view text);
  void subscribe(const Json& subscription, bool unsubscribe);
  void post(const Json& message);
  void send_post_reply(const Json& id, std::string payload_json);
  void error(std::string_view text);
  void unregister();

  Server::Impl& server_;
  websocket::stream<beast::tcp_stream> ws_;
  std::string ip_;
  std::uint64_t id_;
  std::deque<std::shared_ptr<const std::string>> queue_;
  net::steady_timer wake_;
  net::steady_timer idle_;
  TimeMs last_message_ms_ = 0;
  bool closed_ = false;
  bool close_after_queue_ = false;
  int posts_in_flight_ = 0;
  std::map<std::string, Subscription> subscriptions_;  // key → as subscribed
};

net::awaitable<void> run_http_session(Server::Impl& server, beast::tcp_stream stream);

}  // namespace organism::exchange::sim_server

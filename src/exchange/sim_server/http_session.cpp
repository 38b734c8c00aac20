// HTTP/1.1 keep-alive sessions of the simulator and the request handling shared with WS post.
#include "exchange/sim_server/server_impl.hpp"

#include <array>
#include <exception>

#include <fmt/format.h>

#include "core/json_input.hpp"

namespace organism::exchange::sim_server {

namespace {

const char* reason_text(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 413: return "Payload Too Large";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    default: return "Error";
  }
}

HttpAnswer plain(int status, std::string body = {}) {
  return HttpAnswer{status, body.empty() ? reason_text(status) : std::move(body), false};
}

http::response<http::string_body> framed(const HttpAnswer& answer, unsigned version, bool keep_alive) {
  http::response<http::string_body> res{static_cast<http::status>(answer.status), version};
  res.set(http::field::server, "organism-exchange-sim");
  res.set(http::field::content_type, answer.json ? "application/json" : "text/plain; charset=utf-8");
  res.keep_alive(keep_alive);
  res.body() = answer.body;
  res.prepare_payload();
  return res;
}

}  // namespace

HttpAnswer Server::Impl::handle_control(std::string_view body) {
  // Transport faults are the server's; everything else (advance, status, market faults) is the
  // API's control request.
  bool read_only = false;
  try {
    const auto request = core::parse_ordered_json(body, "control request", 32);
    const auto type = request.is_object() && request.contains("type") && request["type"].is_string()
                          ? request["type"].get<std::string>()
                          : std::string{};
    read_only = type == "status";
    if (type == "fault") {
      const auto fault = request.value("fault", std::string{});
      if (FaultState::is_transport_fault(fault)) {
        const auto error = faults.apply_control(request, elapsed_ms());
        if (!error.empty()) return plain(400, error);
        if (fault == "dropWs" || fault == "none")
          next_drop_ms = faults.spec().drop_ws_every_ms ? elapsed_ms() + *faults.spec().drop_ws_every_ms : 0;
        return HttpAnswer{200, R"({"status":"ok"})", true};
      }
    }
  } catch (const std::exception&) {
    // Not JSON: the API's control gives its own 400 text.
  }
  const Reply reply = handler.control(body);
  if (reply.json() && !read_only) {
    dirty = true;
    // An advance may fill resting orders: journaled before the client hears of it.
    save_state();
    if (options.speed > 0) {
      clock_base_elapsed = elapsed_ms();
      clock_base_market = handler.market_time();
    }
  }
  return HttpAnswer{reply.status, reply.body, reply.json()};
}

HttpAnswer Server::Impl::handle_http(std::string_view target, http::verb method, std::string_view body,
                                     const std::string& ip) {
  const auto query = target.find('?');
  if (query != std::string_view::npos) target = target.substr(0, query);
  const bool info = target == "/info", exchange = target == "/exchange", control = target == "/control";
  if (!info && !exchange && !control) return plain(404);
  if (method != http::verb::post) return plain(405);
  if (control) return handle_control(body);

  const TimeMs now = elapsed_ms();
  if (const int fault = faults.http_fault(now)) return plain(fault);
  if (!rest_weight.admits(ip, now)) return plain(429);

  HttpAnswer answer;
  try {
    const Reply reply = info ? handler.info(body) : handler.exchange(body);
    const int weight = info ? handler.info_weight(body, reply) : handler.exchange_weight(body);
    rest_weight.charge(ip, weight, now);
    if (exchange && reply.json()) {
      dirty = true;
      save_state();  // journaled before acted on: the reply leaves after the state is on disk
    }
    answer = HttpAnswer{reply.status, reply.body, reply.json()};
  } catch (const std::exception& e) {
    // A defect of the simulator, never of the request: say so rather than drop the connection.
    answer = plain(500, fmt::format("Internal Server Error: {}", e.what()));
  }
  return answer;
}

net::awaitable<void> run_http_session(Server::Impl& server, beast::tcp_stream stream) {
  beast::error_code ec;
  const auto remote = stream.socket().remote_endpoint(ec);
  const std::string ip = ec ? std::string("?") : remote.address().to_string();
  beast::flat_buffer buffer;
  net::steady_timer delay_timer(server.ioc);
  while (!server.stopping) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(server.options.max_body_bytes);
    parser.header_limit(static_cast<std::uint32_t>(server.options.max_header_bytes));
    stream.expires_after(std::chrono::milliseconds(server.options.http_idle_ms));
    co_await http::async_read(stream, buffer, parser, net::redirect_error(net::use_awaitable, ec));
    if (ec) {
      int status = 0;
      if (ec == http::error::body_limit) status = 413;
      else if (ec == http::error::header_limit) status = 431;
      else if (ec != http::error::end_of_stream && ec != net::error::eof && ec != beast::error::timeout &&
               ec != net::error::operation_aborted && ec != net::error::connection_reset && buffer.size() > 0)
        status = 400;  // bytes that are not HTTP
      if (status != 0) {
        auto res = framed(plain(status), 11, false);
        stream.expires_after(std::chrono::seconds(5));
        co_await http::async_write(stream, res, net::redirect_error(net::use_awaitable, ec));
        // A lingering close: closing with the rest of a refused body unread makes the kernel
        // reset the connection, and the client may lose the reply it has not read yet. So stop
        // sending, then read and discard what the client still sends (bounded in time and bytes).
        stream.socket().shutdown(tcp::socket::shutdown_send, ec);
        std::array<char, 64 * 1024> scratch;
        std::size_t drained = 0;
        stream.expires_after(std::chrono::seconds(2));
        while (!ec && drained < (std::size_t{64} << 20)) {
          drained += co_await stream.async_read_some(net::buffer(scratch),
                                                     net::redirect_error(net::use_awaitable, ec));
        }
      }
      break;
    }
    auto request = parser.release();
    if (websocket::is_upgrade(request)) {
      std::string_view target(request.target().data(), request.target().size());
      if (target == "/ws" || target.starts_with("/ws?")) {
        // PROTOCOL §10: at most 10 connections and 30 new ones a minute per IP; the 11th is
        // refused before the upgrade.
        const TimeMs now = server.elapsed_ms();
        if (server.ws_connections_by_ip[ip] >= server.options.ws_connections_per_ip ||
            !server.ws_new_connections.admits(ip, now)) {
          auto res = framed(plain(429, "Too many WebSocket connections"), request.version(), false);
          co_await http::async_write(stream, res, net::redirect_error(net::use_awaitable, ec));
          break;
        }
        server.ws_new_connections.charge(ip, 1, now);
        stream.expires_never();
        const std::uint64_t id = server.next_session_id++;
        auto session = std::make_shared<WsSession>(server, std::move(stream), ip, id);
        co_await session->run(std::move(request));
        co_return;
      }
    }
    HttpAnswer answer;
    std::string_view target(request.target().data(), request.target().size());
    if (target == "/ws" || target.starts_with("/ws?")) {
      answer = plain(400, "Expected a WebSocket upgrade");
    } else {
      answer = server.handle_http(target, request.method(), request.body(), ip);
    }
    server.publish();
    if (server.faults.spec().delay_ms > 0) {
      delay_timer.expires_after(std::chrono::milliseconds(server.faults.spec().delay_ms));
      co_await delay_timer.async_wait(net::redirect_error(net::use_awaitable, ec));
    }
    auto res = framed(answer, request.version(), request.keep_alive());
    stream.expires_after(std::chrono::seconds(30));
    co_await http::async_write(stream, res, net::redirect_error(net::use_awaitable, ec));
    if (ec || !request.keep_alive()) break;
  }
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
}

}  // namespace organism::exchange::sim_server

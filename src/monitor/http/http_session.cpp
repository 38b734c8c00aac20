// One connection of the monitor's HTTP server: the TLS handshake when configured, then HTTP/1.x
// keep-alive requests under the size limits and deadlines of ServerOptions, until the client
// leaves, a limit is hit or the server stops.
#include "monitor/http/server_impl.hpp"

#include <array>
#include <exception>
#include <type_traits>

#include <boost/algorithm/string/predicate.hpp>
#include <fmt/format.h>

namespace organism::monitor::http {
namespace {

using std::chrono::milliseconds;
constexpr std::size_t kDrainBytes = std::size_t{64} << 20;
constexpr milliseconds kDrainTime{2000};
constexpr milliseconds kCloseNotifyTime{1000};

template <class Stream>
constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

bool header_safe(std::string_view text) { return text.find_first_of("\r\n") == std::string_view::npos; }

bhttp::response<bhttp::string_body> framed(const Response& r, unsigned version, bool keep_alive) {
  bhttp::response<bhttp::string_body> res;
  res.version(version);
  const bool valid = r.status >= 200 && r.status <= 599;  // 1xx are the server's own business
  res.result(static_cast<unsigned>(valid ? r.status : 500));
  res.set(bhttp::field::server, "organism");
  res.set(bhttp::field::content_type, header_safe(r.content_type) ? r.content_type : "application/json");
  res.set(bhttp::field::cache_control, "no-store");
  res.set("X-Content-Type-Options", "nosniff");
  for (const auto& [name, value] : r.headers)
    if (!name.empty() && header_safe(name) && header_safe(value) && name.find(':') == std::string::npos)
      res.set(name, value);
  res.keep_alive(keep_alive);
  // 204 and 304 carry no body (Beast refuses to frame one).
  if (res.result_int() != 204 && res.result_int() != 304)
    res.body() = valid ? r.body : safe_error(500, fmt::format("internal error: status {} from a handler", r.status)).body;
  res.prepare_payload();
  return res;
}

// Answers a refusal and closes in a lingering way: closing with a refused body still unread makes
// the kernel reset the connection, and the client may lose the answer it has not read yet. So
// stop sending, then read and drop what the client still sends (bounded in time and bytes).
template <class Stream>
net::awaitable<void> refuse_and_linger(Stream& stream, const Response& answer) {
  auto& lowest = beast::get_lowest_layer(stream);
  beast::error_code ec;
  auto res = framed(answer, 11, false);
  lowest.expires_after(kDrainTime);
  co_await bhttp::async_write(stream, res, net::redirect_error(net::use_awaitable, ec));
  if (ec) co_return;
  if constexpr (!kTls<Stream>) lowest.socket().shutdown(tcp::socket::shutdown_send, ec);
  std::array<char, 16 * 1024> scratch;
  std::size_t drained = 0;
  lowest.expires_after(kDrainTime);
  while (!ec && drained < kDrainBytes)
    drained += co_await stream.async_read_some(net::buffer(scratch), net::redirect_error(net::use_awaitable, ec));
}

// The refusal for a request that could not be read, or 0 when the client just left.
int read_failure_status(const beast::error_code& ec, bool got_bytes) {
  if (ec == bhttp::error::body_limit) return 413;
  if (ec == bhttp::error::header_limit) return 431;
  if (ec == bhttp::error::end_of_stream || ec == net::error::eof || ec == net::error::operation_aborted ||
      ec == net::error::connection_reset || ec == net::error::bad_descriptor || ec == bhttp::error::partial_message)
    return 0;
  return got_bytes ? 400 : 0;  // bytes that are not HTTP
}

// A connection's stream and whether a request is being answered on it (only touched on the
// connection's strand). stop() closes idle connections at once; a busy one finishes its answer,
// then sees `stopping` and closes itself, so a handler that stops the server still answers.
template <class Stream>
struct Live {
  template <class... Args>
  explicit Live(Args&&... args) : stream(std::forward<Args>(args)...) {}
  Stream stream;
  bool busy = false;
};

template <class Stream>
net::awaitable<void> session(HttpServer::Impl& s, Live<Stream>& live, const std::string& ip, bool over_capacity) {
  Stream& stream = live.stream;
  auto& lowest = beast::get_lowest_layer(stream);
  const milliseconds request_timeout(s.options.request_timeout_ms);
  beast::error_code ec;
  // The first request (and the handshake before it) must arrive whole within request_timeout of
  // the connection: a client that connects and dawdles holds a slot no longer than that.
  lowest.expires_after(request_timeout);
  if constexpr (kTls<Stream>) {
    co_await stream.async_handshake(ssl::stream_base::server, net::redirect_error(net::use_awaitable, ec));
    if (ec) {
      if (ec == beast::error::timeout) ++s.dropped_timeout;
      co_return;
    }
    lowest.expires_after(request_timeout);
  }
  if (over_capacity) {
    co_await refuse_and_linger(stream, safe_error(503, "too many connections; try again later"));
    co_return;
  }
  beast::flat_buffer buffer;
  for (bool first = true; !s.stopping; first = false) {
    if (!first) {
      // Between requests the idle timeout applies; the next request's deadline starts with its
      // first byte.
      if (buffer.size() == 0) {
        lowest.expires_after(milliseconds(s.options.idle_timeout_ms));
        const std::size_t n = co_await stream.async_read_some(buffer.prepare(4096), net::redirect_error(net::use_awaitable, ec));
        if (ec) break;
        buffer.commit(n);
      }
      lowest.expires_after(request_timeout);
    }
    bhttp::request_parser<bhttp::string_body> parser;
    parser.body_limit(s.options.max_body_bytes);
    parser.header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(s.options.max_header_bytes, UINT32_MAX)));
    co_await bhttp::async_read_header(stream, buffer, parser, net::redirect_error(net::use_awaitable, ec));
    if (!ec && !parser.is_done()) {
      // curl and others wait for this before sending a large body.
      const auto expect = parser.get()[bhttp::field::expect];
      if (boost::iequals(std::string_view(expect.data(), expect.size()), "100-continue")) {
        static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
        co_await net::async_write(stream, net::buffer(kContinue.data(), kContinue.size()),
                                  net::redirect_error(net::use_awaitable, ec));
      }
      if (!ec) co_await bhttp::async_read(stream, buffer, parser, net::redirect_error(net::use_awaitable, ec));
    }
    if (ec) {
      if (ec == beast::error::timeout) {
        ++s.dropped_timeout;  // slowloris, or a client that never finished its request
        co_return;
      }
      if (const int status = read_failure_status(ec, parser.got_some() || buffer.size() > 0)) {
        const char* what = status == 413   ? "the request body is larger than the limit"
                           : status == 431 ? "the request header is larger than the limit"
                                           : "malformed HTTP request";
        co_await refuse_and_linger(stream, safe_error(status, what));
      }
      co_return;
    }
    live.busy = true;
    const auto message = parser.release();
    Response answer;
    try {
      answer = s.respond(message, ip);
    } catch (const std::exception& e) {
      answer = safe_error(500, fmt::format("internal error: {}", e.what()));
    }
    const bool keep_alive = message.keep_alive() && !s.stopping;
    auto res = framed(answer, message.version(), keep_alive);
    lowest.expires_after(request_timeout);  // a client that does not read its answer is dropped too
    co_await bhttp::async_write(stream, res, net::redirect_error(net::use_awaitable, ec));
    live.busy = false;
    if (ec || !keep_alive) break;
  }
  if constexpr (kTls<Stream>) {
    lowest.expires_after(kCloseNotifyTime);
    co_await stream.async_shutdown(net::redirect_error(net::use_awaitable, ec));
  } else {
    lowest.socket().shutdown(tcp::socket::shutdown_send, ec);
  }
}

// Registers the connection for stop() and takes a slot of max_connections (or serves a 503 when
// none is left) for as long as the session runs.
template <class Stream>
net::awaitable<void> run_registered(HttpServer::Impl& s, std::shared_ptr<Live<Stream>> live, std::string ip) {
  const std::weak_ptr<Live<Stream>> weak = live;
  auto executor = beast::get_lowest_layer(live->stream).get_executor();
  std::uint64_t id = 0;
  const bool registered = s.register_connection(id, [weak, executor] {
    net::post(executor, [weak] {
      if (auto open = weak.lock(); open && !open->busy) beast::get_lowest_layer(open->stream).close();
    });
  });
  if (!registered) co_return;
  const bool counted = s.serving.fetch_add(1) < s.options.max_connections;
  if (!counted) --s.serving;
  struct Release {
    HttpServer::Impl& s;
    std::uint64_t id;
    bool counted;
    ~Release() {
      if (counted) --s.serving;
      s.unregister_connection(id);
    }
  } release{s, id, counted};
  co_await session(s, *live, ip, !counted);
}

}  // namespace

net::awaitable<void> serve_connection(HttpServer::Impl& s, tcp::socket socket) {
  beast::error_code ec;
  const auto remote = socket.remote_endpoint(ec);
  std::string ip = ec ? std::string("?") : remote.address().to_string();
  socket.set_option(tcp::no_delay(true), ec);
  if (s.tls) {
    co_await run_registered(s, std::make_shared<Live<beast::ssl_stream<beast::tcp_stream>>>(std::move(socket), *s.tls),
                            std::move(ip));
  } else {
    co_await run_registered(s, std::make_shared<Live<beast::tcp_stream>>(std::move(socket)), std::move(ip));
  }
}

}  // namespace organism::monitor::http

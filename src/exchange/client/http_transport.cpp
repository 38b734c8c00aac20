#include "exchange/client/http_transport.hpp"

#include <utility>  // before Asio (DEPENDENCIES.md)

#include <chrono>
#include <optional>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast.hpp>
#include <boost/beast/ssl.hpp>
#include <fmt/format.h>

#include "exchange/client/proxy_connect.hpp"
#include "exchange/client/tls_client.hpp"

namespace organism::exchange::client {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

bool is_loopback_host(std::string_view host) {
  if (host == "localhost" || host == "::1" || host == "[::1]") return true;
  boost::system::error_code ec;
  const auto address = net::ip::make_address_v4(std::string(host), ec);
  return !ec && (address.to_uint() >> 24) == 127;
}

BaseUrl parse_base_url(std::string_view url) {
  BaseUrl out;
  std::string_view rest;
  if (url.starts_with("https://")) {
    rest = url.substr(8);
  } else if (url.starts_with("http://")) {
    rest = url.substr(7);
    out.tls = false;
  } else {
    throw core::UsageError(fmt::format("exchange URL '{}': expected http:// or https://", url));
  }
  const auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) out.path_prefix = std::string(rest.substr(slash));
  while (out.path_prefix.ends_with('/')) out.path_prefix.pop_back();
  // "[::1]:8080" keeps its brackets out of the host; "host:port" splits at the colon.
  std::string_view port;
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) throw core::UsageError(fmt::format("exchange URL '{}': bad host", url));
    out.host = std::string(authority.substr(1, close - 1));
    if (authority.substr(close + 1).starts_with(':')) port = authority.substr(close + 2);
  } else {
    const auto colon = authority.find(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  out.port = port.empty() ? (out.tls ? "443" : "80") : std::string(port);
  if (out.host.empty()) throw core::UsageError(fmt::format("exchange URL '{}': no host", url));
  if (!out.tls && !is_loopback_host(out.host)) {
    throw core::UsageError(fmt::format(
        "exchange URL '{}': plain http is allowed only for loopback hosts (127.0.0.1, ::1, localhost); use https",
        url));
  }
  return out;
}

struct HttpTransport::Impl {
  Impl(const std::string& base_url, TransportOptions opts)
      : url(parse_base_url(base_url)), options(std::move(opts)), route(make_route(url.host, url.port, options.proxy)),
        tls_context(make_tls_client_context(url.tls ? options.ca_file : std::string())) {}

  BaseUrl url;
  TransportOptions options;
  Route route;  // the target, and the proxy with its credentials when there is one
  net::io_context ioc;
  ssl::context tls_context;
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;
  bool connected = false;
  std::int64_t connections = 0;

  beast::tcp_stream& lowest() { return url.tls ? beast::get_lowest_layer(*secure) : *plain; }

  // Runs one asynchronous operation to completion: the stream's expiry turns a stall into an
  // error (timeouts work only on Beast's asynchronous operations).
  template <class Start>
  beast::error_code run(Start start) {
    beast::error_code result;
    start([&result](beast::error_code ec, auto&&...) { result = ec; });
    ioc.restart();
    ioc.run();
    return result;
  }

  void close() {
    beast::error_code ignored;
    if (plain) plain->socket().close(ignored);
    if (secure) beast::get_lowest_layer(*secure).socket().close(ignored);
    plain.reset();
    secure.reset();
    connected = false;
  }

  [[noreturn]] void fail(const std::string& step, beast::error_code ec, bool reply_started) {
    close();
    const bool timed_out = ec == beast::error::timeout;
    const std::string via = route.proxy ? " via proxy " + route.proxy->display : std::string();
    throw TransportError(
        fmt::format("{} {}:{}{}: {}", step, url.host, url.port, via, timed_out ? "timed out" : ec.message()),
        reply_started, timed_out);
  }

  void connect() {
    close();
    if (url.tls) secure.emplace(ioc, tls_context); else plain.emplace(ioc);
    OpenResult opened;
    net::co_spawn(ioc, open_route(lowest(), route, std::chrono::milliseconds(options.connect_timeout_ms)),
                  [&opened](std::exception_ptr error, OpenResult result) {
                    opened = std::move(result);
                    if (!error) return;
                    try {
                      std::rethrow_exception(error);
                    } catch (const std::exception& e) {
                      opened = OpenResult{fmt::format("connect: {}", e.what()), false};
                    }
                  });
    ioc.restart();
    ioc.run();
    if (!opened.ok()) {
      close();
      throw TransportError(opened.error, false, opened.timed_out);
    }
    if (url.tls) {
      // SNI and host-name verification: the certificate must be for the host we asked for.
      if (auto error = prepare_tls_connection(secure->native_handle(), url.host); !error.empty()) {
        close();
        throw TransportError(error, false, false);
      }
      const auto ec = run([&](auto handler) { secure->async_handshake(ssl::stream_base::client, std::move(handler)); });
      if (ec) fail("TLS handshake with", ec, false);
    }
    connected = true;
    ++connections;
    buffer.clear();
  }

  // One request on the open connection; nullopt when a reused connection turned out closed
  // before any reply byte (the caller reconnects once).
  std::optional<HttpReply> exchange(const http::request<http::string_body>& request, bool reused) {
    lowest().expires_after(std::chrono::milliseconds(options.request_timeout_ms));
    beast::error_code ec = url.tls ? run([&](auto h) { http::async_write(*secure, request, std::move(h)); })
                                   : run([&](auto h) { http::async_write(*plain, request, std::move(h)); });
    if (ec) {
      if (reused && ec != beast::error::timeout) return std::nullopt;
      fail("send to", ec, false);
    }
    constexpr std::uint64_t kBodyLimit = 64u << 20;
    http::response_parser<http::string_body> parser;
    parser.body_limit(kBodyLimit);
    // The header first: Beast 1.74's async_read of the whole message let a Content-Length past
    // the body limit through (a 65 MiB reply was read whole), async_read_header reports it.
    ec = url.tls ? run([&](auto h) { http::async_read_header(*secure, buffer, parser, std::move(h)); })
                 : run([&](auto h) { http::async_read_header(*plain, buffer, parser, std::move(h)); });
    if (!ec && parser.content_length().value_or(0) > kBodyLimit) ec = http::error::body_limit;
    if (!ec && !parser.is_done()) {
      ec = url.tls ? run([&](auto h) { http::async_read(*secure, buffer, parser, std::move(h)); })
                   : run([&](auto h) { http::async_read(*plain, buffer, parser, std::move(h)); });
    }
    const bool started = parser.got_some() || buffer.size() > 0;
    if (ec) {
      if (reused && !started && ec != beast::error::timeout) return std::nullopt;
      fail("read reply from", ec, started);
    }
    auto response = parser.release();
    if (!response.keep_alive()) close();
    return HttpReply{static_cast<int>(response.result_int()), std::move(response.body())};
  }

  HttpReply send(const http::request<http::string_body>& request) {
    for (int attempt = 0;; ++attempt) {
      const bool reused = connected;
      if (!reused) connect();
      if (auto reply = exchange(request, reused && attempt == 0)) return std::move(*reply);
      close();  // the server had closed the idle connection: open a fresh one
    }
  }
};

HttpTransport::HttpTransport(const std::string& base_url, TransportOptions options)
    : impl_(std::make_unique<Impl>(base_url, std::move(options))) {}

HttpTransport::~HttpTransport() { impl_->close(); }

namespace {

http::request<http::string_body> make_request(http::verb verb, const BaseUrl& url, std::string_view target,
                                             const TransportOptions& options) {
  http::request<http::string_body> request{verb, url.path_prefix + std::string(target), 11};
  request.set(http::field::host, url.host);
  request.set(http::field::user_agent, "organism");
  for (const auto& [name, value] : options.headers) request.set(name, value);
  request.keep_alive(true);
  return request;
}

}  // namespace

HttpReply HttpTransport::post_json(std::string_view path, const std::string& body) {
  auto request = make_request(http::verb::post, impl_->url, path, impl_->options);
  request.set(http::field::content_type, "application/json");
  request.body() = body;
  request.prepare_payload();
  return impl_->send(request);
}

HttpReply HttpTransport::get(std::string_view target) {
  auto request = make_request(http::verb::get, impl_->url, target, impl_->options);
  request.set(http::field::accept, "application/json");
  return impl_->send(request);
}

const BaseUrl& HttpTransport::url() const { return impl_->url; }
std::int64_t HttpTransport::connections_opened() const { return impl_->connections; }

}  // namespace organism::exchange::client

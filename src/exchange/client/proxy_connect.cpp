// The proxy handshakes (HTTP CONNECT, RFC 1928 SOCKS5 with RFC 1929 username/password) as one
// coroutine on the caller's stream, so REST and WebSocket open connections the same way.
#include "exchange/client/proxy_connect.hpp"

#include <array>
#include <cstdint>
#include <cstdlib>

#include <boost/asio.hpp>
#include <fmt/format.h>

#include "core/error.hpp"

namespace organism::exchange::client {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;
using boost::system::error_code;

namespace {

// "host:port", with brackets around an IPv6 literal.
std::string authority(const std::string& host, const std::string& port) {
  return host.find(':') != std::string::npos ? fmt::format("[{}]:{}", host, port) : fmt::format("{}:{}", host, port);
}

std::string base64(std::string_view in) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const std::uint32_t n = (std::uint8_t(in[i]) << 16) | (std::uint8_t(in[i + 1]) << 8) | std::uint8_t(in[i + 2]);
    for (int shift : {18, 12, 6, 0}) out += kAlphabet[(n >> shift) & 63];
  }
  if (i + 1 == in.size()) {
    const std::uint32_t n = std::uint8_t(in[i]) << 16;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    const std::uint32_t n = (std::uint8_t(in[i]) << 16) | (std::uint8_t(in[i + 1]) << 8);
    for (int shift : {18, 12, 6}) out += kAlphabet[(n >> shift) & 63];
    out += '=';
  }
  return out;
}

// RFC 1928 §6 reply codes, in words a user can act on.
std::string socks5_reply_meaning(int code) {
  switch (code) {
    case 1: return "general SOCKS server failure";
    case 2: return "connection not allowed by the proxy's rules";
    case 3: return "network unreachable";
    case 4: return "host unreachable";
    case 5: return "connection refused by destination";
    case 6: return "TTL expired";
    case 7: return "command not supported";
    case 8: return "address type not supported";
    default: return fmt::format("unknown reply code {}", code);
  }
}

OpenResult io_failure(const std::string& prefix, const error_code& ec) {
  const bool timed_out = ec == beast::error::timeout;
  return {fmt::format("{}: {}", prefix, timed_out ? "timed out" : ec.message()), timed_out};
}

net::awaitable<OpenResult> http_connect(beast::tcp_stream& stream, const Route& route) {
  const std::string target = authority(route.host, route.port);
  const std::string where = fmt::format("proxy {}: CONNECT {}", route.proxy->display, target);
  std::string request = fmt::format("CONNECT {0} HTTP/1.1\r\nHost: {0}\r\n", target);
  if (!route.proxy_user.empty()) {
    request += "Proxy-Authorization: Basic " + base64(route.proxy_user + ":" + route.proxy_password) + "\r\n";
  }
  request += "\r\n";
  error_code ec;
  co_await net::async_write(stream, net::buffer(request), net::redirect_error(net::use_awaitable, ec));
  if (ec) co_return io_failure(where, ec);
  // The tunnel's first bytes come from the target only after the client speaks (TLS, HTTP and
  // WebSocket all start with the client), so nothing may follow the proxy's header.
  std::string reply;
  const std::size_t header_end = co_await net::async_read_until(stream, net::dynamic_buffer(reply, 16 * 1024),
                                                                "\r\n\r\n", net::redirect_error(net::use_awaitable, ec));
  if (ec) co_return io_failure(where, ec == net::error::not_found ? error_code(net::error::message_size) : ec);
  const std::string status_line = reply.substr(0, reply.find("\r\n"));
  // "HTTP/1.1 200 Connection established": the code is the second word.
  const auto space = status_line.find(' ');
  const std::string code = space == std::string::npos ? "" : status_line.substr(space + 1, 3);
  if (!status_line.starts_with("HTTP/1.") || code.size() != 3) {
    co_return OpenResult{fmt::format("{}: not an HTTP reply: '{}'", where, status_line.substr(0, 80)), false};
  }
  if (code != "200") {
    std::string hint;
    if (code == "407") {
      hint = route.proxy_user.empty() ? fmt::format(" (set {} and {})", kProxyUserEnv, kProxyPasswordEnv)
                                      : fmt::format(" (the credentials of {} were refused)", kProxyUserEnv);
    }
    co_return OpenResult{fmt::format("{} answered {}{}", where, status_line.substr(space + 1), hint), false};
  }
  if (reply.size() > header_end) {
    co_return OpenResult{fmt::format("{}: the proxy sent data past its reply", where), false};
  }
  co_return OpenResult{};
}

net::awaitable<OpenResult> socks5_connect(beast::tcp_stream& stream, const Route& route) {
  const std::string where = fmt::format("proxy {}", route.proxy->display);
  const std::string target = authority(route.host, route.port);
  const bool with_credentials = !route.proxy_user.empty();
  error_code ec;
  // Greeting: version 5, the methods offered (0 = none, 2 = username/password).
  std::string greeting = with_credentials ? std::string("\x05\x02\x00\x02", 4) : std::string("\x05\x01\x00", 3);
  co_await net::async_write(stream, net::buffer(greeting), net::redirect_error(net::use_awaitable, ec));
  std::array<std::uint8_t, 2> choice{};
  if (!ec) co_await net::async_read(stream, net::buffer(choice), net::redirect_error(net::use_awaitable, ec));
  if (ec) co_return io_failure(where + ": SOCKS5 greeting", ec);
  if (choice[0] != 5) co_return OpenResult{where + ": not a SOCKS5 proxy (wrong version in its reply)", false};
  if (choice[1] == 0xFF || (choice[1] == 2 && !with_credentials) || (choice[1] != 0 && choice[1] != 2)) {
    co_return OpenResult{
        fmt::format("{}: accepts none of the offered authentication methods ({}){}", where,
                    with_credentials ? "none, username/password" : "none",
                    with_credentials ? "" : fmt::format("; set {} and {}", kProxyUserEnv, kProxyPasswordEnv)),
        false};
  }
  if (choice[1] == 2) {
    if (route.proxy_user.size() > 255 || route.proxy_password.size() > 255) {
      co_return OpenResult{fmt::format("{}: {} or {} is longer than 255 bytes", where, kProxyUserEnv, kProxyPasswordEnv),
                           false};
    }
    std::string auth;
    auth += '\x01';
    auth += static_cast<char>(route.proxy_user.size());
    auth += route.proxy_user;
    auth += static_cast<char>(route.proxy_password.size());
    auth += route.proxy_password;
    co_await net::async_write(stream, net::buffer(auth), net::redirect_error(net::use_awaitable, ec));
    std::array<std::uint8_t, 2> status{};
    if (!ec) co_await net::async_read(stream, net::buffer(status), net::redirect_error(net::use_awaitable, ec));
    if (ec) co_return io_failure(where + ": SOCKS5 authentication", ec);
    if (status[1] != 0) {
      co_return OpenResult{fmt::format("{}: refused the username and password of {} / {}", where, kProxyUserEnv,
                                       kProxyPasswordEnv),
                           false};
    }
  }
  // CONNECT request. A name goes as a domain name, so the proxy resolves it (no DNS leak here).
  std::string request("\x05\x01\x00", 3);
  error_code parse_ec;
  const auto address = net::ip::make_address(route.host, parse_ec);
  if (!parse_ec && address.is_v4()) {
    request += '\x01';
    const auto bytes = address.to_v4().to_bytes();
    request.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  } else if (!parse_ec) {
    request += '\x04';
    const auto bytes = address.to_v6().to_bytes();
    request.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  } else {
    if (route.host.size() > 255) co_return OpenResult{where + ": host name longer than 255 bytes", false};
    request += '\x03';
    request += static_cast<char>(route.host.size());
    request += route.host;
  }
  const int port = std::atoi(route.port.c_str());
  request += static_cast<char>((port >> 8) & 0xFF);
  request += static_cast<char>(port & 0xFF);
  co_await net::async_write(stream, net::buffer(request), net::redirect_error(net::use_awaitable, ec));
  std::array<std::uint8_t, 5> head{};  // VER REP RSV ATYP and the first address byte
  if (!ec) co_await net::async_read(stream, net::buffer(head), net::redirect_error(net::use_awaitable, ec));
  if (ec) co_return io_failure(fmt::format("{}: SOCKS5 CONNECT {}", where, target), ec);
  if (head[1] != 0) {
    co_return OpenResult{fmt::format("{}: SOCKS5 CONNECT {} refused: {}", where, target, socks5_reply_meaning(head[1])),
                         false};
  }
  // The bound address the proxy reports: read and dropped (its length depends on its type).
  const std::size_t rest = head[3] == 1 ? 3 + 2 : head[3] == 4 ? 15 + 2 : head[3] == 3 ? head[4] + 2u : 0;
  if (rest == 0) co_return OpenResult{fmt::format("{}: SOCKS5 reply with a bad address type", where), false};
  std::string bound(rest, '\0');
  co_await net::async_read(stream, net::buffer(bound), net::redirect_error(net::use_awaitable, ec));
  if (ec) co_return io_failure(fmt::format("{}: SOCKS5 CONNECT {}", where, target), ec);
  co_return OpenResult{};
}

}  // namespace

std::optional<ProxyUrl> parse_proxy_url(std::string_view url) {
  if (url.empty()) return std::nullopt;
  ProxyUrl out;
  std::string_view rest;
  std::string_view scheme;
  if (url.starts_with("http://")) {
    scheme = "http";
    rest = url.substr(7);
  } else if (url.starts_with("socks5://")) {
    scheme = "socks5";
    out.kind = ProxyUrl::Kind::socks5;
    rest = url.substr(9);
  } else {
    const auto at = url.rfind('@');
    const auto scheme_end = url.find("://");
    const std::string_view shown_scheme = scheme_end < at ? url.substr(0, scheme_end + 3) : std::string_view();
    const std::string shown = at == std::string_view::npos
                                  ? std::string(url)
                                  : fmt::format("{}…@{}", shown_scheme, url.substr(at + 1));
    throw core::UsageError(fmt::format("proxy '{}': expected http://HOST:PORT or socks5://HOST:PORT", shown));
  }
  while (rest.ends_with('/')) rest.remove_suffix(1);
  if (const auto at = rest.rfind('@'); at != std::string_view::npos) {
    throw core::UsageError(fmt::format(
        "proxy '{}://…@{}': credentials in the proxy URL are refused (they would show in configs and logs); set {} "
        "and {} instead",
        scheme, rest.substr(at + 1), kProxyUserEnv, kProxyPasswordEnv));
  }
  if (rest.find('/') != std::string_view::npos) {
    throw core::UsageError(fmt::format("proxy '{}': expected {}://HOST:PORT with no path", url, scheme));
  }
  std::string_view port;
  if (rest.starts_with('[')) {
    const auto close = rest.find(']');
    if (close == std::string_view::npos) throw core::UsageError(fmt::format("proxy '{}': bad host", url));
    out.host = std::string(rest.substr(1, close - 1));
    if (rest.substr(close + 1).starts_with(':')) port = rest.substr(close + 2);
  } else {
    const auto colon = rest.find(':');
    out.host = std::string(rest.substr(0, colon));
    if (colon != std::string_view::npos) port = rest.substr(colon + 1);
  }
  if (out.host.empty()) throw core::UsageError(fmt::format("proxy '{}': no host", url));
  if (port.empty()) throw core::UsageError(fmt::format("proxy '{}': no port (expected {}://HOST:PORT)", url, scheme));
  const int number = std::atoi(std::string(port).c_str());
  if (port.find_first_not_of("0123456789") != std::string_view::npos || number < 1 || number > 65535) {
    throw core::UsageError(fmt::format("proxy '{}': bad port '{}'", url, port));
  }
  out.port = std::string(port);
  out.display = fmt::format("{}://{}", scheme, authority(out.host, out.port));
  return out;
}

Route make_route(std::string host, std::string port, const std::string& proxy_url) {
  Route route{.host = std::move(host), .port = std::move(port), .proxy = parse_proxy_url(proxy_url)};
  if (route.proxy) {
    const char* user = std::getenv(kProxyUserEnv);
    const char* password = std::getenv(kProxyPasswordEnv);
    if (user != nullptr) route.proxy_user = user;
    if (password != nullptr) route.proxy_password = password;
  }
  return route;
}

net::awaitable<OpenResult> open_route(beast::tcp_stream& stream, Route route, std::chrono::milliseconds timeout) {
  const bool proxied = route.proxy.has_value();
  const std::string& host = proxied ? route.proxy->host : route.host;
  const std::string& port = proxied ? route.proxy->port : route.port;
  const std::string prefix = proxied ? fmt::format("proxy {}: ", route.proxy->display) : std::string();
  error_code ec;
  tcp::resolver resolver(co_await net::this_coro::executor);
  const auto endpoints = co_await resolver.async_resolve(host, port, net::redirect_error(net::use_awaitable, ec));
  if (ec) co_return OpenResult{fmt::format("{}resolve {}: {}", prefix, authority(host, port), ec.message()), false};
  stream.expires_after(timeout);
  co_await stream.async_connect(endpoints, net::redirect_error(net::use_awaitable, ec));
  if (ec) {
    co_return proxied ? io_failure(prefix + "connect", ec) : io_failure("connect " + authority(host, port), ec);
  }
  stream.socket().set_option(tcp::no_delay(true), ec);
  if (!proxied) co_return OpenResult{};
  if (route.proxy->kind == ProxyUrl::Kind::http_connect) co_return co_await http_connect(stream, route);
  co_return co_await socks5_connect(stream, route);
}

}  // namespace organism::exchange::client

// Opening a TCP connection to the exchange, directly or through the proxy of exchange.proxy (HTTP
// CONNECT or SOCKS5): one coroutine used by HttpTransport (REST) and WsClient (WebSocket) alike.
#pragma once

#include <utility>  // before Asio: g++ 12 coroutines (DEPENDENCIES.md)

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>

namespace organism::exchange::client {

// A proxy URL: "http://HOST:PORT" (HTTP CONNECT) or "socks5://HOST:PORT". Credentials never sit in
// it (they would end up in configs, shell history and logs): they come from the environment.
struct ProxyUrl {
  enum class Kind { http_connect, socks5 };
  Kind kind = Kind::http_connect;
  std::string host{};
  std::string port{};
  std::string display{};  // scheme://host:port, the name every error uses
};
// nullopt for "" (direct); core::UsageError naming the URL (user:pass@ redacted) when refused.
std::optional<ProxyUrl> parse_proxy_url(std::string_view url);

inline constexpr const char* kProxyUserEnv = "ORGANISM_PROXY_USER";
inline constexpr const char* kProxyPasswordEnv = "ORGANISM_PROXY_PASSWORD";

// Where a connection goes: the target as the URL names it, and the proxy when there is one. The
// proxy credentials are read from the environment when the route is made; no message shows them.
struct Route {
  std::string host{};
  std::string port{};
  std::optional<ProxyUrl> proxy{};
  std::string proxy_user{};
  std::string proxy_password{};
};
Route make_route(std::string host, std::string port, const std::string& proxy_url);

// The result of open_route: empty `error` on success, else a message naming the proxy (or the
// target when direct), e.g. "proxy socks5://127.0.0.1:1080: connect: Connection refused".
struct OpenResult {
  std::string error{};
  bool timed_out = false;
  bool ok() const { return error.empty(); }
};

// Resolves and connects `stream` to the proxy or the target, then tunnels through the proxy to
// the target; all within `timeout` (the stream's expiry stays set on return, so a TLS handshake
// that follows runs under the same deadline). `stream` must outlive the operation.
boost::asio::awaitable<OpenResult> open_route(boost::beast::tcp_stream& stream, Route route,
                                              std::chrono::milliseconds timeout);

}  // namespace organism::exchange::client

// One keep-alive HTTP(S) connection to an exchange's REST base URL, direct or through a proxy
// (proxy_connect.hpp): POST a JSON body or GET, get the status and body. Used by InfoClient and
// ExchangeClient (retries and rate limits live there).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"

namespace organism::exchange::client {

// A REST base URL split for connecting. Plain http:// is accepted only for loopback hosts
// (127.0.0.0/8, ::1, localhost): anything else must be https, so keys and orders never cross a
// network in clear text.
struct BaseUrl {
  std::string host;
  std::string port;
  std::string path_prefix;  // "" or "/something" without a trailing slash
  bool tls = true;
};
BaseUrl parse_base_url(std::string_view url);  // core::UsageError naming the URL when refused
bool is_loopback_host(std::string_view host);

struct TransportOptions {
  int connect_timeout_ms = 5000;  // TCP connect plus TLS handshake
  int request_timeout_ms = 15000;  // write the request and read the whole reply
  // "" connects directly; "http://HOST:PORT" tunnels through an HTTP CONNECT proxy and
  // "socks5://HOST:PORT" through a SOCKS5 proxy (config key exchange.proxy, docs/exchange.md).
  // Credentials never sit in the URL: they come from ORGANISM_PROXY_USER / ORGANISM_PROXY_PASSWORD.
  std::string proxy{};
  // PEM file of the CAs to trust instead of the system store ("" = system store): a private
  // deployment's CA, or the tests' own (the only way to test a verified handshake offline).
  std::string ca_file{};
  // Sent with every request, e.g. {"Authorization", "Bearer ..."} for organism's own API (the
  // dashboard). Never logged: a header may hold a secret.
  std::vector<std::pair<std::string, std::string>> headers{};
};

// A failure below HTTP: resolve, connect, TLS, timeout, or the connection dropped. `reply_started`
// tells whether any byte of a reply arrived; a signed action may be re-sent (same nonce) only when
// none did, because then the server cannot have answered it.
class TransportError : public core::Error {
 public:
  TransportError(const std::string& what, bool reply_started, bool timed_out)
      : core::Error(what), reply_started_(reply_started), timed_out_(timed_out) {}
  bool reply_started() const { return reply_started_; }
  bool timed_out() const { return timed_out_; }

 private:
  bool reply_started_;
  bool timed_out_;
};

struct HttpReply {
  int status = 0;
  std::string body;
};

class HttpTransport {
 public:
  explicit HttpTransport(const std::string& base_url, TransportOptions options = {});
  ~HttpTransport();
  HttpTransport(const HttpTransport&) = delete;
  HttpTransport& operator=(const HttpTransport&) = delete;

  // POSTs `body` as application/json to base + path (e.g. "/info"), reusing the connection when
  // the server keeps it open. A reused connection the server had closed meanwhile is reopened
  // once, transparently (nothing of the reply had arrived). Throws TransportError.
  HttpReply post_json(std::string_view path, const std::string& body);
  // GETs base + target (a path with an optional query, e.g. "/fng/?limit=0"), on the same terms.
  HttpReply get(std::string_view target);

  const BaseUrl& url() const;
  std::int64_t connections_opened() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace organism::exchange::client

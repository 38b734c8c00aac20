#include "monitor/http/server_impl.hpp"

#include <openssl/ssl.h>

#include <cctype>
#include <exception>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "core/error.hpp"
#include "monitor/api_config_keys.hpp"

namespace organism::monitor::http {
namespace {

constexpr std::int64_t kMinute = 60000;

void require_readable(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in || in.peek() == std::ifstream::traits_type::eof())
    throw core::UsageError(fmt::format("{} {}: cannot be read (or is empty)", what, path));
}

// TLS 1.2 and newer only; the certificate chain and key from PEM files.
ssl::context make_tls_context(const ServerOptions& o) {
  require_readable(o.tls_cert_file, "TLS certificate file");
  require_readable(o.tls_key_file, "TLS key file");
  ssl::context context(ssl::context::tls_server);
  context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                      ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
  SSL_CTX_set_min_proto_version(context.native_handle(), TLS1_2_VERSION);
  beast::error_code ec;
  context.use_certificate_chain_file(o.tls_cert_file, ec);
  if (ec) throw core::UsageError(fmt::format("TLS certificate file {}: {}", o.tls_cert_file, ec.message()));
  context.use_private_key_file(o.tls_key_file, ssl::context::pem, ec);
  if (ec) throw core::UsageError(fmt::format("TLS key file {}: {}", o.tls_key_file, ec.message()));
  if (SSL_CTX_check_private_key(context.native_handle()) != 1)
    throw core::UsageError(
        fmt::format("TLS key file {} does not match the certificate {}", o.tls_key_file, o.tls_cert_file));
  return context;
}

// "Bearer TOKEN" (the scheme's case does not matter, RFC 7235) → TOKEN; empty when absent.
std::string_view bearer_token(std::string_view header) {
  constexpr std::string_view kScheme = "bearer";
  if (header.size() <= kScheme.size()) return {};
  for (std::size_t i = 0; i < kScheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(header[i])) != kScheme[i]) return {};
  header.remove_prefix(kScheme.size());
  if (header.front() != ' ') return {};
  while (!header.empty() && (header.front() == ' ' || header.front() == '\t')) header.remove_prefix(1);
  while (!header.empty() && (header.back() == ' ' || header.back() == '\t')) header.remove_suffix(1);
  return header;
}

}  // namespace

Response safe_error(int status, const std::string& message) {
  Response r;
  r.status = status;
  r.body = nlohmann::json{{"error", message}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

BoundAddress resolve_listen(const std::string& listen) {
  const auto split = monitor::parse_listen(listen, "listen address");  // HOST:PORT, brackets removed
  BoundAddress out;
  out.host = split.host.find(':') != std::string::npos ? "[" + split.host + "]" : split.host;
  beast::error_code ec;
  auto address = net::ip::make_address(split.host, ec);
  if (ec) {
    net::io_context ioc;
    tcp::resolver resolver(ioc);
    const auto results = resolver.resolve(split.host, std::to_string(split.port), ec);
    if (ec || results.empty())
      throw core::Error(fmt::format("listen address '{}': cannot resolve {}: {}", listen, split.host, ec.message()));
    address = results.begin()->endpoint().address();
  }
  out.endpoint = tcp::endpoint(address, split.port);
  out.loopback = address.is_loopback();
  return out;
}

HttpServer::Impl::Impl(std::vector<Route> routes, ServerOptions o)
    : options(std::move(o)),
      router(std::move(routes)),
      address(resolve_listen(options.listen)),
      rate(options.rate_per_minute, kMinute),
      ioc(std::max(1, options.threads)),
      acceptor(net::make_strand(ioc)) {
  if (options.request_timeout_ms <= 0 || options.idle_timeout_ms <= 0 || options.max_connections < 1 ||
      options.threads < 1 || options.max_body_bytes == 0 || options.max_header_bytes == 0)
    throw core::UsageError(
        "API server: timeouts, max_connections, threads and the size limits must be positive (rate_per_minute 0 = "
        "no limit)");
  if (options.tls_cert_file.empty() != options.tls_key_file.empty())
    throw core::UsageError("TLS needs both a certificate file and a key file (PEM), or neither");
  if (!options.tls_cert_file.empty()) tls.emplace(make_tls_context(options));
  if (!address.loopback && !tls)
    throw core::UsageError(fmt::format(
        "listen address '{}' is not loopback: serving it needs TLS (a certificate and key file); the bearer token "
        "must never cross a network in clear text",
        options.listen));
  beast::error_code ec;
  acceptor.open(address.endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(address.endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (!ec) port = acceptor.local_endpoint(ec).port();
  if (ec) throw core::Error(fmt::format("cannot listen on {}: {}", options.listen, ec.message()));
}

bool HttpServer::Impl::admit(const std::string& ip) {
  if (options.rate_per_minute <= 0) return true;
  const std::lock_guard lock(rate_mutex);
  const auto now = elapsed_ms();
  if (!rate.admits(ip, now)) return false;
  rate.charge(ip, 1, now);
  return true;
}

Response HttpServer::Impl::respond(const bhttp::request<bhttp::string_body>& message, const std::string& ip) {
  ++requests;
  if (!admit(ip)) {
    ++rejected_rate;
    Response r = safe_error(429, fmt::format("rate limit: at most {} requests a minute per client", options.rate_per_minute));
    // The limiter's window is a minute: within it a unit of budget surely frees.
    r.headers.emplace_back("Retry-After", std::to_string(kMinute / 1000));
    return r;
  }
  Request request;
  request.method = std::string(message.method_string());
  request.remote_ip = ip;
  const auto match = router.match(request.method, std::string_view(message.target().data(), message.target().size()), request);
  if (match.route == nullptr) {
    Response r = safe_error(match.status, match.error);
    if (match.status == 405) r.headers.emplace_back("Allow", match.allow);
    return r;
  }
  if (!match.route->public_route) {
    const auto header = message[bhttp::field::authorization];
    if (!token_matches(bearer_token(std::string_view(header.data(), header.size())), options.token)) {
      ++rejected_auth;
      Response r = safe_error(401, header.empty() ? "authentication required: Authorization: Bearer TOKEN"
                                                  : "the bearer token is not valid");
      r.headers.emplace_back("WWW-Authenticate", "Bearer");
      return r;
    }
  }
  request.body = message.body();
  try {
    return match.route->handler(request);
  } catch (const std::exception& e) {
    return safe_error(500, fmt::format("internal error: {}", e.what()));
  } catch (...) {
    return safe_error(500, "internal error: unknown exception");
  }
}

bool HttpServer::Impl::register_connection(std::uint64_t& id, std::function<void()> closer) {
  const std::lock_guard lock(connections_mutex);
  if (stopping) return false;
  id = next_connection_id++;
  closers.emplace(id, std::move(closer));
  return true;
}

void HttpServer::Impl::unregister_connection(std::uint64_t id) {
  const std::lock_guard lock(connections_mutex);
  closers.erase(id);
  if (closers.empty()) connections_done.notify_all();
}

void HttpServer::Impl::shutdown() {
  std::map<std::uint64_t, std::function<void()>> to_close;
  {
    const std::lock_guard lock(connections_mutex);
    if (stopping.exchange(true)) return;
    to_close = closers;
  }
  net::post(acceptor.get_executor(), [this] {
    beast::error_code ec;
    acceptor.close(ec);
  });
  for (auto& [id, close] : to_close) close();
}

net::awaitable<void> HttpServer::Impl::accept_loop() {
  beast::error_code ec;
  net::steady_timer backoff(acceptor.get_executor());
  while (!stopping) {
    // Each connection gets its own strand: its coroutine, timers and stop()'s close never race.
    tcp::socket socket = co_await acceptor.async_accept(net::make_strand(ioc), net::redirect_error(net::use_awaitable, ec));
    if (ec) {
      if (stopping || ec == net::error::operation_aborted || !acceptor.is_open()) break;
      // e.g. too many open files: keep serving the connections we have, and do not spin.
      backoff.expires_after(std::chrono::milliseconds(50));
      co_await backoff.async_wait(net::redirect_error(net::use_awaitable, ec));
      continue;
    }
    auto executor = socket.get_executor();
    net::co_spawn(executor, serve_connection(*this, std::move(socket)), [](std::exception_ptr error) {
      if (!error) return;
      try {
        std::rethrow_exception(error);
      } catch (const std::exception& e) {
        spdlog::warn("monitor http: a connection failed: {}", e.what());
      }
    });
  }
}

HttpServer::HttpServer(std::vector<Route> routes, ServerOptions options)
    : impl_(std::make_unique<Impl>(std::move(routes), std::move(options))) {
  Impl& s = *impl_;
  net::co_spawn(s.acceptor.get_executor(), s.accept_loop(), net::detached);
  for (int i = 0; i < std::max(1, s.options.threads); ++i) {
    s.threads.emplace_back([&s] {
      for (;;) {
        try {
          s.ioc.run();
          return;
        } catch (const std::exception& e) {
          spdlog::warn("monitor http: an I/O thread caught: {}", e.what());
        }
      }
    });
  }
}

HttpServer::~HttpServer() { stop(); }

std::uint16_t HttpServer::port() const { return impl_->port; }

std::string HttpServer::url() const {
  return fmt::format("{}://{}:{}", impl_->tls ? "https" : "http", impl_->address.host, port());
}

void HttpServer::stop() {
  Impl& s = *impl_;
  s.shutdown();
  if (s.ioc.get_executor().running_in_this_thread()) return;  // a handler: the destructor joins
  const std::lock_guard stop_lock(s.stop_mutex);
  {
    std::unique_lock lock(s.connections_mutex);
    s.connections_done.wait_for(lock, std::chrono::seconds(3), [&s] { return s.closers.empty(); });
  }
  s.ioc.stop();
  for (auto& t : s.threads)
    if (t.joinable() && t.get_id() != std::this_thread::get_id()) t.join();
}

HttpServer::Stats HttpServer::stats() const {
  return Stats{impl_->requests.load(), impl_->rejected_auth.load(), impl_->rejected_rate.load(),
               impl_->dropped_timeout.load()};
}

}  // namespace organism::monitor::http

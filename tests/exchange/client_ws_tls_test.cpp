// wss:// and https:// with verified TLS, offline: the test makes its own CA and a certificate for
// "localhost" (openssl CLI), and runs a Beast TLS server answering WebSocket subscriptions and
// plain HTTP POSTs. Without the test CA the client refuses it ("certificate verify failed"); with
// it (the ca_file option) a subscription round trip succeeds, directly and through a SOCKS5 proxy,
// and a URL naming a host the certificate does not cover is refused.
#include <utility>  // before Asio: g++ 12 coroutines (DEPENDENCIES.md)

#include <gtest/gtest.h>

#include <thread>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast.hpp>
#include <boost/beast/ssl.hpp>
#include <fmt/format.h>

#include "exchange/client/http_transport.hpp"
#include "exchange/client/ws_client.hpp"
#include "io_wait.hpp"
#include "proxy_servers.hpp"

namespace organism::exchange::client {
namespace {

using test::run_until;

namespace net = boost::asio;
namespace ssl = net::ssl;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

// A CA and a server certificate for DNS:localhost only (so 127.0.0.1 is a host it does not name),
// made once per test process. EC keys: fast to make.
struct TestPki {
  test::TempDir dir;
  std::string ca, cert, key;
  bool made = false;
  TestPki() {
    ca = (dir / "ca.pem").string();
    cert = (dir / "server.pem").string();
    key = (dir / "server.key").string();
    const std::string d = dir.path().string();
    const std::string script = fmt::format(
        "cd '{0}' && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key "
        "-out ca.pem -days 2 -subj /CN=organism-test-ca && "
        "openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout server.key -out server.csr "
        "-subj /CN=localhost && printf 'subjectAltName=DNS:localhost\\nbasicConstraints=CA:FALSE\\n' > ext.cnf && "
        "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 "
        "-extfile ext.cnf",
        d);
    made = std::system(("(" + script + ") >/dev/null 2>&1").c_str()) == 0;
  }
};

const TestPki& pki() {
  static TestPki instance;
  return instance;
}

// One TLS port serving both: a WebSocket upgrade acknowledges every subscribe; any other request
// gets 200 with the body {"ok":true}.
class TlsServer {
 public:
  TlsServer() {
    context_.use_certificate_chain_file(pki().cert);
    context_.use_private_key_file(pki().key, ssl::context::pem);
    port_ = acceptor_.local_endpoint().port();
    net::co_spawn(ioc_, accept_loop(), net::detached);
    thread_ = std::thread([this] { ioc_.run(); });
  }
  ~TlsServer() {
    ioc_.stop();
    thread_.join();
  }
  std::uint16_t port() const { return port_; }
  int handshakes() const { return handshakes_.load(); }
  int failed_handshakes() const { return failed_handshakes_.load(); }

 private:
  net::awaitable<void> session(tcp::socket socket) {
    beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), context_);
    beast::error_code ec;
    co_await stream.async_handshake(ssl::stream_base::server, net::redirect_error(net::use_awaitable, ec));
    if (ec) {
      ++failed_handshakes_;
      co_return;
    }
    ++handshakes_;
    beast::flat_buffer buffer;
    for (;;) {
      http::request<http::string_body> request;
      co_await http::async_read(stream, buffer, request, net::redirect_error(net::use_awaitable, ec));
      if (ec) co_return;
      if (websocket::is_upgrade(request)) {
        websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws(std::move(stream));
        co_await ws.async_accept(request, net::redirect_error(net::use_awaitable, ec));
        while (!ec) {
          beast::flat_buffer frame;
          co_await ws.async_read(frame, net::redirect_error(net::use_awaitable, ec));
          if (ec) break;
          const std::string text = beast::buffers_to_string(frame.data());
          const auto at = text.find("\"subscription\":");
          if (text.find("\"method\":\"subscribe\"") == std::string::npos || at == std::string::npos) continue;
          const std::string subscription = text.substr(at + 15, text.size() - at - 16);
          const std::string ack = R"({"channel":"subscriptionResponse","data":{"method":"subscribe","subscription":)" +
                                  subscription + "}}";
          co_await ws.async_write(net::buffer(ack), net::redirect_error(net::use_awaitable, ec));
        }
        co_return;
      }
      http::response<http::string_body> response{http::status::ok, request.version()};
      response.set(http::field::content_type, "application/json");
      response.body() = R"({"ok":true})";
      response.keep_alive(request.keep_alive());
      response.prepare_payload();
      co_await http::async_write(stream, response, net::redirect_error(net::use_awaitable, ec));
      if (ec || !request.keep_alive()) co_return;
    }
  }

  net::awaitable<void> accept_loop() {
    for (;;) {
      tcp::socket socket(ioc_);
      beast::error_code ec;
      co_await acceptor_.async_accept(socket, net::redirect_error(net::use_awaitable, ec));
      if (ec) co_return;
      net::co_spawn(ioc_, session(std::move(socket)), net::detached);
    }
  }

  net::io_context ioc_;
  ssl::context context_{ssl::context::tls_server};
  tcp::acceptor acceptor_{ioc_, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)};
  std::uint16_t port_ = 0;
  std::atomic<int> handshakes_{0}, failed_handshakes_{0};
  std::thread thread_;
};

const WsSubscription kBtcTrades{"trades", "BTC", "", ""};

// Connects once with the options; the connection's first error ("" when it was acknowledged).
std::string first_outcome(WsClientOptions options) {
  net::io_context ioc;
  options.backoff_initial = 2000ms;  // one attempt within the wait below
  WsClient client(ioc, options);
  client.subscribe(kBtcTrades);
  client.start();
  const bool done = run_until(
      ioc, [&] { return client.acknowledged(kBtcTrades) || client.stats().failed_connects > 0; }, 5s);
  client.stop();
  if (!done) return "neither acknowledged nor failed within 5 s";
  return client.acknowledged(kBtcTrades) ? "" : client.stats().last_connect_error;
}

#define REQUIRE_PKI() \
  if (!pki().made) GTEST_SKIP() << "openssl could not make the test certificates (scripts/setup installs openssl)"

TEST(WsTls, ASelfSignedServerIsRefusedWithCertificateVerifyFailed) {
  REQUIRE_PKI();
  TlsServer server;
  const std::string error = first_outcome({.url = fmt::format("wss://localhost:{}/ws", server.port())});
  EXPECT_NE(error.find(fmt::format("TLS handshake with localhost:{}: certificate verify failed", server.port())),
            std::string::npos)
      << error;
  EXPECT_EQ(server.handshakes(), 0);
}

TEST(WsTls, TheTestCaGivesAVerifiedSubscriptionRoundTripDirectAndThroughSocks5) {
  REQUIRE_PKI();
  TlsServer server;
  const std::string url = fmt::format("wss://localhost:{}/ws", server.port());
  EXPECT_EQ(first_outcome({.url = url, .ca_file = pki().ca}), "");
  test::Socks5Proxy proxy;
  EXPECT_EQ(first_outcome({.url = url, .proxy = proxy.url(), .ca_file = pki().ca}), "");
  EXPECT_EQ(proxy.targets(), (std::vector<std::string>{fmt::format("localhost:{}", server.port())}));
  EXPECT_EQ(server.handshakes(), 2);
}

TEST(WsTls, ACertificateThatDoesNotNameTheHostIsRefused) {
  REQUIRE_PKI();
  TlsServer server;
  // The certificate names DNS:localhost only; asked for 127.0.0.1 the client must refuse it.
  const std::string error =
      first_outcome({.url = fmt::format("wss://127.0.0.1:{}/ws", server.port()), .ca_file = pki().ca});
  EXPECT_NE(error.find("certificate verify failed"), std::string::npos) << error;
  EXPECT_EQ(server.handshakes(), 0);
}

TEST(HttpsTls, TheTestCaGivesAVerifiedPostThroughAnHttpConnectProxyToo) {
  REQUIRE_PKI();
  TlsServer server;
  HttpTransport direct(fmt::format("https://localhost:{}", server.port()), {.ca_file = pki().ca});
  auto reply = direct.post_json("/info", "{}");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, R"({"ok":true})");
  if (!test::TinyproxyProcess::installed()) GTEST_SKIP() << "tinyproxy is not installed (scripts/setup installs it)";
  test::TinyproxyProcess proxy(server.port());
  ASSERT_TRUE(proxy.started()) << proxy.log();
  HttpTransport proxied(fmt::format("https://localhost:{}", server.port()),
                        {.proxy = fmt::format("http://127.0.0.1:{}", proxy.port()), .ca_file = pki().ca});
  reply = proxied.post_json("/info", "{}");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(proxied.post_json("/info", "{}").status, 200);
  EXPECT_EQ(proxied.connections_opened(), 1);
  EXPECT_NE(proxy.log().find(fmt::format("CONNECT localhost:{} HTTP/1.1", server.port())), std::string::npos)
      << proxy.log();
}

}  // namespace
}  // namespace organism::exchange::client

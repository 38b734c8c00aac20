// exchange.proxy end to end on loopback against the real `organism exchange-sim`: Debian's
// tinyproxy (HTTP CONNECT) carries a `data fetch` through the binary and a WebSocket feed; a SOCKS5
// proxy in the test carries REST and WebSocket, with and without username/password; a closed
// proxy port and proxies answering 403/407 give errors naming the proxy and never a password.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>

#include <boost/asio.hpp>
#include <fmt/format.h>

#include "core/error.hpp"
#include "data/store.hpp"
#include "exchange/client/http_transport.hpp"
#include "exchange/client/proxy_connect.hpp"
#include "exchange/client/ws_client.hpp"
#include "io_wait.hpp"
#include "proxy_servers.hpp"
#include "sim_server_client.hpp"
#include "sim_server_process.hpp"

namespace organism::exchange::client {
namespace {

using test::run_until;

using namespace std::chrono_literals;
using test::SimProcess;

const core::Interval kMinute = core::Interval::parse_or_throw("1m");
const WsSubscription kBtcCandle{"candle", "BTC", "1m", ""};

std::string rest_of(std::uint16_t port) { return fmt::format("http://127.0.0.1:{}", port); }
std::string ws_of(std::uint16_t port) { return fmt::format("ws://127.0.0.1:{}/ws", port); }

// Sets the proxy credentials for one scope (make_route reads them from the environment).
struct ProxyCredentials {
  ProxyCredentials(const char* user, const char* password) {
    ::setenv(kProxyUserEnv, user, 1);
    ::setenv(kProxyPasswordEnv, password, 1);
  }
  ~ProxyCredentials() {
    ::unsetenv(kProxyUserEnv);
    ::unsetenv(kProxyPasswordEnv);
  }
};

// A WebSocket client through `proxy` subscribes to BTC 1m candles and receives one after the
// market moves; the number of candles frames seen.
int candles_through(const std::string& proxy, std::uint16_t sim_port) {
  boost::asio::io_context ioc;
  WsClient client(ioc, {.url = ws_of(sim_port), .proxy = proxy});
  int candles = 0;
  client.on_frame([&](const WsFrame& frame) { candles += frame.kind == FrameKind::candle; });
  client.subscribe(kBtcCandle);
  client.start();
  if (!run_until(ioc, [&] { return client.acknowledged(kBtcCandle); }, 5s)) {
    ADD_FAILURE() << "no acknowledgement through " << proxy << ": " << client.stats().last_connect_error;
    return 0;
  }
  test::HttpClient control(sim_port);
  EXPECT_EQ(control.post("/control", R"({"type":"advance","steps":3})").status, 200);
  run_until(ioc, [&] { return candles > 0; }, 5s);
  EXPECT_EQ(client.stats().connects, 1u);
  client.stop();
  return candles;
}

TEST(ProxyUrl, ParsesHttpAndSocks5AndRefusesCredentialsInTheUrl) {
  const auto http = parse_proxy_url("http://127.0.0.1:3128");
  ASSERT_TRUE(http);
  EXPECT_EQ(http->kind, ProxyUrl::Kind::http_connect);
  EXPECT_EQ(http->host, "127.0.0.1");
  EXPECT_EQ(http->port, "3128");
  EXPECT_EQ(http->display, "http://127.0.0.1:3128");
  const auto socks = parse_proxy_url("socks5://[::1]:1080/");
  ASSERT_TRUE(socks);
  EXPECT_EQ(socks->kind, ProxyUrl::Kind::socks5);
  EXPECT_EQ(socks->host, "::1");
  EXPECT_EQ(socks->display, "socks5://[::1]:1080");
  EXPECT_FALSE(parse_proxy_url(""));
  try {
    parse_proxy_url("http://alice:s3cret@proxy.example:3128");
    FAIL() << "no error";
  } catch (const core::UsageError& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.find("s3cret"), std::string::npos) << what;
    EXPECT_EQ(what.find("alice"), std::string::npos) << what;
    EXPECT_NE(what.find("proxy.example:3128"), std::string::npos) << what;
    EXPECT_NE(what.find("ORGANISM_PROXY_USER and ORGANISM_PROXY_PASSWORD"), std::string::npos) << what;
  }
  try {
    parse_proxy_url("https://alice:s3cret@proxy.example:3128");
    FAIL() << "no error";
  } catch (const core::UsageError& e) {
    EXPECT_EQ(std::string(e.what()),
              "proxy 'https://…@proxy.example:3128': expected http://HOST:PORT or socks5://HOST:PORT");
  }
  for (const char* bad : {"ftp://p:1", "http://p", "socks5://p:0", "http://p:99999", "http://:80", "http://p:1/x"}) {
    EXPECT_THROW(parse_proxy_url(bad), core::UsageError) << bad;
  }
}

TEST(ClientProxy, PlainHttpAndWsToARemoteHostAreRefusedAlsoThroughAProxy) {
  try {
    HttpTransport transport("http://api.hyperliquid.xyz", {.proxy = "http://127.0.0.1:3128"});
    FAIL() << "no error";
  } catch (const core::UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("'http://api.hyperliquid.xyz'"), std::string::npos) << e.what();
  }
  boost::asio::io_context ioc;
  try {
    WsClient client(ioc, {.url = "ws://api.hyperliquid.xyz/ws", .proxy = "socks5://127.0.0.1:1080"});
    FAIL() << "no error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("'ws://api.hyperliquid.xyz/ws'"), std::string::npos) << e.what();
  }
}

TEST(ClientProxy, TinyproxyCarriesADataFetchThroughTheBinaryAndAWebSocketFeed) {
  if (!test::TinyproxyProcess::installed()) GTEST_SKIP() << "tinyproxy is not installed (scripts/setup installs it)";
  SimProcess sim({"--speed", "0", "--coins", "BTC"});
  ASSERT_TRUE(sim.started());
  test::TinyproxyProcess proxy(sim.port());
  ASSERT_TRUE(proxy.started()) << proxy.log();
  const std::string proxy_url = fmt::format("http://127.0.0.1:{}", proxy.port());

  test::TempDir dir;
  const std::string db = (dir / "fetched.db").string();
  const auto r = test::run_organism({"--db", db, "--progress", "off", "data", "fetch", "--url", rest_of(sim.port()),
                                     "--proxy", proxy_url, "--coins", "BTC", "--interval", "1m", "--since",
                                     "2024-01-01"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // The simulator starts after 500 bars of history: those 500 closed bars, exactly as stored.
  const data::SeriesKey key{"hyperliquid", "BTC", kMinute};
  auto source = data::Store::open_existing(test::sim_test_store());
  auto fetched = data::Store::open_existing(db);
  const auto want = source.load_candles(key, test::kSimFirstBar, test::kSimFirstBar + 500 * 60'000);
  const auto got = fetched.load_candles(key);
  ASSERT_TRUE(want && got);
  EXPECT_EQ(got->size(), 500u);
  // Every price, volume and time as stored (the trade counts are the simulator's own: the source
  // file has none).
  auto same = [](auto a, auto b) { return std::equal(a.begin(), a.end(), b.begin(), b.end()); };
  EXPECT_TRUE(same(got->time(), want->time()));
  EXPECT_TRUE(same(got->open(), want->open()));
  EXPECT_TRUE(same(got->high(), want->high()));
  EXPECT_TRUE(same(got->low(), want->low()));
  EXPECT_TRUE(same(got->close(), want->close()));
  EXPECT_TRUE(same(got->volume(), want->volume()));
  const int rest_tunnels = proxy.connect_requests(sim.port());
  EXPECT_GE(rest_tunnels, 1) << proxy.log();

  EXPECT_GE(candles_through(proxy_url, sim.port()), 1);
  EXPECT_EQ(proxy.connect_requests(sim.port()), rest_tunnels + 1) << proxy.log();
}

TEST(ClientProxy, Socks5CarriesRestAndWebSocketWithTheTargetAsTheClientNamedIt) {
  SimProcess sim({"--speed", "0", "--coins", "BTC"});
  ASSERT_TRUE(sim.started());
  test::Socks5Proxy proxy;
  HttpTransport transport(rest_of(sim.port()), {.proxy = proxy.url()});
  const auto reply = transport.post_json("/info", R"({"type":"meta"})");
  EXPECT_EQ(reply.status, 200);
  EXPECT_NE(reply.body.find("\"BTC\""), std::string::npos) << reply.body;
  EXPECT_EQ(transport.post_json("/info", R"({"type":"allMids"})").status, 200);
  EXPECT_EQ(transport.connections_opened(), 1);  // kept alive through the tunnel
  EXPECT_EQ(proxy.connections(), 1);

  EXPECT_GE(candles_through(proxy.url(), sim.port()), 1);
  EXPECT_EQ(proxy.connections(), 2);
  const std::string target = fmt::format("127.0.0.1:{}", sim.port());
  EXPECT_EQ(proxy.targets(), (std::vector<std::string>{target, target}));

  // A host name goes to the proxy as a name (address type 3), for the proxy to resolve.
  HttpTransport by_name(fmt::format("http://localhost:{}", sim.port()), {.proxy = proxy.url()});
  EXPECT_EQ(by_name.post_json("/info", R"({"type":"meta"})").status, 200);
  EXPECT_EQ(proxy.targets().back(), fmt::format("localhost:{}", sim.port()));
}

TEST(ClientProxy, Socks5WithUsernameAndPasswordFromTheEnvironment) {
  SimProcess sim({"--speed", "0", "--coins", "BTC"});
  ASSERT_TRUE(sim.started());
  test::Socks5Proxy proxy("alice", "s3cret");
  {
    // No credentials: the proxy accepts none of the offered methods, and says what to set.
    HttpTransport transport(rest_of(sim.port()), {.proxy = proxy.url()});
    try {
      transport.post_json("/info", R"({"type":"meta"})");
      FAIL() << "no error";
    } catch (const TransportError& e) {
      EXPECT_EQ(std::string(e.what()),
                "proxy " + proxy.url() + ": accepts none of the offered authentication methods (none); set ORGANISM_PROXY_USER "
                              "and ORGANISM_PROXY_PASSWORD");
    }
  }
  {
    ProxyCredentials credentials("alice", "wrong-pass");
    HttpTransport transport(rest_of(sim.port()), {.proxy = proxy.url()});
    try {
      transport.post_json("/info", R"({"type":"meta"})");
      FAIL() << "no error";
    } catch (const TransportError& e) {
      const std::string what = e.what();
      EXPECT_EQ(what, "proxy " + proxy.url() +
                          ": refused the username and password of ORGANISM_PROXY_USER / ORGANISM_PROXY_PASSWORD");
      EXPECT_EQ(what.find("wrong-pass"), std::string::npos);
      EXPECT_FALSE(e.reply_started());
    }
    EXPECT_EQ(proxy.auth_failures(), 1);
  }
  ProxyCredentials credentials("alice", "s3cret");
  HttpTransport transport(rest_of(sim.port()), {.proxy = proxy.url()});
  EXPECT_EQ(transport.post_json("/info", R"({"type":"meta"})").status, 200);
  EXPECT_GE(candles_through(proxy.url(), sim.port()), 1);
  EXPECT_EQ(proxy.auth_failures(), 1);
  EXPECT_EQ(proxy.connections(), 4);
}

TEST(ClientProxy, AClosedProxyPortFailsTheFetchNamingTheProxy) {
  SimProcess sim({"--speed", "0", "--coins", "BTC"});
  ASSERT_TRUE(sim.started());
  const std::uint16_t closed = test::free_loopback_port();
  test::TempDir dir;
  const auto r = test::run_organism({"--db", (dir / "f.db").string(), "--progress", "off", "data", "fetch", "--url",
                                     rest_of(sim.port()), "--proxy", fmt::format("socks5://127.0.0.1:{}", closed),
                                     "--coins", "BTC", "--interval", "1m", "--retry-base-ms", "1"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find(fmt::format("proxy socks5://127.0.0.1:{}: connect: Connection refused", closed)), std::string::npos)
      << r.err;

  const auto bad = test::run_organism({"--db", (dir / "f.db").string(), "data", "fetch", "--url", rest_of(sim.port()),
                                       "--proxy", "http://bob:hunter2@127.0.0.1:1", "--coins", "BTC", "--interval", "1m"});
  EXPECT_EQ(bad.exit_code, 2);  // a usage error, found before any connection
  EXPECT_EQ(bad.err.find("hunter2"), std::string::npos) << bad.err;
  EXPECT_EQ(bad.err.find("bob"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("ORGANISM_PROXY_PASSWORD"), std::string::npos) << bad.err;
}

TEST(ClientProxy, ARefusedTargetAndASilentProxyAreNamed) {
  test::Socks5Proxy socks;
  const std::uint16_t closed = test::free_loopback_port();
  HttpTransport refused(fmt::format("http://127.0.0.1:{}", closed), {.proxy = socks.url()});
  try {
    refused.post_json("/info", "{}");
    FAIL() << "no error";
  } catch (const TransportError& e) {
    EXPECT_EQ(std::string(e.what()), fmt::format("proxy {}: SOCKS5 CONNECT 127.0.0.1:{} refused: connection refused "
                                                 "by destination", socks.url(), closed));
  }
  // A proxy that takes the connection and never answers: the connect timeout, flagged as one.
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor silent(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
  const auto silent_port = silent.local_endpoint().port();
  HttpTransport stalled("http://127.0.0.1:9",
                        {.connect_timeout_ms = 300, .proxy = fmt::format("http://127.0.0.1:{}", silent_port)});
  const auto start = std::chrono::steady_clock::now();
  try {
    stalled.post_json("/info", "{}");
    FAIL() << "no error";
  } catch (const TransportError& e) {
    EXPECT_TRUE(e.timed_out());
    EXPECT_EQ(std::string(e.what()),
              fmt::format("proxy http://127.0.0.1:{}: CONNECT 127.0.0.1:9: timed out", silent_port));
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST(ClientProxy, AProxyAnswering403Or407IsQuotedAndCredentialsGoAsBasicAuth) {
  test::StatusProxy forbidden("HTTP/1.1 403 Forbidden");
  HttpTransport transport("http://127.0.0.1:9", {.proxy = forbidden.url()});
  try {
    transport.post_json("/info", "{}");
    FAIL() << "no error";
  } catch (const TransportError& e) {
    EXPECT_EQ(std::string(e.what()), "proxy " + forbidden.url() + ": CONNECT 127.0.0.1:9 answered 403 Forbidden");
  }
  ASSERT_EQ(forbidden.requests().size(), 1u);
  EXPECT_EQ(forbidden.requests()[0], "CONNECT 127.0.0.1:9 HTTP/1.1\r\nHost: 127.0.0.1:9\r\n\r\n");

  test::StatusProxy auth_required("HTTP/1.1 407 Proxy Authentication Required");
  {
    boost::asio::io_context ioc;
    WsClient client(ioc, {.url = "ws://127.0.0.1:9/ws", .proxy = auth_required.url(), .backoff_initial = 1000ms});
    client.start();
    ASSERT_TRUE(run_until(ioc, [&] { return client.stats().failed_connects > 0; }, 5s));
    EXPECT_EQ(client.stats().last_connect_error,
              "proxy " + auth_required.url() +
                  ": CONNECT 127.0.0.1:9 answered 407 Proxy Authentication Required (set ORGANISM_PROXY_USER and "
                  "ORGANISM_PROXY_PASSWORD)");
    client.stop();
  }
  ProxyCredentials credentials("alice", "s3cret");
  HttpTransport with_credentials("http://127.0.0.1:9", {.proxy = auth_required.url()});
  try {
    with_credentials.get("/");
    FAIL() << "no error";
  } catch (const TransportError& e) {
    EXPECT_EQ(std::string(e.what()).find("s3cret"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("407 Proxy Authentication Required (the credentials of ORGANISM_PROXY_USER were refused)"),
              std::string::npos)
        << e.what();
  }
  ASSERT_EQ(auth_required.requests().size(), 2u);
  // base64("alice:s3cret")
  EXPECT_NE(auth_required.requests()[1].find("\r\nProxy-Authorization: Basic YWxpY2U6czNjcmV0\r\n"), std::string::npos);
}

}  // namespace
}  // namespace organism::exchange::client

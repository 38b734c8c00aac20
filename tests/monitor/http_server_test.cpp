// The monitor's HTTP server through real sockets on 127.0.0.1: routing (params, query, 404, 405 +
// Allow), the bearer token (right, missing, wrong, one byte off, a prefix), public routes, the
// response headers, a throwing handler, HTTP/1.0, keep-alive, the token file, TLS, the listen
// address rules and 20 concurrent keep-alive clients.
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <iostream>
#include <thread>

#include "core/error.hpp"
#include "exchange/client/http_transport.hpp"
#include "http_test_support.hpp"
#include "monitor/http/router.hpp"

namespace organism::monitor::http {
namespace {

using exchange::client::HttpTransport;
using exchange::client::TransportOptions;
using namespace test;

TransportOptions with_token(const std::string& token = kToken) {
  TransportOptions o;
  o.headers = {{"Authorization", "Bearer " + token}};
  return o;
}

TEST(HttpRouter, MatchesParamsQueryAndRefusesWhatIsNotThere) {
  Router router(test_routes());
  Request r;
  auto m = router.match("GET", "/things/a%20b?x=1&y=hello+world&x=2&e=%26%3D&flag", r);
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->pattern, "/things/{id}");
  EXPECT_EQ(r.path, "/things/a b");
  EXPECT_EQ(r.path_params.at("id"), "a b");
  EXPECT_EQ(r.query.at("x"), "2");  // the last one wins
  EXPECT_EQ(r.query.at("y"), "hello world");
  EXPECT_EQ(r.query.at("e"), "&=");
  EXPECT_EQ(r.query.at("flag"), "");

  Request slash;
  m = router.match("GET", "/things/a%2Fb", slash);  // an escaped slash stays in its segment
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(slash.path_params.at("id"), "a/b");

  Request other;
  EXPECT_EQ(router.match("GET", "/nothing", other).status, 404);
  EXPECT_EQ(router.match("GET", "/things/", other).status, 404);
  EXPECT_EQ(router.match("GET", "/things/x/y", other).status, 404);
  m = router.match("DELETE", "/things/x", other);
  EXPECT_EQ(m.status, 405);
  EXPECT_EQ(m.allow, "GET");
  m = router.match("PUT", "/things", other);
  EXPECT_EQ(m.allow, "POST");
  EXPECT_EQ(router.match("GET", "/things/%zz", other).status, 400);
  EXPECT_EQ(router.match("GET", "/things/x?a=%4", other).status, 400);
  EXPECT_EQ(router.match("GET", "/things/%00", other).status, 400);
  EXPECT_EQ(router.match("GET", "/things/%-1", other).status, 400);
  EXPECT_EQ(router.match("GET", "/things/%4g", other).status, 400);
  EXPECT_EQ(router.match("GET", "/things/%", other).status, 400);
  ASSERT_NE(router.match("GET", "/things/%c3%A9", other).route, nullptr);
  EXPECT_EQ(other.path_params.at("id"), "\xc3\xa9");
  EXPECT_EQ(router.match("GET", "http://example.com/things/x", other).status, 400);
}

TEST(HttpRouter, RefusesMalformedRouteTables) {
  auto ok = [](const Request&) { return Response{}; };
  EXPECT_THROW(Router({{"GET", "health", ok}}), core::UsageError);
  EXPECT_THROW(Router({{"GET", "/a/{}", ok}}), core::UsageError);
  EXPECT_THROW(Router({{"GET", "/a", ok}, {"GET", "/a", ok}}), core::UsageError);
}

TEST(HttpToken, MatchesOnlyTheWholeToken) {
  EXPECT_TRUE(token_matches(kToken, kToken));
  std::string last_byte = kToken;
  last_byte.back() ^= 1;
  EXPECT_FALSE(token_matches(last_byte, kToken));
  EXPECT_FALSE(token_matches(std::string(kToken).substr(0, 10), kToken));
  EXPECT_FALSE(token_matches(std::string(kToken) + "x", kToken));
  EXPECT_FALSE(token_matches("", kToken));
  EXPECT_FALSE(token_matches("", ""));  // no token configured: nothing matches
}

TEST(HttpServer, RoutesWithTheRightToken) {
  HttpServer server(test_routes(), test_options());
  HttpTransport client(server.url(), with_token());
  auto reply = client.get("/things/abc?state=paper&n=%31");
  ASSERT_EQ(reply.status, 200) << reply.body;
  const auto j = nlohmann::json::parse(reply.body);
  EXPECT_EQ(j["id"], "abc");
  EXPECT_EQ(j["query"]["state"], "paper");
  EXPECT_EQ(j["query"]["n"], "1");
  reply = client.post_json("/things", R"({"a":1})");
  EXPECT_EQ(reply.status, 201);
  EXPECT_EQ(nlohmann::json::parse(reply.body)["body"], R"({"a":1})");
  EXPECT_EQ(nlohmann::json::parse(reply.body)["ip"], "127.0.0.1");
  reply = client.get("/nothing");
  EXPECT_EQ(reply.status, 404);
  EXPECT_TRUE(nlohmann::json::parse(reply.body).contains("error"));
  EXPECT_EQ(client.get("/things").status, 405);
  EXPECT_EQ(client.connections_opened(), 1);  // keep-alive throughout
  EXPECT_EQ(server.stats().requests, 4);
}

TEST(HttpServer, RefusesMissingAndWrongTokens) {
  HttpServer server(test_routes(), test_options());
  std::string last_byte = kToken;
  last_byte.back() = last_byte.back() == 'f' ? 'e' : 'f';
  const std::string prefix = std::string(kToken).substr(0, std::string(kToken).size() - 1);
  for (const auto& options : {TransportOptions{}, with_token("wrong-token-0123456789"), with_token(last_byte),
                              with_token(prefix), with_token(std::string(kToken) + "0")}) {
    HttpTransport client(server.url(), options);
    const auto reply = client.get("/things/abc");
    EXPECT_EQ(reply.status, 401) << reply.body;
    EXPECT_TRUE(nlohmann::json::parse(reply.body).contains("error"));
    EXPECT_EQ(client.get("/health").status, 200);  // public without the token
  }
  EXPECT_EQ(server.stats().rejected_auth, 5);

  RawClient raw(server.port());
  raw.send(get_request("/things/abc", "Authorization: bearer " + std::string(kToken) + "\r\n"));
  auto ok = raw.read_response();  // the scheme's case does not matter
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  raw.send(get_request("/things/abc", "Authorization: Basic " + std::string(kToken) + "\r\n"));
  auto refused = raw.read_response();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 401);
  EXPECT_EQ(refused->header("www-authenticate"), "Bearer");
}

TEST(HttpServer, EmptyConfiguredTokenRefusesEveryPrivateRoute) {
  auto options = test_options();
  options.token.clear();
  HttpServer server(test_routes(), options);
  HttpTransport anonymous(server.url());
  EXPECT_EQ(anonymous.get("/things/a").status, 401);
  HttpTransport empty_bearer(server.url(), with_token(""));
  EXPECT_EQ(empty_bearer.get("/things/a").status, 401);
  EXPECT_EQ(anonymous.get("/health").status, 200);
}

TEST(HttpServer, SetsTheResponseHeadersAndAllow) {
  HttpServer server(test_routes(), test_options());
  RawClient raw(server.port());
  const std::string auth = "Authorization: " + bearer() + "\r\n";
  raw.send(get_request("/things/x", auth));
  auto r = raw.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("content-type"), "application/json");
  EXPECT_EQ(r->header("cache-control"), "no-store");
  EXPECT_EQ(r->header("server"), "organism");
  EXPECT_EQ(r->header("access-control-allow-origin"), "");  // no CORS
  raw.send(get_request("/text", auth));
  r = raw.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->header("content-type"), "text/plain; charset=utf-8");
  EXPECT_EQ(r->body, "hello\n");
  raw.send("DELETE /things/x HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n");
  r = raw.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(r->header("allow"), "GET");
}

TEST(HttpServer, AHandlersExceptionIsA500AndTheServerGoesOn) {
  HttpServer server(test_routes(), test_options());
  HttpTransport client(server.url(), with_token());
  const auto reply = client.get("/boom");
  EXPECT_EQ(reply.status, 500);
  EXPECT_EQ(nlohmann::json::parse(reply.body)["error"], "internal error: boom");
  EXPECT_EQ(client.get("/things/a").status, 200);
}

TEST(HttpServer, ServesHttp10AndPipelinedRequests) {
  HttpServer server(test_routes(), test_options());
  {
    RawClient raw(server.port());
    raw.send(get_request("/health", "", "HTTP/1.0"));
    auto r = raw.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->version, "HTTP/1.0");
    EXPECT_TRUE(raw.closed_within(2000ms));  // 1.0 without keep-alive: closed after the answer
  }
  {
    RawClient raw(server.port());
    raw.send(get_request("/health", "Connection: keep-alive\r\n", "HTTP/1.0"));
    auto r = raw.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    raw.send(get_request("/health", "", "HTTP/1.0"));
    EXPECT_TRUE(raw.read_response());
  }
  RawClient raw(server.port());
  std::string three;
  for (int i = 0; i < 3; ++i) three += get_request(fmt::format("/things/{}", i), "Authorization: " + bearer() + "\r\n");
  raw.send(three);
  for (int i = 0; i < 3; ++i) {
    auto r = raw.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(nlohmann::json::parse(r->body)["id"], std::to_string(i));
  }
}

TEST(HttpServer, StopsFromAnyThreadAndTwice) {
  auto server = std::make_unique<HttpServer>(test_routes(), test_options());
  RawClient idle(server->port());  // an open keep-alive connection does not hold stop() up
  HttpTransport client(server->url(), with_token());
  EXPECT_EQ(client.get("/health").status, 200);
  const auto started = std::chrono::steady_clock::now();
  std::thread([&] { server->stop(); }).join();
  server->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
  EXPECT_TRUE(idle.closed_within(1000ms));
  EXPECT_THROW(client.get("/health"), exchange::client::TransportError);
  server.reset();

  // From a handler (one of the server's own threads): no deadlock; the destructor joins.
  HttpServer* self = nullptr;
  std::vector<Route> routes{{"GET", "/stop", [&self](const Request&) {
                               self->stop();
                               return Response::json("{}");
                             }, true}};
  auto stopping = std::make_unique<HttpServer>(routes, test_options());
  self = stopping.get();
  HttpTransport stopper(stopping->url());
  EXPECT_EQ(stopper.get("/stop").status, 200);
  stopping.reset();
}

TEST(HttpListen, NonLoopbackNeedsTls) {
  auto options = test_options();
  options.listen = "0.0.0.0:0";
  EXPECT_THROW(HttpServer(test_routes(), options), core::UsageError);
  options.listen = "[::]:0";
  EXPECT_THROW(HttpServer(test_routes(), options), core::UsageError);
  options.listen = "127.0.0.1";
  EXPECT_THROW(HttpServer(test_routes(), options), core::UsageError);
  options.listen = "127.0.0.1:99999";
  EXPECT_THROW(HttpServer(test_routes(), options), core::UsageError);
  options.listen = "localhost:0";
  HttpServer by_name(test_routes(), options);
  EXPECT_EQ(by_name.url(), fmt::format("http://localhost:{}", by_name.port()));

  options = test_options();
  options.request_timeout_ms = 0;
  EXPECT_THROW(HttpServer(test_routes(), options), core::UsageError);
  options = test_options();
  options.max_connections = 0;
  EXPECT_THROW(HttpServer(test_routes(), options), core::UsageError);

  options = test_options();
  options.listen = "[::1]:0";
  try {
    HttpServer v6(test_routes(), options);
    EXPECT_EQ(v6.url(), fmt::format("http://[::1]:{}", v6.port()));
    HttpTransport client(v6.url());
    EXPECT_EQ(client.get("/health").status, 200);
  } catch (const core::UsageError&) {
    ADD_FAILURE() << "[::1] is loopback";
  } catch (const core::Error& e) {
    std::cerr << "no IPv6 loopback here: " << e.what() << "\n";
  }

  HttpServer first(test_routes(), test_options());
  options.listen = fmt::format("127.0.0.1:{}", first.port());
  try {
    HttpServer second(test_routes(), options);
    ADD_FAILURE() << "bound a port in use";
  } catch (const core::Error& e) {
    EXPECT_NE(std::string(e.what()).find(options.listen), std::string::npos) << e.what();
  }
}

TEST(HttpTokenFile, CreatesA0600FileOf64HexCharacters) {
  organism::test::TempDir dir;
  const std::string path = (dir / "api-token").string();
  const std::string token = load_token_file(path, true);
  EXPECT_EQ(token.size(), 64u);
  EXPECT_EQ(token.find_first_not_of("0123456789abcdef"), std::string::npos);
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  EXPECT_EQ(organism::test::read_file(path), token + "\n");
  EXPECT_EQ(load_token_file(path, true), token);  // read again, not replaced
  EXPECT_EQ(load_token_file(path, false), token);
  EXPECT_NE(load_token_file((dir / "other").string(), true), token);
}

TEST(HttpTokenFile, RefusesReadableByOthersShortEmptyAndMissing) {
  organism::test::TempDir dir;
  auto expect_error = [](const std::string& path, const std::string& fragment) {
    try {
      load_token_file(path, false);
      ADD_FAILURE() << path << " was accepted";
    } catch (const core::Error& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find(path), std::string::npos) << what;
      EXPECT_NE(what.find(fragment), std::string::npos) << what;
      EXPECT_EQ(what.find("abcdef0123456789abcdef"), std::string::npos) << "the token leaked: " << what;
    }
  };
  const std::string open_file = (dir / "open").string();
  organism::test::write_file(open_file, "abcdef0123456789abcdef\n");
  ::chmod(open_file.c_str(), 0644);
  expect_error(open_file, "0644");
  ::chmod(open_file.c_str(), 0600);
  EXPECT_EQ(load_token_file(open_file, false), "abcdef0123456789abcdef");

  const std::string short_file = (dir / "short").string();
  organism::test::write_file(short_file, "abc\n");
  ::chmod(short_file.c_str(), 0600);
  expect_error(short_file, "shorter than 16");
  const std::string empty_file = (dir / "empty").string();
  organism::test::write_file(empty_file, " \n");
  ::chmod(empty_file.c_str(), 0600);
  expect_error(empty_file, "empty");
  expect_error((dir / "missing").string(), "No such file");
}

TEST(HttpTls, ServesHttpsAndRefusesPlainHttp) {
  const auto& pki = self_signed_cert();
  if (pki.cert.empty()) GTEST_SKIP() << "the openssl binary could not make a certificate";
  auto options = test_options();
  options.tls_cert_file = pki.cert;
  options.tls_key_file = pki.key;
  HttpServer server(test_routes(), options);
  EXPECT_EQ(server.url(), fmt::format("https://127.0.0.1:{}", server.port()));
  auto tls_client = with_token();
  tls_client.ca_file = pki.cert;
  HttpTransport client(server.url(), tls_client);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(client.get("/things/tls").status, 200);
  EXPECT_EQ(client.connections_opened(), 1);
  HttpTransport untrusted(server.url(), with_token());  // the system store does not know the cert
  EXPECT_THROW(untrusted.get("/health"), exchange::client::TransportError);

  RawClient plain(server.port());
  plain.send(get_request("/health"));
  EXPECT_FALSE(plain.read_response(2000ms));
  EXPECT_TRUE(plain.closed_within(2000ms));
  EXPECT_EQ(client.get("/health").status, 200);

  options.listen = "0.0.0.0:0";  // not loopback: allowed with TLS
  HttpServer everywhere(test_routes(), options);
  HttpTransport remote(fmt::format("https://127.0.0.1:{}", everywhere.port()), tls_client);
  EXPECT_EQ(remote.get("/health").status, 200);
}

TEST(HttpTls, RefusesIncompleteOrUnreadableTlsFiles) {
  const auto& pki = self_signed_cert();
  if (pki.cert.empty()) GTEST_SKIP() << "the openssl binary could not make a certificate";
  auto options = test_options();
  options.tls_cert_file = pki.cert;
  EXPECT_THROW(HttpServer(test_routes(), options), core::UsageError);
  options.tls_key_file = "/nonexistent/key.pem";
  try {
    HttpServer server(test_routes(), options);
    ADD_FAILURE() << "an unreadable key was accepted";
  } catch (const core::UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/key.pem"), std::string::npos) << e.what();
  }
  options.tls_key_file = pki.cert;  // a certificate is no key
  EXPECT_THROW(HttpServer(test_routes(), options), core::UsageError);
}

TEST(HttpServer, TwentyConcurrentKeepAliveClientsAllGet200) {
  auto options = test_options();
  options.rate_per_minute = 0;  // 4,000 requests from one IP within seconds
  HttpServer server(test_routes(), options);
  constexpr int kClients = 20, kRequests = 200;
  std::atomic<int> ok{0}, connections{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      HttpTransport client(server.url(), with_token());
      for (int i = 0; i < kRequests; ++i)
        if (client.get(fmt::format("/things/{}-{}", c, i)).status == 200) ++ok;
      connections += static_cast<int>(client.connections_opened());
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(ok.load(), kClients * kRequests);
  EXPECT_EQ(connections.load(), kClients);
}

}  // namespace
}  // namespace organism::monitor::http

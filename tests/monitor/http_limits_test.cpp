// The monitor HTTP server's limits through real sockets: 413 for a large body (read by the
// client, not lost to a reset), 431 for huge headers, a slowloris client dropped after
// request_timeout_ms while others are served, 429 with Retry-After past the rate, 503 past
// max_connections, idle keep-alive connections closed.
#include <gtest/gtest.h>

#include <thread>

#include "exchange/client/http_transport.hpp"
#include "http_test_support.hpp"

namespace organism::monitor::http {
namespace {

using exchange::client::HttpTransport;
using exchange::client::TransportOptions;
using namespace test;

TransportOptions authorized() {
  TransportOptions o;
  o.headers = {{"Authorization", bearer()}};
  return o;
}

TEST(HttpLimits, BodyOverTheLimitIs413ReadByTheClient) {
  auto options = test_options();
  options.max_body_bytes = 1024;
  HttpServer server(test_routes(), options);
  HttpTransport client(server.url(), authorized());
  EXPECT_EQ(client.post_json("/things", std::string(1000, 'a')).status, 201);
  for (const std::size_t size : {std::size_t{1025}, std::size_t{4} << 20}) {
    const auto reply = client.post_json("/things", std::string(size, 'a'));
    EXPECT_EQ(reply.status, 413) << size;
    EXPECT_TRUE(nlohmann::json::parse(reply.body).contains("error"));
  }
  // A chunked body has no length up front: refused as it passes the limit.
  RawClient raw(server.port());
  raw.send("POST /things HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nAuthorization: " + bearer() +
           "\r\n\r\n800\r\n" + std::string(2048, 'b') + "\r\n0\r\n\r\n");
  const auto r = raw.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(client.get("/health").status, 200);
}

TEST(HttpLimits, HugeHeadersAre431) {
  HttpServer server(test_routes(), test_options());
  RawClient raw(server.port());
  raw.send(get_request("/health", "X-Filler: " + std::string(16 << 10, 'x') + "\r\n"));
  const auto r = raw.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 431);
  EXPECT_TRUE(raw.closed_within(3000ms));
  HttpTransport client(server.url());
  EXPECT_EQ(client.get("/health").status, 200);
}

TEST(HttpLimits, SlowlorisIsDroppedWhileOthersAreServed) {
  auto options = test_options();
  options.request_timeout_ms = 1000;
  HttpServer server(test_routes(), options);
  HttpTransport other(server.url(), authorized());
  const auto started = std::chrono::steady_clock::now();
  RawClient slow(server.port());  // the deadline runs from the connection
  const std::string request = get_request("/health", "X-Slow: " + std::string(100, 's') + "\r\n");
  std::size_t sent = 0;
  int answered = 0;
  while (sent < request.size() && std::chrono::steady_clock::now() - started < 5s) {
    if (!slow.send(request.substr(sent, 1))) break;
    ++sent;
    if (other.get("/things/meanwhile").status == 200) ++answered;
    if (!slow.read_some(200ms)) break;  // 200 ms between bytes, and notices the close
  }
  const auto dropped_after = std::chrono::steady_clock::now() - started;
  EXPECT_TRUE(slow.closed_within(500ms));
  EXPECT_GE(dropped_after, 900ms);
  EXPECT_LT(dropped_after, 2500ms);
  EXPECT_LT(sent, request.size());
  EXPECT_FALSE(slow.read_response(10ms));  // dropped, not answered
  EXPECT_GE(answered, 3);
  // The socket closes before the session counts the drop: wait for the count a little.
  for (int i = 0; i < 50 && server.stats().dropped_timeout == 0; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(server.stats().dropped_timeout, 1);
  EXPECT_EQ(other.get("/health").status, 200);
}

TEST(HttpLimits, ASilentTlsClientIsDroppedAfterTheRequestTimeout) {
  const auto& pki = self_signed_cert();
  if (pki.cert.empty()) GTEST_SKIP() << "the openssl binary could not make a certificate";
  auto options = test_options();
  options.request_timeout_ms = 500;
  options.tls_cert_file = pki.cert;
  options.tls_key_file = pki.key;
  HttpServer server(test_routes(), options);
  const auto started = std::chrono::steady_clock::now();
  RawClient silent(server.port());  // connects and never starts the handshake
  EXPECT_TRUE(silent.closed_within(3000ms));
  EXPECT_GE(std::chrono::steady_clock::now() - started, 450ms);
  for (int i = 0; i < 50 && server.stats().dropped_timeout == 0; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(server.stats().dropped_timeout, 1);
}

TEST(HttpLimits, ExpectContinueGetsTheInterimAnswer) {
  HttpServer server(test_routes(), test_options());
  RawClient raw(server.port());
  raw.send("POST /things HTTP/1.1\r\nHost: x\r\nAuthorization: " + bearer() +
           "\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
  const auto interim = raw.read_response();
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->status, 100);
  raw.send("hello");
  const auto final_answer = raw.read_response();
  ASSERT_TRUE(final_answer);
  EXPECT_EQ(final_answer->status, 201);
  EXPECT_EQ(nlohmann::json::parse(final_answer->body)["body"], "hello");
}

TEST(HttpLimits, IdleKeepAliveConnectionsAreClosed) {
  auto options = test_options();
  options.idle_timeout_ms = 300;
  HttpServer server(test_routes(), options);
  RawClient raw(server.port());
  raw.send(get_request("/health"));
  ASSERT_TRUE(raw.read_response());
  EXPECT_FALSE(raw.closed_within(150ms));
  EXPECT_TRUE(raw.closed_within(1500ms));
  EXPECT_EQ(server.stats().dropped_timeout, 0);  // an idle close is no drop
}

TEST(HttpLimits, PastTheRateIs429WithRetryAfter) {
  auto options = test_options();
  options.rate_per_minute = 10;
  HttpServer server(test_routes(), options);
  RawClient raw(server.port());
  for (int i = 0; i < 10; ++i) {
    raw.send(get_request("/health"));
    const auto r = raw.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << i;
  }
  raw.send(get_request("/health"));
  const auto r = raw.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 429);
  const int retry_after = std::atoi(r->header("retry-after").c_str());
  EXPECT_GT(retry_after, 0);
  EXPECT_LE(retry_after, 60);
  EXPECT_TRUE(nlohmann::json::parse(r->body).contains("error"));
  // The limit is per client IP, whatever the connection: a new one is refused too.
  HttpTransport again(server.url());
  EXPECT_EQ(again.get("/health").status, 429);
  EXPECT_EQ(server.stats().rejected_rate, 2);
}

TEST(HttpLimits, PastMaxConnectionsIs503) {
  auto options = test_options();
  options.max_connections = 3;
  HttpServer server(test_routes(), options);
  std::vector<std::unique_ptr<RawClient>> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(std::make_unique<RawClient>(server.port()));
    held.back()->send(get_request("/health"));
    ASSERT_TRUE(held.back()->read_response());  // each holds a slot, kept alive
  }
  RawClient fourth(server.port());
  fourth.send(get_request("/health"));
  const auto r = fourth.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_TRUE(fourth.closed_within(3000ms));
  held.pop_back();  // a slot frees when a connection closes
  bool served = false;
  for (int attempt = 0; attempt < 50 && !served; ++attempt) {
    RawClient next(server.port());
    next.send(get_request("/health"));
    const auto answer = next.read_response();
    served = answer && answer->status == 200;
    if (!served) std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(served);
}

}  // namespace
}  // namespace organism::monitor::http

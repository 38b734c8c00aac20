// A seeded fuzz run against the monitor's HTTP server: thousands of random, garbled, truncated and
// pipelined requests and plain random bytes, some from concurrent clients. Whatever arrives, the
// server answers with HTTP or closes, never crashes, and afterwards serves a normal request.
#include <gtest/gtest.h>

#include <random>
#include <thread>

#include "exchange/client/http_transport.hpp"
#include "http_test_support.hpp"

namespace organism::monitor::http {
namespace {

using namespace test;

class RequestFuzzer {
 public:
  explicit RequestFuzzer(std::uint64_t seed) : rng_(seed) {}

  std::string next() {
    switch (pick(7)) {
      case 0: return random_bytes(pick(2000));
      case 1: return mutate(valid());
      case 2: {
        const std::string v = valid();
        return v.substr(0, pick(v.size() + 1));  // truncated anywhere
      }
      case 3: {
        std::string pipelined;
        for (std::size_t i = 0, n = 2 + pick(5); i < n; ++i) pipelined += pick(4) == 0 ? mutate(valid()) : valid();
        return pipelined;
      }
      case 4: return odd();
      default: return valid();
    }
  }

 private:
  std::size_t pick(std::size_t n) { return n == 0 ? 0 : std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }
  template <class T, std::size_t N>
  const T& one_of(const T (&items)[N]) { return items[pick(N)]; }

  std::string random_bytes(std::size_t n) {
    std::string out(n, '\0');
    for (auto& c : out) c = static_cast<char>(pick(256));
    return out;
  }

  std::string valid() {
    static const char* const kMethods[] = {"GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH"};
    static const char* const kTargets[] = {"/health", "/things/abc", "/things/%41%42?x=1&y=%20", "/things", "/boom",
                                           "/nothing", "/things/%zz", "/text", "/things/a%2Fb?q=%ff%fe", "/"};
    static const char* const kVersions[] = {"HTTP/1.1", "HTTP/1.0"};
    std::string body = pick(3) == 0 ? random_bytes(pick(300)) : std::string{};
    std::string headers = "Host: 127.0.0.1\r\n";
    if (pick(2) == 0) headers += "Authorization: " + bearer() + "\r\n";
    if (pick(5) == 0) headers += "Authorization: Bearer " + random_bytes(pick(40)) + "\r\n";
    if (pick(6) == 0) headers += "Connection: close\r\n";
    if (pick(6) == 0) headers += "Expect: 100-continue\r\n";
    if (!body.empty() || pick(4) == 0) headers += fmt::format("Content-Length: {}\r\n", body.size());
    return fmt::format("{} {} {}\r\n{}\r\n{}", one_of(kMethods), one_of(kTargets), one_of(kVersions), headers, body);
  }

  std::string mutate(std::string s) {
    for (std::size_t i = 0, n = 1 + pick(8); i < n && !s.empty(); ++i) {
      const std::size_t at = pick(s.size());
      switch (pick(3)) {
        case 0: s[at] = static_cast<char>(pick(256)); break;
        case 1: s.erase(at, 1 + pick(10)); break;
        default: s.insert(at, random_bytes(1 + pick(10))); break;
      }
    }
    return s;
  }

  std::string odd() {
    static const char* const kOdd[] = {
        "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
        "GET /health\r\n\r\n",
        "GET /health HTTP/9.9\r\nHost: x\r\n\r\n",
        "GET /health HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
        "GET /health HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n",
        "GET /health HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
        "POST /things HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
        "POST /things HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n",
        "GET /things/\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET http://evil/things/x HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /health HTTP/1.1\r\nHost x\r\n\r\n",
        "\r\n\r\n\r\n",
        "GET /health HTTP/1.1\r\n: empty-name\r\n\r\n",
        "GET /health HTTP/1.1\nHost: x\n\n",
    };
    return one_of(kOdd);
  }

  std::mt19937_64 rng_;
};

// Sends one case, half-closes and reads whatever comes back until the server closes.
void play(std::uint16_t port, const std::string& bytes, std::mt19937_64& rng) {
  RawClient client(port);
  // Sent in one piece or trickled in a few, so the parser meets every split.
  std::size_t at = 0;
  while (at < bytes.size()) {
    const std::size_t n = std::min(bytes.size() - at, 1 + std::uniform_int_distribution<std::size_t>(0, bytes.size())(rng));
    if (!client.send(std::string_view(bytes).substr(at, n))) break;
    at += n;
  }
  client.finish_sending();
  client.closed_within(2000ms);
}

TEST(HttpFuzz, GarbageNeverStopsTheServer) {
  auto options = test_options();
  options.rate_per_minute = 0;
  options.request_timeout_ms = 1000;
  options.max_body_bytes = 512;
  HttpServer server(test_routes(), options);
  constexpr int kThreads = 4, kCasesPerThread = 750;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      RequestFuzzer fuzzer(20260 + static_cast<std::uint64_t>(t));
      std::mt19937_64 rng(77 + static_cast<std::uint64_t>(t));
      for (int i = 0; i < kCasesPerThread; ++i) play(server.port(), fuzzer.next(), rng);
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_GT(server.stats().requests, 1000);

  exchange::client::TransportOptions authorized;
  authorized.headers = {{"Authorization", bearer()}};
  exchange::client::HttpTransport client(server.url(), authorized);
  const auto reply = client.get("/things/after-the-storm");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(nlohmann::json::parse(reply.body)["id"], "after-the-storm");
  RawClient raw(server.port());
  raw.send(get_request("/health"));
  const auto r = raw.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

}  // namespace
}  // namespace organism::monitor::http

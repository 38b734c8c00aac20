// Fuzzing `organism exchange-sim` for a bounded time (SIM_FUZZ_SECONDS, default 20): random and
// mutated bodies to /info, /exchange and /control, garbage HTTP, and mutated WebSocket frames.
// Afterwards the process is alive, answers meta and a signed order correctly, and it never
// answered 5xx (no fault mode is on). Named Fuzz* so `ctest -R Fuzz` runs it alone.
#include <gtest/gtest.h>

#include <cstdlib>
#include <thread>

#include "core/json_input.hpp"
#include "core/random.hpp"
#include "exchange/hyperliquid/decimal.hpp"
#include "sim_server_client.hpp"
#include "sim_server_process.hpp"

namespace organism::test {
namespace {

using Json = nlohmann::ordered_json;

double fuzz_seconds() {
  const char* env = std::getenv("SIM_FUZZ_SECONDS");
  return env ? std::max(1.0, std::atof(env)) : 20.0;
}

// Valid requests to start mutations from.
std::vector<std::string> seed_bodies(TestSigner& signer) {
  return {
      R"({"type":"meta"})",
      R"({"type":"l2Book","coin":"BTC","nSigFigs":5,"mantissa":null})",
      R"({"type":"candleSnapshot","req":{"coin":"ETH","interval":"1m","startTime":1704067200000,"endTime":1804067200000}})",
      R"({"type":"clearinghouseState","user":"0x14791697260E4c9A71f18484C9f997B308e59325"})",
      R"({"type":"orderStatus","user":"0x14791697260e4c9a71f18484c9f997b308e59325","oid":"0x00000000000000000000000000000001"})",
      R"({"type":"fundingHistory","coin":"BTC","startTime":0})",
      R"({"type":"advance","steps":1})",
      R"({"type":"fault","fault":"staleBook","seconds":1})",
      signer.envelope(order_action(0, true, "41000", "0.001", "Gtc", "0x00000000000000000000000000000007")),
      signer.envelope(Json{{"type", "cancel"}, {"cancels", Json::array({Json{{"a", 0}, {"o", 1}}})}}),
      signer.envelope(Json{{"type", "updateLeverage"}, {"asset", 1}, {"isCross", false}, {"leverage", 5}}),
      R"({"method":"subscribe","subscription":{"type":"l2Book","coin":"BTC","nSigFigs":null}})",
      R"({"method":"subscribe","subscription":{"type":"userFills","user":"0x14791697260e4c9a71f18484c9f997b308e59325"}})",
      R"({"method":"post","id":1,"request":{"type":"info","payload":{"type":"allMids"}}})",
  };
}

std::string mutate(const std::string& base, core::Rng& rng) {
  std::string s = base;
  switch (rng.below(9)) {
    case 0:  // byte flips
      for (int k = 0, n = 1 + static_cast<int>(rng.below(8)); k < n && !s.empty(); ++k)
        s[rng.below(s.size())] = static_cast<char>(rng.below(256));
      return s;
    case 1:  // truncation
      return s.substr(0, rng.below(s.size() + 1));
    case 2:  // deep nesting
      return std::string(1 + rng.below(5000), '[') + s + std::string(rng.below(3) ? 0 : 5000, ']');
    case 3: {  // huge and odd numbers in place of the first number
      static const char* numbers[] = {"1e309", "-0", "18446744073709551616", "NaN", "Infinity", "1e-400",
                                      "99999999999999999999999999999", "-1", "0.0000000000000000001"};
      const auto digit = s.find_first_of("0123456789");
      if (digit == std::string::npos) return s + numbers[rng.below(9)];
      return s.substr(0, digit) + numbers[rng.below(9)] + s.substr(digit + 1);
    }
    case 4: {  // wrong types: a string value replaced by a number, an object, null, an array
      static const char* values[] = {"7", "{}", "null", "[]", "true", "\"\"", "\"NaN\"", "\"-Infinity\""};
      const auto quote = s.find(":\"");
      if (quote == std::string::npos) return s;
      const auto end = s.find('"', quote + 2);
      if (end == std::string::npos) return s;
      return s.substr(0, quote + 1) + values[rng.below(8)] + s.substr(end + 1);
    }
    case 5: {  // random UTF-8 (and not)
      std::string r;
      for (int k = 0, n = static_cast<int>(rng.below(200)); k < n; ++k) r += static_cast<char>(0x80 + rng.below(0x80));
      return rng.below(2) ? r : s.insert(rng.below(s.size() + 1), r);
    }
    case 6:  // random JSON-ish tokens
      return R"({"type":)" + std::string(rng.below(2) ? "\"" : "") + std::to_string(rng.next_u64()) + "}";
    case 7:  // duplicated keys and long strings
      return R"({"type":"l2Book","type":"meta","coin":")" + std::string(rng.below(100000), 'B') + "\"}";
    default:  // empty or whitespace
      return std::string(rng.below(4), ' ');
  }
}

TEST(FuzzSimServer, RandomAndMutatedInputsNeverCrashOrFailTheServer) {
  if (!shared_dir()) GTEST_SKIP() << "../shared is absent";
  SimProcess sim({"--speed", "0", "--rest-weight-per-minute", "100000000"});
  ASSERT_TRUE(sim.started());
  TestSigner signer(0);
  const auto seeds = seed_bodies(signer);
  core::Rng rng(20261204);
  const char* targets[] = {"/info", "/exchange", "/control"};
  HttpClient http(sim.port());
  auto ws = std::make_unique<WsClient>(sim.port());
  std::size_t requests = 0, five_xx = 0, ws_frames = 0;
  std::string first_5xx;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(fuzz_seconds());
  while (std::chrono::steady_clock::now() < deadline) {
    const std::string body = mutate(seeds[rng.below(seeds.size())], rng);
    const auto kind = rng.below(10);
    if (kind < 7) {
      const auto r = http.post(targets[rng.below(3)], body);
      ++requests;
      ASSERT_FALSE(r.connection_failed) << "no answer to: " << body.substr(0, 200);
      if (r.status >= 500 && ++five_xx == 1) first_5xx = std::to_string(r.status) + " " + r.body + " for " + body.substr(0, 200);
    } else if (kind < 9) {
      if (!ws->ok() || ws->wait_closed(std::chrono::milliseconds(0))) ws = std::make_unique<WsClient>(sim.port());
      ws->send(body);
      ++ws_frames;
      while (ws->next(std::chrono::milliseconds(0))) {
      }
    } else {
      // Garbage and truncated HTTP on a fresh connection.
      const std::string head = "POST /info HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(rng.below(100)) + "\r\n";
      raw_request(sim.port(), rng.below(2) ? head + "\r\n" + body : mutate(head, rng), std::chrono::milliseconds(50));
    }
    ASSERT_TRUE(sim.alive()) << "died after: " << body.substr(0, 200) << "\n" << sim.err();
  }
  EXPECT_EQ(five_xx, 0u) << first_5xx;
  EXPECT_GT(requests, 100u);
  ws.reset();

  // Still correct afterwards.
  HttpClient fresh(sim.port());
  const auto meta = fresh.post("/info", R"({"type":"meta"})");
  ASSERT_EQ(meta.status, 200);
  EXPECT_EQ(core::parse_ordered_json(meta.body, "meta").at("universe").at(0).at("name"), "BTC");
  const double mid = std::stod(core::parse_ordered_json(fresh.post("/info", R"({"type":"allMids"})").body, "mids")
                                   .at("BTC").get<std::string>());
  TestSigner other(1);
  const auto order = fresh.post("/exchange", other.envelope(order_action(
      0, true, exchange::hl::float_to_wire(exchange::hl::slippage_price(mid, true, 0.05, 5)), "0.01", "Ioc")));
  EXPECT_NE(order.body.find(R"("filled":{"totalSz":"0.01")"), std::string::npos) << order.body;
  std::cerr << "fuzz: " << requests << " HTTP requests, " << ws_frames << " WS frames\n";
  EXPECT_EQ(sim.stop(SIGTERM), 0);
}

}  // namespace
}  // namespace organism::test

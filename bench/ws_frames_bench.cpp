// WebSocket frame parsing on one core (simdjson on demand into reused typed values): a trades
// frame of two prints with real-length addresses and hashes, and a full 20 x 2 level l2Book
// snapshot; and the user feeds the order manager reads: a userFills frame of 10 fills and an
// orderUpdates frame of 10 updates. Frames/s = items_per_second; bytes/s the JSON throughput.
#include <benchmark/benchmark.h>

#include <string>

#include <fmt/format.h>

#include "exchange/client/ws_frames.hpp"

namespace {

using namespace organism::exchange::client;

std::string trades_frame() {
  const std::string user_a = "0x" + std::string(40, 'a');
  const std::string user_b = "0x" + std::string(40, 'b');
  const std::string hash = "0x" + std::string(64, 'c');
  std::string out = R"({"channel":"trades","data":[)";
  for (int i = 0; i < 2; ++i) {
    if (i > 0) out += ",";
    out += fmt::format(R"({{"coin":"BTC","side":"{}","px":"9729{}.5","sz":"0.0{}21","hash":"{}","time":17138258915{}1,)"
                       R"("tid":8294{}8835212,"users":["{}","{}"]}})",
                       i == 0 ? "B" : "A", i, i + 1, hash, i, i, user_a, user_b);
  }
  return out + "]}";
}

std::string book_frame() {
  std::string out = R"({"channel":"l2Book","data":{"coin":"BTC","time":1713825891591,"levels":[)";
  for (int side = 0; side < 2; ++side) {
    out += side == 0 ? "[" : ",[";
    for (int i = 0; i < 20; ++i) {
      if (i > 0) out += ",";
      const int px = side == 0 ? 97290 - i : 97291 + i;
      out += fmt::format(R"({{"px":"{}.0","sz":"{}.{}","n":{}}})", px, i + 1, 137 * (i + 3), i % 7 + 1);
    }
    out += "]";
  }
  return out + "]}}";
}

std::string user_fills_frame() {
  const std::string hash = "0x" + std::string(64, 'c');
  std::string out = R"({"channel":"userFills","data":{"user":"0x)" + std::string(40, 'a') + R"(","fills":[)";
  for (int i = 0; i < 10; ++i) {
    if (i > 0) out += ",";
    out += fmt::format(R"({{"coin":"BTC","px":"9729{}.5","sz":"0.0{}1","side":"B","time":171382589159{},)"
                       R"("startPosition":"0.0{}","dir":"Open Long","closedPnl":"0.0","hash":"{}","oid":9149094{},)"
                       R"("crossed":true,"fee":"0.29187{}","tid":11890651203771{},"feeToken":"USDC",)"
                       R"("cloid":"0x0000000000000000000000000000000{}"}})",
                       i, i + 1, i, i, hash, i, i, i, i);
  }
  return out + "]}}";
}

std::string order_updates_frame() {
  std::string out = R"({"channel":"orderUpdates","data":[)";
  for (int i = 0; i < 10; ++i) {
    if (i > 0) out += ",";
    out += fmt::format(R"({{"order":{{"coin":"ETH","side":"A","limitPx":"2412.{}","sz":"0.0{}76","oid":9149094{},)"
                       R"("timestamp":172436154664{},"origSz":"0.0{}76","cloid":"0x0000000000000000000000000000000{}"}},)"
                       R"("status":"open","statusTimestamp":172436154664{}}})",
                       i, i, i, i, i, i, i);
  }
  return out + "]}";
}

void run(benchmark::State& state, const std::string& text, FrameKind expected) {
  FrameParser parser;
  WsFrame frame;
  for (auto _ : state) {
    const auto error = parser.parse(text, frame);
    if (error || frame.kind != expected) {
      state.SkipWithError("frame did not parse");
      break;
    }
    benchmark::DoNotOptimize(frame.kind);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(text.size()));
}

void BM_ws_parse_trades(benchmark::State& state) { run(state, trades_frame(), FrameKind::trades); }
BENCHMARK(BM_ws_parse_trades);

void BM_ws_parse_l2book(benchmark::State& state) { run(state, book_frame(), FrameKind::l2_book); }
BENCHMARK(BM_ws_parse_l2book);

void BM_ws_parse_user_fills_10(benchmark::State& state) { run(state, user_fills_frame(), FrameKind::user_fills); }
BENCHMARK(BM_ws_parse_user_fills_10);

void BM_ws_parse_order_updates_10(benchmark::State& state) {
  run(state, order_updates_frame(), FrameKind::order_updates);
}
BENCHMARK(BM_ws_parse_order_updates_10);

}  // namespace

// The WebSocket frame parser: every channel the client reads, exact decimals, and every kind of
// bad frame (greeting, truncated, corrupted as the simulator's malformed_ws fault does it, wrong
// types, huge, an impossible candle) as an error value naming the problem.
#include "exchange/client/ws_frames.hpp"

#include <gtest/gtest.h>

#include "core/random.hpp"

namespace organism::exchange::client {
namespace {

constexpr const char* kTrades =
    R"({"channel":"trades","data":[{"coin":"BTC","side":"B","px":"42000.5","sz":"0.0123","time":1704067200123,)"
    R"("hash":"0xabc","tid":281474976710655,"users":["0x1111","0x2222"]},)"
    R"({"coin":"BTC","side":"A","px":"41999","sz":"2","time":1704067200124,"hash":"0xdef","tid":7,"users":["0x3","0x4"]}]})";

constexpr const char* kBook =
    R"({"channel":"l2Book","data":{"coin":"ETH","time":1704067260000,"levels":[)"
    R"([{"px":"2300.1","sz":"1.5","n":3},{"px":"2300","sz":"0.25","n":1}],[{"px":"2300.2","sz":"4","n":2}]]}})";

constexpr const char* kCandle =
    R"({"channel":"candle","data":{"t":1704067200000,"T":1704067259999,"s":"BTC","i":"1m","o":"42000",)"
    R"("c":"42010.5","h":"42020","l":"41990.25","v":"12.5","n":17}})";

TEST(WsFrames, TradesParseExactly) {
  FrameParser parser;
  WsFrame frame;
  ASSERT_FALSE(parser.parse(kTrades, frame));
  EXPECT_EQ(frame.kind, FrameKind::trades);
  ASSERT_EQ(frame.trades.size(), 2u);
  EXPECT_EQ(frame.trades[0].coin, "BTC");
  EXPECT_TRUE(frame.trades[0].buy);
  EXPECT_EQ(frame.trades[0].px, 4'200'050'000'000);
  EXPECT_EQ(frame.trades[0].sz, 1'230'000);
  EXPECT_EQ(frame.trades[0].time, 1704067200123);
  EXPECT_EQ(frame.trades[0].tid, 281474976710655u);
  EXPECT_EQ(frame.trades[0].hash, "0xabc");
  EXPECT_EQ(frame.trades[0].users[1], "0x2222");
  EXPECT_FALSE(frame.trades[1].buy);
  EXPECT_EQ(frame.trades[1].sz, 200'000'000);
  // A shorter frame after a longer one leaves no stale trade behind.
  ASSERT_FALSE(parser.parse(R"({"channel":"trades","data":[]})", frame));
  EXPECT_TRUE(frame.trades.empty());
}

TEST(WsFrames, BookParsesBothSides) {
  FrameParser parser;
  WsFrame frame;
  ASSERT_FALSE(parser.parse(kBook, frame));
  EXPECT_EQ(frame.kind, FrameKind::l2_book);
  EXPECT_EQ(frame.book.coin, "ETH");
  EXPECT_EQ(frame.book.time, 1704067260000);
  ASSERT_EQ(frame.book.bids.size(), 2u);
  ASSERT_EQ(frame.book.asks.size(), 1u);
  EXPECT_EQ(frame.book.bids[0].px, 230'010'000'000);
  EXPECT_EQ(frame.book.bids[0].sz, 150'000'000);
  EXPECT_EQ(frame.book.bids[0].n, 3);
  EXPECT_EQ(frame.book.asks[0].px, 230'020'000'000);
}

TEST(WsFrames, CandleAsObjectOrArrayWithStringOrNumberPrices) {
  FrameParser parser;
  WsFrame frame;
  ASSERT_FALSE(parser.parse(kCandle, frame));
  EXPECT_EQ(frame.kind, FrameKind::candle);
  ASSERT_EQ(frame.candles.size(), 1u);
  const auto& c = frame.candles[0];
  EXPECT_EQ(c.open_time, 1704067200000);
  EXPECT_EQ(c.close_time, 1704067259999);
  EXPECT_EQ(c.coin, "BTC");
  EXPECT_EQ(c.interval, "1m");
  EXPECT_EQ(c.open, 4'200'000'000'000);
  EXPECT_EQ(c.close, 4'201'050'000'000);
  EXPECT_EQ(c.high, 4'202'000'000'000);
  EXPECT_EQ(c.low, 4'199'025'000'000);
  EXPECT_EQ(c.volume, 1'250'000'000);
  EXPECT_EQ(c.trades, 17);
  const char* array_form =
      R"({"channel":"candle","data":[{"t":1,"T":2,"s":"ETH","i":"1h","o":10,"c":11.5,"h":12,"l":9,"v":0,"n":0},)"
      R"({"t":3,"T":4,"s":"ETH","i":"1h","o":"11","c":"11","h":"11","l":"11","v":"1"}]})";
  ASSERT_FALSE(parser.parse(array_form, frame));
  ASSERT_EQ(frame.candles.size(), 2u);
  EXPECT_EQ(frame.candles[0].close, 1'150'000'000);
  EXPECT_EQ(frame.candles[1].open_time, 3);
}

TEST(WsFrames, AcksPongPostAndErrors) {
  FrameParser parser;
  WsFrame frame;
  ASSERT_FALSE(parser.parse(
      R"({"channel":"subscriptionResponse","data":{"method":"subscribe","subscription":{"type":"l2Book","coin":"BTC","nSigFigs":null}}})",
      frame));
  EXPECT_EQ(frame.kind, FrameKind::subscription_response);
  EXPECT_EQ(frame.ack.method, "subscribe");
  EXPECT_EQ(frame.ack.key, "l2Book|BTC||");
  EXPECT_EQ(subscription_key("userFills", "", "", "0xAbC"), "userFills|||0xabc");
  ASSERT_FALSE(parser.parse(R"({"channel":"pong"})", frame));
  EXPECT_EQ(frame.kind, FrameKind::pong);
  ASSERT_FALSE(parser.parse(
      R"({"channel":"post","data":{"id":256,"response":{"type":"info","payload":{"type":"l2Book","data":{"coin":"ETH"}}}}})",
      frame));
  EXPECT_EQ(frame.kind, FrameKind::post);
  EXPECT_EQ(frame.post.id, 256u);
  EXPECT_EQ(frame.post.type, "info");
  EXPECT_EQ(frame.post.payload, R"({"type":"l2Book","data":{"coin":"ETH"}})");
  ASSERT_FALSE(parser.parse(R"({"channel":"error","data":"Invalid subscription"})", frame));
  EXPECT_EQ(frame.kind, FrameKind::error);
  EXPECT_EQ(frame.error, "Invalid subscription");
  ASSERT_FALSE(parser.parse(R"({"channel":"allMids","data":{"mids":{"BTC":"1"}}})", frame));
  EXPECT_EQ(frame.kind, FrameKind::other);
  EXPECT_EQ(frame.channel, "allMids");
}

std::string error_of(FrameParser& parser, std::string_view text) {
  WsFrame frame;
  const auto error = parser.parse(text, frame);
  EXPECT_EQ(frame.kind, FrameKind::other) << text;
  return error ? error->what : "<parsed>";
}

TEST(WsFrames, BadFramesAreErrorsThatSayWhy) {
  FrameParser parser(4096);
  EXPECT_EQ(error_of(parser, "Websocket connection established."), "not a JSON message: 'Websocket connection established.'");
  const std::string trades = kTrades;
  EXPECT_NE(error_of(parser, trades.substr(0, trades.size() / 2)), "<parsed>");
  EXPECT_NE(error_of(parser, std::string(kBook).substr(0, 60)), "<parsed>");
  EXPECT_NE(error_of(parser, R"({"channel":"pong")"), "<parsed>");
  // Wrong types: a numeric time given as text, a price that is not an exact decimal, a bool side.
  EXPECT_NE(error_of(parser, R"({"channel":"trades","data":[{"coin":"BTC","time":"17"}]})").find("trades frame"),
            std::string::npos);
  EXPECT_EQ(error_of(parser, R"({"channel":"trades","data":[{"coin":"BTC","px":"1e5","sz":"1"}]})"),
            "trades frame: field 'px' is not an exact decimal: '1e5'");
  EXPECT_EQ(error_of(parser, R"({"channel":"trades","data":[{"px":true}]})"), "trades frame: field 'px' is not a decimal");
  EXPECT_EQ(error_of(parser, R"({"channel":"trades","data":{"coin":"BTC"}})").substr(0, 13), "trades frame:");
  EXPECT_EQ(error_of(parser, "{\"channel\":\"l2Book\",\"data\":{\"coin\":\"BTC\",\"levels\":[[]]}}"),
            "l2Book frame: l2Book levels has fewer than two sides");
  // The exchange reporting a bar whose high is below its low.
  EXPECT_EQ(error_of(parser, R"({"channel":"candle","data":{"t":0,"T":59999,"s":"BTC","i":"1m","o":"10","c":"10","h":"9","l":"11","v":"1"}})"),
            "candle frame: candle BTC 1m at 0: high 9 / low 11 do not bound open 10 and close 10");
  EXPECT_EQ(error_of(parser, R"({"channel":"candle","data":{"t":0,"s":"BTC"}})"),
            "candle frame: candle lacks one of t, T, s, i, o, c, h, l, v");
  EXPECT_EQ(error_of(parser, std::string(5000, '{')), "frame of 5000 bytes is over the 4096 byte limit");
  EXPECT_EQ(error_of(parser, R"({"data":1})"), "message has data before its channel");
  // The parser is still good afterwards.
  WsFrame frame;
  EXPECT_FALSE(parser.parse(kCandle, frame));
  EXPECT_EQ(frame.kind, FrameKind::candle);
}

TEST(WsFrames, TheSimulatorsCorruptionsAreAlwaysErrors) {
  // malformed_ws (sim_server/faults.cpp): half truncated, half "{" + text with one byte set to 0x01.
  FrameParser parser;
  core::Rng rng(11);
  int errors = 0;
  for (const std::string& text : {std::string(kTrades), std::string(kBook), std::string(kCandle)}) {
    for (int i = 0; i < 300; ++i) {
      std::string bad;
      if (i % 2 == 0) {
        bad = text.substr(0, 1 + rng.below(text.size() - 1));
      } else {
        bad = "{" + text;
        bad[2 + rng.below(text.size() - 1)] = '\x01';
      }
      WsFrame frame;
      errors += parser.parse(bad, frame).has_value() ? 1 : 0;
    }
  }
  EXPECT_EQ(errors, 900);
}


constexpr const char* kUserFills =
    R"({"channel":"userFills","data":{"isSnapshot":true,"user":"0xabc","fills":[{"coin":"BTC","px":"42000.5",)"
    R"("sz":"0.01","side":"B","time":1704067260000,"startPosition":"0","dir":"Open Long","closedPnl":"0",)"
    R"("hash":"0x01","oid":7,"crossed":true,"fee":"0.18900225","tid":99,"feeToken":"USDC",)"
    R"("cloid":"0x0000000000000000000000000000ABCD"}]}})";

constexpr const char* kOrderUpdates =
    R"({"channel":"orderUpdates","data":[{"order":{"coin":"ETH","side":"A","limitPx":"2300.5","sz":"0.5","oid":12,)"
    R"("timestamp":1704067200001,"origSz":"1"},"status":"open","statusTimestamp":1704067200002},)"
    R"({"order":{"coin":"ETH","side":"B","limitPx":"2200","sz":"0","oid":13,"timestamp":1704067200003},)"
    R"("status":"canceled","statusTimestamp":1704067200004}]})";

TEST(WsFrames, UserFillsParseExactly) {
  FrameParser parser;
  WsFrame frame;
  ASSERT_FALSE(parser.parse(kUserFills, frame));
  ASSERT_EQ(frame.kind, FrameKind::user_fills);
  EXPECT_TRUE(frame.user_fills.is_snapshot);
  EXPECT_EQ(frame.user_fills.user, "0xabc");
  ASSERT_EQ(frame.user_fills.fills.size(), 1u);
  const Fill& f = frame.user_fills.fills[0];
  EXPECT_EQ(f.coin, "BTC");
  EXPECT_EQ(f.px, 4'200'050'000'000);
  EXPECT_EQ(f.sz, 1'000'000);
  EXPECT_TRUE(f.buy);
  EXPECT_EQ(f.fee, 18'900'225);
  EXPECT_EQ(f.oid, 7u);
  EXPECT_EQ(f.tid, 99u);
  EXPECT_TRUE(f.crossed);
  EXPECT_EQ(f.dir, "Open Long");
  EXPECT_EQ(f.cloid, "0x0000000000000000000000000000abcd");  // lower-cased like the wire parser
  // An incremental message (no isSnapshot) reuses the frame.
  std::string incremental = kUserFills;
  incremental.replace(incremental.find(R"("isSnapshot":true,)"), 18, "");
  ASSERT_FALSE(parser.parse(incremental, frame));
  EXPECT_FALSE(frame.user_fills.is_snapshot);
  EXPECT_EQ(frame.user_fills.fills.size(), 1u);
}

TEST(WsFrames, OrderUpdatesParseWithStatus) {
  FrameParser parser;
  WsFrame frame;
  ASSERT_FALSE(parser.parse(kOrderUpdates, frame));
  ASSERT_EQ(frame.kind, FrameKind::order_updates);
  ASSERT_EQ(frame.order_updates.size(), 2u);
  EXPECT_EQ(frame.order_updates[0].order.coin, "ETH");
  EXPECT_FALSE(frame.order_updates[0].order.buy);
  EXPECT_EQ(frame.order_updates[0].order.limit_px, 230'050'000'000);
  EXPECT_EQ(frame.order_updates[0].order.sz, 50'000'000);
  EXPECT_EQ(frame.order_updates[0].order.orig_sz, 100'000'000);
  EXPECT_EQ(frame.order_updates[0].status, "open");
  EXPECT_EQ(frame.order_updates[0].status_timestamp, 1704067200002);
  EXPECT_EQ(frame.order_updates[1].order.oid, 13u);
  EXPECT_EQ(frame.order_updates[1].order.orig_sz, 0);  // absent: the remaining size
  EXPECT_EQ(frame.order_updates[1].status, "canceled");
}

TEST(WsFrames, UserFundingsAndUserEventsParse) {
  FrameParser parser;
  WsFrame frame;
  ASSERT_FALSE(parser.parse(R"({"channel":"userFundings","data":{"user":"0xabc","fundings":[{"time":1704070800000,)"
                            R"("coin":"BTC","usdc":"-0.0525","szi":"0.01","fundingRate":"0.0000125"}]}})",
                            frame));
  ASSERT_EQ(frame.kind, FrameKind::user_fundings);
  ASSERT_EQ(frame.user_fundings.fundings.size(), 1u);
  EXPECT_EQ(frame.user_fundings.fundings[0].usdc, -5'250'000);
  EXPECT_EQ(frame.user_fundings.fundings[0].funding_rate, 1'250);
  ASSERT_FALSE(parser.parse(R"({"channel":"user","data":{"nonUserCancel":[{"coin":"ETH","oid":5}]}})", frame));
  ASSERT_EQ(frame.kind, FrameKind::user_events);
  ASSERT_EQ(frame.user_events.non_user_cancels.size(), 1u);
  EXPECT_EQ(frame.user_events.non_user_cancels[0].oid, 5u);
  EXPECT_TRUE(frame.user_events.fills.empty());
  ASSERT_FALSE(parser.parse(R"({"channel":"user","data":{"funding":{"time":1,"coin":"BTC","usdc":"1","szi":"-2",)"
                            R"("fundingRate":"0.0001"}}})",
                            frame));
  ASSERT_TRUE(frame.user_events.funding);
  EXPECT_EQ(frame.user_events.funding->szi, -200'000'000);
  EXPECT_TRUE(frame.user_events.non_user_cancels.empty());
}

TEST(WsFrames, BadUserFramesAreNamedErrors) {
  FrameParser parser;
  auto error = [&](std::string text) {
    WsFrame frame;
    const auto e = parser.parse(text, frame);
    EXPECT_EQ(frame.kind, FrameKind::other);
    return e ? e->what : std::string("parsed");
  };
  std::string text = kUserFills;
  EXPECT_EQ(error(std::string(text).replace(text.find(R"("fee":"0.18900225")"), 18, R"("fee":"0.189002251")")),
            "userFills frame: field 'fee' is not an exact decimal: '0.189002251'");
  EXPECT_EQ(error(std::string(text).replace(text.find(R"("oid":7)"), 7, R"("oid":"7")")).substr(0, 16),
            "userFills frame:");  // simdjson's wrong-type text follows
  EXPECT_EQ(error(std::string(text).replace(text.find(R"("tid":99,)"), 9, "")),
            "userFills frame: fill lacks one of coin, px, sz, side, time, startPosition, dir, closedPnl, hash, oid, "
            "crossed, fee, tid");
  EXPECT_EQ(error(std::string(text).replace(text.find(R"("side":"B")"), 10, R"("side":"X")")),
            "userFills frame: side 'X' is neither B nor A");
  EXPECT_EQ(error(std::string(text).replace(text.find(R"("px":"42000.5")"), 14, R"("px":"-1")")),
            "userFills frame: fill 99 of BTC: non-positive px or sz");
  text = kOrderUpdates;
  EXPECT_EQ(error(std::string(text).replace(text.find(R"("status":"open",)"), 16, "")),
            "orderUpdates frame: order update lacks one of order, status, statusTimestamp");
  EXPECT_NE(error(text.substr(0, text.size() / 2)), "parsed");
  EXPECT_EQ(error(R"({"channel":"user","data":{"other":1}})"),
            "user frame: user event with none of fills, funding, liquidation, nonUserCancel");
}

}  // namespace
}  // namespace organism::exchange::client

// MarketDataSource in process over real loopback sockets: against `organism exchange-sim` (the
// binary, market moved by POST /control) it backfills what the store lacks, emits each bar once
// after it closed, and a restarted source resumes with no gap or duplicate; against a scripted
// server, a REST candle with high < low is named in the log, never stored, and retried.
#include <utility>  // before Asio: g++ 12 coroutines (DEPENDENCIES.md)

#include <gtest/gtest.h>

#include <chrono>
#include <deque>
#include <functional>
#include <mutex>
#include <sstream>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <fmt/format.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "data/store.hpp"
#include "exchange/client/market_data_source.hpp"
#include "exchange/sim_server/server.hpp"
#include "io_wait.hpp"
#include "queued_info_server.hpp"
#include "sim_server_client.hpp"
#include "sim_server_process.hpp"

namespace organism::exchange::client {
namespace {

using test::run_until;

using namespace std::chrono_literals;

const core::Interval kMinute = core::Interval::parse_or_throw("1m");
const core::Interval kHour = core::Interval::parse_or_throw("1h");
constexpr TimeMs kSimNow = test::kSimFirstBar + 500 * 60'000;  // the simulator's default --from

std::shared_ptr<InfoClient> info_for(const std::string& url) {
  SessionOptions options;
  options.retry.base_ms = 10;
  return std::make_shared<InfoClient>(std::make_shared<RestSession>(url, WeightBudget::make(1'000'000), options));
}

void advance_market(std::uint16_t port, TimeMs to) {
  test::HttpClient control(port);
  const auto r = control.post("/control", fmt::format(R"({{"type":"advanceTo","time":{}}})", to));
  ASSERT_EQ(r.status, 200) << r.body;
}

// One source's run: start it, let `steps` happen, stop it; the bars it handed on.
struct SourceRun {
  boost::asio::io_context ioc;
  WsClient ws;
  std::vector<LiveBar> bars;
  MarketDataSource source;
  SourceRun(std::uint16_t port, data::Store& store)
      : ws(ioc, {.url = fmt::format("ws://127.0.0.1:{}/ws", port), .backoff_initial = 50ms}),
        source(ioc, &ws, info_for(fmt::format("http://127.0.0.1:{}", port)), store,
               {.coins = {"BTC", "ETH"}, .interval = kMinute}, [this](const LiveBar& b) { bars.push_back(b); }) {
    source.start();
    ws.start();
  }
  ~SourceRun() {
    source.stop();
    ws.stop();
  }
  bool reached(TimeMs last_open) {
    return run_until(ioc, [&] {
      const auto btc = source.last_emitted("BTC"), eth = source.last_emitted("ETH");
      return btc && eth && *btc >= last_open && *eth >= last_open;
    });
  }
};

TEST(ClientStreamSource, BackfillsTheStoreThenEmitsClosedBarsAndResumesAfterARestart) {
  test::SimProcess sim({"--speed", "0"});
  ASSERT_TRUE(sim.started());
  test::TempDir dir;
  auto store = data::Store::open((dir / "live.db").string());
  auto source_store = data::Store::open_existing(test::sim_test_store());
  // The store holds the first 6 hours; the market stands at 08:20 (bar 08:20 forming).
  for (const char* coin : {"BTC", "ETH"}) {
    const data::SeriesKey key{"hyperliquid", coin, kMinute};
    const auto first = source_store.load_candles(key, test::kSimFirstBar, test::kSimFirstBar + 6 * core::kHourMs - 1);
    ASSERT_TRUE(first && first->size() == 360);
    store_bars(store, key, *first);
  }
  const TimeMs last_stored = test::kSimFirstBar + 359 * 60'000;
  {
    SourceRun run(sim.port(), store);
    ASSERT_TRUE(run.reached(kSimNow - 60'000)) << "backfill did not reach 08:19";
    EXPECT_EQ(run.bars.size(), 2u * 140);  // 06:00 .. 08:19
    // The market moves 10 minutes: the feed shows 08:30 forming, so 08:20 .. 08:29 closed.
    advance_market(sim.port(), kSimNow + 10 * 60'000);
    ASSERT_TRUE(run.reached(kSimNow + 9 * 60'000));
    run_until(run.ioc, [] { return false; }, 200ms);  // nothing more may come
    EXPECT_EQ(run.bars.size(), 2u * 150);
    EXPECT_EQ(run.source.stats().emitted_rest, 300u);
    // Each coin's bars in order, once each, every one after the store's last.
    for (const char* coin : {"BTC", "ETH"}) {
      TimeMs expect = last_stored + 60'000;
      for (const auto& b : run.bars) {
        if (b.coin != coin) continue;
        ASSERT_EQ(b.bar.time, expect) << coin;
        EXPECT_TRUE(std::isnan(b.funding));
        expect += 60'000;
      }
    }
  }
  // Stopped; the market moves on 10 more minutes; a new source resumes from the store.
  advance_market(sim.port(), kSimNow + 20 * 60'000);
  {
    SourceRun run(sim.port(), store);
    ASSERT_TRUE(run.reached(kSimNow + 19 * 60'000));
    EXPECT_EQ(run.bars.size(), 2u * 10);
    EXPECT_EQ(run.bars.front().bar.time, kSimNow + 10 * 60'000);
  }
  for (const char* coin : {"BTC", "ETH"}) {
    const data::SeriesKey key{"hyperliquid", coin, kMinute};
    const auto got = store.load_candles(key);
    const auto want = source_store.load_candles(key, test::kSimFirstBar, kSimNow + 20 * 60'000 - 1);
    ASSERT_TRUE(got && want);
    ASSERT_EQ(got->size(), 520u) << coin;  // 00:00 .. 08:39, no gap, no duplicate
    for (std::size_t i = 0; i < got->size(); ++i) {
      const auto g = got->bar(i), w = want->bar(i);
      ASSERT_TRUE(g.time == w.time && g.open == w.open && g.high == w.high && g.low == w.low && g.close == w.close &&
                  g.volume == w.volume)
          << coin << " bar " << i << " at " << core::format_utc(g.time);
    }
  }
}

TEST(ClientStreamSource, FundingIsFetchedStoredAndAttachedToTheBarItSettlesIn) {
  test::SimProcess sim({"--speed", "0"});
  ASSERT_TRUE(sim.started());
  test::TempDir dir;
  auto store = data::Store::open((dir / "live.db").string());
  boost::asio::io_context ioc;
  WsClient ws(ioc, {.url = fmt::format("ws://127.0.0.1:{}/ws", sim.port())});
  std::vector<LiveBar> bars;
  const TimeMs since = kSimNow - 120 * 60'000;  // 06:20
  MarketDataSource source(ioc, &ws, info_for(fmt::format("http://127.0.0.1:{}", sim.port())), store,
                          {.coins = {"BTC"}, .interval = kMinute, .since = since, .funding = true},
                          [&](const LiveBar& b) { bars.push_back(b); });
  source.start();
  ws.start();
  ASSERT_TRUE(run_until(ioc, [&] { return bars.size() == 120; }));
  source.stop();
  ws.stop();
  // The test market's BTC funding: -0.00001 on even hours, 0.0000125 on odd ones, settled on the
  // hour: the 06:59 bar (06:59 < 07:00 <= 07:00) carries 07:00's, the 07:59 bar 08:00's.
  for (const auto& b : bars) {
    const TimeMs close = b.bar.time + 60'000;
    const double want = close == test::kSimFirstBar + 7 * core::kHourMs   ? 0.0000125
                        : close == test::kSimFirstBar + 8 * core::kHourMs ? -0.00001
                                                                          : 0.0;
    EXPECT_EQ(b.funding, want) << core::format_utc(b.bar.time);
  }
  const auto funding = store.load_funding("hyperliquid", "BTC");
  ASSERT_TRUE(funding);
  EXPECT_EQ(funding->time.front(), test::kSimFirstBar + 7 * core::kHourMs);  // since 06:20
  EXPECT_EQ(funding->time.back(), test::kSimFirstBar + 8 * core::kHourMs);   // up to the market's now
}

std::string hour_candle(TimeMs t, const char* o, const char* h, const char* l, const char* c) {
  return fmt::format(R"({{"t":{},"T":{},"s":"BTC","i":"1h","o":"{}","c":"{}","h":"{}","l":"{}","v":"12.5","n":7}})", t,
                     t + core::kHourMs - 1, o, c, h, l);
}

WsFrame candle_frame(TimeMs t) {
  WsFrame frame;
  frame.kind = FrameKind::candle;
  WsCandle c;
  c.open_time = t;
  c.close_time = t + core::kHourMs - 1;
  c.coin = "BTC";
  c.interval = "1h";
  c.open = c.high = c.low = c.close = 100'00000000;
  frame.candles.push_back(c);
  return frame;
}

TEST(ClientStreamSource, ARestCandleWithHighBelowLowIsNamedNeverStoredAndRetried) {
  const TimeMs t0 = test::kSimFirstBar;
  test::QueuedInfoHandler handler(test::kSimFirstBar);
  handler.queue({
      {200, "[" + hour_candle(t0, "100", "101", "99", "100.5") + "," + hour_candle(t0 + core::kHourMs, "100.5", "99", "101", "100") +
                "," + hour_candle(t0 + 2 * core::kHourMs, "100", "100", "100", "100") + "]"},
      {200, "[" + hour_candle(t0, "100", "101", "99", "100.5") + "," + hour_candle(t0 + core::kHourMs, "100.5", "102", "100", "101") +
                "," + hour_candle(t0 + 2 * core::kHourMs, "101", "101", "101", "101") + "]"}});
  test::RunningServer server(handler);

  std::ostringstream log;
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(log)));

  test::TempDir dir;
  auto store = data::Store::open((dir / "live.db").string());
  boost::asio::io_context ioc;
  std::vector<LiveBar> bars;
  {
    MarketDataSource source(ioc, nullptr, info_for(server.url()), store,
                            {.coins = {"BTC"}, .interval = kHour, .since = t0, .retry_after = 50ms},
                            [&](const LiveBar& b) { bars.push_back(b); });
    source.start();  // backfill from t0: the reply's second candle has high 99 < low 101
    EXPECT_TRUE(run_until(ioc, [&] { return source.stats().backfill_errors == 1; }));
    EXPECT_TRUE(bars.empty());
    EXPECT_FALSE(store.load_candles(data::SeriesKey{"hyperliquid", "BTC", kHour}));
    // The feed shows 02:00 forming after 01:00: 00:00 and 01:00 are closed; the retry gets them.
    source.handle_frame(candle_frame(t0 + core::kHourMs));
    source.handle_frame(candle_frame(t0 + 2 * core::kHourMs));
    EXPECT_TRUE(run_until(ioc, [&] { return bars.size() == 2; }));
    source.stop();
  }
  spdlog::set_default_logger(previous);

  EXPECT_NE(log.str().find("hyperliquid:BTC:1h: backfill failed, nothing stored, retrying: candleSnapshot BTC 1h: candle 1"),
            std::string::npos) << log.str();
  ASSERT_EQ(bars.size(), 2u);
  EXPECT_EQ(bars[1].bar.time, t0 + core::kHourMs);
  EXPECT_EQ(bars[1].bar.high, 102);
  const auto stored = store.load_candles(data::SeriesKey{"hyperliquid", "BTC", kHour});
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->size(), 2u);
  EXPECT_EQ(stored->bar(1).low, 100);
}

}  // namespace
}  // namespace organism::exchange::client

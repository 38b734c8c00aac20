// `organism data stream` through the binary against `organism exchange-sim` (also the binary) at
// 1000x speed while the simulator drops every WebSocket every 2 s, answers bursts of 429 and
// corrupts 5% of its frames: the streamed store must equal the simulator's source bars exactly,
// strictly consecutive, and the output must show the reconnects and the skipped frames.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <chrono>
#include <csignal>
#include <regex>
#include <thread>

#include <fmt/format.h>

#include "core/time.hpp"
#include "data/store.hpp"
#include "sim_server_process.hpp"

namespace organism::exchange::client {
namespace {

const core::Interval kMinute = core::Interval::parse_or_throw("1m");

int count_lines_starting(const std::string& text, const std::string& prefix) {
  int n = 0;
  std::size_t at = 0;
  while ((at = text.find('\n' + prefix, at)) != std::string::npos) {
    ++n;
    ++at;
  }
  return n;
}

// The streamed bars of each coin are consecutive minutes and equal the source's over that range
// (time, open, high, low, close, volume).
void expect_streamed_equals_source(const std::string& streamed_db, std::size_t min_bars) {
  auto source = data::Store::open_existing(test::sim_test_store());
  auto streamed = data::Store::open_existing(streamed_db);
  for (const char* coin : {"BTC", "ETH"}) {
    const data::SeriesKey key{"hyperliquid", coin, kMinute};
    const auto got = streamed.load_candles(key);
    ASSERT_TRUE(got) << coin << ": nothing streamed";
    ASSERT_GE(got->size(), min_bars) << coin;
    const auto times = got->time();
    for (std::size_t i = 1; i < times.size(); ++i)
      ASSERT_EQ(times[i] - times[i - 1], 60'000) << coin << ": gap or duplicate after " << core::format_utc(times[i - 1]);
    const auto want = source.load_candles(key, times.front(), times.back() + 1);
    ASSERT_TRUE(want) << coin;
    EXPECT_EQ(want->size(), got->size()) << coin;
    // Every value but the trade count: the source CSV has none, and the simulator reports one
    // trade per tick of its path for such bars (docs/exchange-sim.md).
    for (std::size_t i = 0; i < std::min(want->size(), got->size()); ++i) {
      const auto w = want->bar(i), g = got->bar(i);
      ASSERT_TRUE(w.time == g.time && w.open == g.open && w.high == g.high && w.low == g.low && w.close == g.close &&
                  w.volume == g.volume)
          << coin << " bar " << i << " " << core::format_utc(g.time) << ": streamed " << g.open << " " << g.high << " "
          << g.low << " " << g.close << " " << g.volume << " n=" << g.trades << "; source " << w.open << " " << w.high
          << " " << w.low << " " << w.close << " " << w.volume << " n=" << w.trades;
    }
  }
}

TEST(ClientStreamBinary, StoredBarsEqualTheSourceThroughDropsRateLimitsAndMalformedFrames) {
  const auto started = std::chrono::steady_clock::now();
  // At 1000x a minute bar closes every 60 ms and each close costs a candleSnapshot (weight 20) per
  // coin: both sides' per-minute REST limits are scaled up with the clock (the client's budget is
  // tested on its own in client_fetch_test).
  test::SimProcess sim({"--speed", "1000", "--faults", "drop_ws=2s,http429=3@5s,malformed_ws=0.05",
                        "--rest-weight-per-minute", "1000000"});
  ASSERT_TRUE(sim.started());
  test::TempDir dir;
  const std::string db = (dir / "streamed.db").string();
  const pid_t pid = test::spawn_organism({"--db", db, "data", "stream", "--url", fmt::format("http://127.0.0.1:{}", sim.port()),
                                          "--coins", "BTC,ETH", "--interval", "1m", "--retry-base-ms", "20", "--retry-429-base-ms", "50", "--weight-per-minute", "1000000",
                                          "--ws-backoff-ms", "100"},
                                         {}, dir);
  // 400 minutes of market are left after the default --from (500 bars of history): 24 s at 1000x.
  std::this_thread::sleep_for(std::chrono::seconds(15));
  ::kill(pid, SIGTERM);
  int status = 0;
  ::waitpid(pid, &status, 0);
  const std::string out = test::read_file(dir / "stdout");
  const std::string err = test::read_file(dir / "stderr");
  ASSERT_TRUE(WIFEXITED(status)) << err;
  EXPECT_EQ(WEXITSTATUS(status), 0) << err;

  // 15 s at 1000x is 250 minutes; allow for the start and the reconnects.
  expect_streamed_equals_source(db, 150);
  EXPECT_GE(count_lines_starting(out, "reconnect "), 5) << out;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(out, m, std::regex(R"(stream summary \(SIGTERM\): (\d+) bars .* (\d+) reconnects, (\d+) frames skipped)")))
      << out;
  EXPECT_GT(std::stoi(m[3].str()), 0) << "malformed frames were not skipped: " << out;
  EXPECT_EQ(count_lines_starting(out, "BTC 1m ") + count_lines_starting(out, "ETH 1m "), std::stoi(m[1].str())) << out;
  fmt::print("stream test: {} ({} reconnects, {} frames skipped), {:.1f} s\n", m[0].str(), m[2].str(), m[3].str(),
             std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
}

}  // namespace
}  // namespace organism::exchange::client

namespace organism::exchange::client {
namespace {

// --check-trades: own 1m bars from the trades feed compared with the exchange's final candles.
// Measured: the simulator's prints reproduce its candles' open, high, low and close exactly, and
// never the volume (its tape's sizes are not the bars' volume); this pins that down.
TEST(ClientStreamBinary, CheckTradesCountsOwnBarsAgainstTheExchanges) {
  test::SimProcess sim({"--speed", "1000", "--rest-weight-per-minute", "1000000"});
  ASSERT_TRUE(sim.started());
  test::TempDir dir;
  const auto r = test::run_organism({"--db", (dir / "streamed.db").string(), "data", "stream", "--url",
                                     fmt::format("http://127.0.0.1:{}", sim.port()), "--coins", "BTC,ETH", "--interval",
                                     "1m", "--bars", "40", "--check-trades", "--weight-per-minute", "1000000"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m, std::regex(R"(trade bars: (\d+) checked, (\d+) matched, (\d+) mismatched \(open (\d+), high (\d+), low (\d+), close (\d+), volume (\d+)\), (\d+) incomplete)")))
      << r.out;
  const int checked = std::stoi(m[1].str()), incomplete = std::stoi(m[9].str());
  for (int field = 4; field <= 7; ++field) EXPECT_EQ(m[field].str(), "0") << "a price field mismatched: " << r.out;
  EXPECT_EQ(m[8].str(), m[1].str()) << r.out;  // every compared bar's volume differs
  // 2 x 40 exchange bars, each either compared or without a complete own bar (the first minute
  // joined mid-way, a minute without trades).
  EXPECT_EQ(checked + incomplete, 80) << r.out;
  EXPECT_GT(checked, 40) << r.out;
  fmt::print("check-trades: {}\n", m[0].str());
}

}  // namespace
}  // namespace organism::exchange::client

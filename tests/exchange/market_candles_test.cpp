// The replay's candles on real Hyperliquid data: coarser intervals aggregate whole bars exactly as
// the data layer's resampler does (market_replay.hpp, data/resample.hpp).
#include <gtest/gtest.h>

#include <map>

#include "data/import.hpp"
#include "data/resample.hpp"
#include "exchange/sim/market_replay.hpp"
#include "support/test_support.hpp"

namespace organism::exchange::sim {
namespace {

TEST(MarketCandles, CoarserIntervalsMatchTheResamplerOnRealBtc5m) {
  const auto shared = test::shared_dir();
  if (!shared) GTEST_SKIP() << "../shared is absent";
  auto parsed = data::parse_file((*shared / "data/ohlcv/hyperliquid/BTC-5m.csv.gz").string(),
                                 data::ImportOptions{});
  const auto five = *core::Interval::parse("5m");
  CoinMarketData btc;
  btc.spec = {"BTC", 5, 40, false};
  btc.bars = parsed.candles->bars;
  MarketConfig cfg;
  cfg.interval = five;
  cfg.from = btc.bars.time().back();  // everything before the last bar is history
  MarketReplay m({btc}, cfg);
  for (const char* name : {"15m", "1h", "4h", "1d"}) {
    const auto coarse = *core::Interval::parse(name);
    const auto want = data::resample(btc.bars.view(), five, coarse);
    const auto got = m.candles(0, coarse, 0, cfg.from);
    std::map<core::TimeMs, CandleOut> by_time;
    for (const auto& c : got) by_time[c.t] = c;
    std::size_t compared = 0;
    for (std::size_t i = 0; i < want.bars.size(); ++i) {
      const auto b = want.bars.bar(i);
      const auto it = by_time.find(b.time);
      if (it == by_time.end() || !it->second.closed) continue;  // older than the latest 5000
      const auto& c = it->second;
      ASSERT_EQ(c.o, b.open) << name << " " << b.time;
      ASSERT_EQ(c.h, b.high) << name << " " << b.time;
      ASSERT_EQ(c.l, b.low) << name << " " << b.time;
      ASSERT_EQ(c.c, b.close) << name << " " << b.time;
      ASSERT_NEAR(c.v, b.volume, 1e-9 * b.volume) << name << " " << b.time;
      ASSERT_EQ(c.close_time, coarse.next(b.time) - 1);
      ++compared;
    }
    // Every closed bucket but the 5000 cap and the resampler's dropped partial edges is compared.
    EXPECT_GE(compared + 2, std::min<std::size_t>(want.bars.size(), 5000)) << name;
    EXPECT_FALSE(got.back().closed) << name;  // the bucket of the last bar is in progress
  }
}

}  // namespace
}  // namespace organism::exchange::sim

// strategy::Runtime fed the real BTC 1h series one bar at a time (with its funding and the Fear &
// Greed index) returns exactly strategy::exposures at every bar, bit for bit: every seed family's
// defaults, the same with every filter on, and 200 random genomes. Also: the Runtime refuses a bar
// out of order, and a feed that is off is the batch path's unknown series. The real-data tests
// skip with a message when ../shared is absent.
#include "strategy/runtime.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "data/align.hpp"
#include "data/import.hpp"
#include "indicators/indicator_set.hpp"
#include "strategy/genome.hpp"
#include "strategy/stream_support.hpp"
#include "support/test_support.hpp"

namespace organism::strategy {
namespace {

const std::vector<std::string> kSeedFamilies = {"ema_cross",      "donchian_breakout", "rsi_reversion", "stochastic_cross",
                                                "sma_trend",      "atr_stop",          "ichimoku_cloud", "vwap_reversion",
                                                "vol_scaling",    "funding_carry"};

// Binance BTC 1h (2020-2026), its 8-hourly funding summed per bar, Fear & Greed per bar.
using test::RealMarket;

const RealMarket* real_market() {
  static const std::optional<RealMarket> market = []() -> std::optional<RealMarket> {
    const auto shared = organism::test::shared_dir();
    if (!shared) return std::nullopt;
    const auto path = [&](const char* rel) { return (*shared / "data" / rel).string(); };
    RealMarket m;
    m.bars = data::parse_file(path("ohlcv/binance/BTC-1h.csv.gz"), {}).candles->bars;
    const auto funding = *data::parse_file(path("funding/binance/BTC.csv.gz"), {}).funding;
    const auto fg = *data::parse_file(path("sentiment/fear_greed.csv.gz"), {}).sentiment;
    m.funding = data::funding_per_bar(m.bars.time(), m.interval.nominal_ms(), funding);
    m.sentiment = data::sentiment_per_bar(m.bars.time(), fg);
    return m;
  }();
  return market ? &*market : nullptr;
}

// Index of the first bar whose exposures differ in any bit, or -1.
long first_difference(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::bit_cast<std::uint64_t>(a[i]) != std::bit_cast<std::uint64_t>(b[i])) return static_cast<long>(i);
  }
  return -1;
}

std::vector<double> streamed(const Genome& g, const MarketView& m, Runtime::Feeds feeds = {}) {
  Runtime runtime(g, m.interval, feeds);
  std::vector<double> out(m.bars.size());
  const double nan = std::nan("");
  for (std::size_t i = 0; i < m.bars.size(); ++i) {
    out[i] = runtime.on_bar(m.bars.bar(i), m.funding_per_bar.empty() ? nan : m.funding_per_bar[i],
                            m.sentiment.empty() ? nan : m.sentiment[i]);
  }
  EXPECT_EQ(runtime.bars(), m.bars.size());
  return out;
}

// Bars where the position changes: a rule that never trades would make equality vacuous.
std::size_t changes(const std::vector<double>& e) {
  std::size_t n = 0;
  for (std::size_t i = 1; i < e.size(); ++i) n += e[i] != e[i - 1] ? 1 : 0;
  return n;
}

class RuntimeOnRealBtc : public ::testing::Test {
 protected:
  void SetUp() override {
    market_ = real_market();
    if (!market_) GTEST_SKIP() << "../shared is absent: streaming = batch on real BTC 1h not run";
    ASSERT_EQ(market_->bars.size(), 54'613u);
  }
  const RealMarket* market_ = nullptr;
};

TEST_F(RuntimeOnRealBtc, EveryFamilyDefaultGenomeEqualsBatch) {
  const auto view = market_->view();
  for (const auto& family : kSeedFamilies) {
    const Genome g = default_genome(family);
    const auto batch = exposures(g, view);
    const auto stream = streamed(g, view);
    EXPECT_EQ(first_difference(stream, batch), -1) << family;
    EXPECT_GT(changes(batch), 5u) << family << " hardly trades: the comparison would prove little";
  }
}

TEST_F(RuntimeOnRealBtc, DefaultGenomesWithEveryFilterOnEqualBatch) {
  const auto view = market_->view();
  for (const auto& family : kSeedFamilies) {
    Genome g = default_genome(family);
    g.regime.vol_filter_on = true;
    g.regime.median_window = 241;  // odd: the median is one value (even: the mean of two)
    g.regime.fg_on = true;
    g.regime.fg_low = 25;
    g.regime.fg_high = 75;
    g.risk.vol_target_on = true;
    g.risk.vol_target = 0.3;
    g.risk.vol_window = 48;
    const auto batch = exposures(g, view);
    EXPECT_EQ(first_difference(streamed(g, view), batch), -1) << family;
    EXPECT_GT(changes(batch), 20u) << family;
  }
}

TEST_F(RuntimeOnRealBtc, TwoHundredRandomGenomesEqualBatch) {
  // The last 20,000 bars (2.3 years) keep the test quick; every window fits many times over.
  const auto full = market_->view();
  const std::size_t from = full.bars.size() - 20'000;
  MarketView view = full;
  view.bars = full.bars.slice(from, full.bars.size());
  view.funding_per_bar = full.funding_per_bar.subspan(from);
  view.sentiment = full.sentiment.subspan(from);
  core::Rng rng(20260415, {7});
  int filtered = 0, targeted = 0, trading = 0;
  for (int k = 0; k < 200; ++k) {
    const Genome g = random_genome(kSeedFamilies[static_cast<std::size_t>(k) % kSeedFamilies.size()], rng);
    filtered += g.regime.vol_filter_on || g.regime.fg_on ? 1 : 0;
    targeted += g.risk.vol_target_on ? 1 : 0;
    const auto batch = exposures(g, view);
    trading += changes(batch) > 0 ? 1 : 0;
    ASSERT_EQ(first_difference(streamed(g, view), batch), -1) << "genome " << k << ": " << canonical_json(g);
  }
  EXPECT_GT(filtered, 100);
  EXPECT_GT(targeted, 70);
  EXPECT_GT(trading, 150);
}

TEST_F(RuntimeOnRealBtc, BatchThroughTheCacheEqualsStream) {
  indicators::IndicatorCache cache(256u << 20);
  MarketView view = market_->view();
  view.cache = &cache;
  view.series_id = indicators::series_id("binance:BTC:1h", view.bars);
  Genome g = default_genome("vol_scaling");
  g.regime.vol_filter_on = true;
  g.risk.vol_target_on = true;
  EXPECT_EQ(first_difference(streamed(g, view), exposures(g, view)), -1);
}

TEST_F(RuntimeOnRealBtc, AFeedThatIsOffIsTheBatchPathsUnknownSeries) {
  MarketView view = market_->view();
  view.funding_per_bar = {};
  view.sentiment = {};
  Genome carry = default_genome("funding_carry");
  carry.regime.fg_on = true;
  const auto batch = exposures(carry, view);
  EXPECT_EQ(first_difference(streamed(carry, view, {false, false}), batch), -1);
  EXPECT_EQ(changes(batch), 0u);  // no funding and no sentiment: never trades
  // With the funding feed on, the same genome without the F&G filter trades.
  carry.regime.fg_on = false;
  const auto with_funding = market_->view();
  EXPECT_GT(changes(exposures(carry, with_funding)), 5u);
  EXPECT_EQ(first_difference(streamed(carry, with_funding), exposures(carry, with_funding)), -1);
}

TEST(Runtime, RefusesABarOutOfOrder) {
  Runtime runtime(default_genome("ema_cross"), *core::Interval::parse("1h"));
  data::Bar bar{1'704'067'200'000, 100, 101, 99, 100, 1};
  runtime.on_bar(bar);
  bar.time += 3'600'000;
  runtime.on_bar(bar);
  EXPECT_THROW(runtime.on_bar(bar), core::Error);  // the same time again
  bar.time -= 7'200'000;
  EXPECT_THROW(runtime.on_bar(bar), core::Error);  // earlier
  EXPECT_EQ(runtime.bars(), 2u);
  bar.time += 10'800'000;
  EXPECT_NO_THROW(runtime.on_bar(bar));
  EXPECT_EQ(runtime.bars(), 3u);
}

TEST(Runtime, EverySeedFamilyStreams) {
  for (const auto& family : kSeedFamilies) {
    EXPECT_NO_THROW(Runtime(default_genome(family), *core::Interval::parse("1h"))) << family;
  }
}

}  // namespace
}  // namespace organism::strategy

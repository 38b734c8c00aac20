// Regime breaks of the replayed market (exchange/sim/regime_break.hpp, market_replay.hpp): the
// transformed candles by hand, untouched coins and bars before the break, ticks that follow the
// transformed bars, the state round trip, and the statistics a break is for (a trend reverses, the
// volatility of log returns scales by |EXP|).
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <random>

#include "core/error.hpp"
#include "exchange/market_test_support.hpp"
#include "exchange/sim/market_replay.hpp"
#include "exchange/sim/price_ticks.hpp"
#include "exchange/sim/regime_break.hpp"

namespace organism::exchange::sim {
namespace {

using test_market::candles_of;
using test_market::Recorded;

constexpr core::TimeMs kT0 = 1'704'067'200'000;  // 2024-01-01 00:00 UTC
constexpr core::TimeMs k15m = 15 * core::kMinuteMs;
const core::Interval kInterval = *core::Interval::parse("15m");

// AAA: 8 bars, bar k opens at 100 + k, high +3, low -2, close +1; BBB: 8 flat-ish bars at 50.
std::vector<CoinMarketData> small_market() {
  CoinMarketData a;
  a.spec = {"AAA", 2, 10, false};
  std::vector<data::Bar> bars;
  for (int k = 0; k < 8; ++k) {
    const double o = 100 + k;
    bars.push_back({kT0 + k * k15m, o, o + 3, o - 2, o + 1, 10});
  }
  a.bars = candles_of(bars);
  CoinMarketData b;
  b.spec = {"BBB", 1, 10, false};
  std::vector<data::Bar> bb;
  for (int k = 0; k < 8; ++k) bb.push_back({kT0 + k * k15m, 50, 51, 49, 50.5, 3});
  b.bars = candles_of(bb);
  return {a, b};
}

MarketConfig config(core::TimeMs from, int steps = 6) {
  MarketConfig c;
  c.interval = kInterval;
  c.from = from;
  c.steps_per_bar = steps;
  c.book_levels = 5;
  return c;
}

TEST(RegimeBreak, BarMapsEachPriceAndSwapsHighAndLowWhenTheExponentIsNegative) {
  const data::Bar bar{kT0, 100, 110, 95, 105, 7, 3};
  const auto mirrored = regime_bar(bar, 100, -1);
  EXPECT_DOUBLE_EQ(mirrored.open, 100);
  EXPECT_DOUBLE_EQ(mirrored.close, 100.0 * 100 / 105);
  EXPECT_DOUBLE_EQ(mirrored.high, 100.0 * 100 / 95);  // the old low
  EXPECT_DOUBLE_EQ(mirrored.low, 100.0 * 100 / 110);  // the old high
  EXPECT_EQ(mirrored.volume, 7);
  EXPECT_EQ(mirrored.trades, 3);
  const auto burst = regime_bar(bar, 100, 2);
  EXPECT_DOUBLE_EQ(burst.high, 121);  // 100 (110/100)^2
  EXPECT_DOUBLE_EQ(burst.low, 90.25);
}

TEST(RegimeBreak, TransformedCandlesEqualTheFormulaByHandAndEverythingElseIsUntouched) {
  const auto coins = small_market();
  MarketReplay plain(coins, config(kT0));
  MarketReplay m(coins, config(kT0));
  // Asked for inside bar 3: it starts at bar 4's open, where the price is P = 104.
  const auto kept = m.add_regime_break(0, kT0 + 3 * k15m + 1, -2);
  EXPECT_EQ(kept.time, kT0 + 4 * k15m);
  Recorded rec;
  m.advance_to(m.end(), rec.listener());
  plain.advance_to(plain.end(), Recorded{}.listener());
  const auto got = m.candles(0, kInterval, kT0, m.end());
  ASSERT_EQ(got.size(), 8u);
  // Bars 0..3 are the stored ones.
  const auto before = plain.candles(0, kInterval, kT0, plain.end());
  for (int k = 0; k < 4; ++k) {
    EXPECT_EQ(got[k].o, before[k].o);
    EXPECT_EQ(got[k].h, before[k].h);
    EXPECT_EQ(got[k].l, before[k].l);
    EXPECT_EQ(got[k].c, before[k].c);
  }
  // Bar 4 (o 104 h 107 l 102 c 105) and bar 5 (105 108 103 106), x -> 104 (104 / x)^2, snapped to
  // valid prices of szDecimals 2 (5 significant figures): 104 (104/102)^2 = 108.1184 -> 108.12,
  // 104 (104/107)^2 = 98.24998 -> 98.25, 104 (104/105)^2 = 102.0285 -> 102.03; bar 5:
  // 104 (104/103)^2 = 106.0292 -> 106.03, 104 (104/108)^2 = 96.43896 -> 96.439, 104 (104/106)^2 =
  // 100.1125 -> 100.11.
  EXPECT_EQ(got[4].o, 104);
  EXPECT_EQ(got[4].h, 108.12);
  EXPECT_EQ(got[4].l, 98.25);
  EXPECT_EQ(got[4].c, 102.03);
  EXPECT_EQ(got[5].o, 102.03);
  EXPECT_EQ(got[5].h, 106.03);
  EXPECT_EQ(got[5].l, 96.439);
  EXPECT_EQ(got[5].c, 100.11);
  for (int k = 4; k < 8; ++k) {
    const double o = 100 + k, h = o + 3, l = o - 2, c = o + 1;
    const auto f = [](double x) { return 104 * std::pow(104 / x, 2); };
    EXPECT_NEAR(got[k].o, f(o), 0.005 + 1e-9) << k;
    EXPECT_NEAR(got[k].h, f(l), 0.005 + 1e-9) << k;
    EXPECT_NEAR(got[k].l, f(h), 0.005 + 1e-9) << k;
    EXPECT_NEAR(got[k].c, f(c), 0.005 + 1e-9) << k;
    EXPECT_EQ(got[k].v, 10);
  }
  // The other coin is untouched.
  const auto b_got = m.candles(1, kInterval, kT0, m.end());
  const auto b_plain = plain.candles(1, kInterval, kT0, plain.end());
  ASSERT_EQ(b_got.size(), b_plain.size());
  for (std::size_t k = 0; k < b_got.size(); ++k) {
    EXPECT_EQ(b_got[k].o, b_plain[k].o);
    EXPECT_EQ(b_got[k].h, b_plain[k].h);
    EXPECT_EQ(b_got[k].l, b_plain[k].l);
    EXPECT_EQ(b_got[k].c, b_plain[k].c);
  }
  // The ticks (what the engine fills and marks against) walk the transformed bar 5: its open
  // first, its close last, inside its range, marks equal to the price.
  std::vector<double> bar5;
  for (const auto& t : rec.ticks) {
    if (t.asset != 0 || t.tick.time < kT0 + 5 * k15m || t.tick.time >= kT0 + 6 * k15m) continue;
    bar5.push_back(t.tick.mark_px);
    EXPECT_EQ(t.tick.price, to_units(t.tick.mark_px));
    ASSERT_FALSE(t.tick.bids.empty());
    EXPECT_LT(t.tick.bids.front().px, t.tick.price);
    EXPECT_GT(t.tick.asks.front().px, t.tick.price);
  }
  ASSERT_EQ(bar5.size(), 6u);
  EXPECT_EQ(bar5.front(), 102.03);
  EXPECT_EQ(bar5.back(), 100.11);
  for (double px : bar5) {
    EXPECT_GE(px, 96.439);
    EXPECT_LE(px, 106.03);
  }
  // The stored bar 5 rose; mirrored it falls (100.11 < 102.03), so its path visits the high first.
  EXPECT_EQ(*std::max_element(bar5.begin(), bar5.begin() + 3), 106.03);
}

TEST(RegimeBreak, BreaksSurviveTheStateRoundTripAndBadBreaksAreRefused) {
  const auto coins = small_market();
  MarketReplay m(coins, config(kT0));
  m.advance_to(kT0 + 2 * k15m, Recorded{}.listener());
  m.add_regime_break(0, m.now(), -1);
  m.add_regime_break(0, m.now(), -1);  // the same break again: kept once
  m.add_regime_break(1, kT0 + 5 * k15m, 3);
  EXPECT_EQ(m.regime_breaks().size(), 2u);
  MarketReplay again(coins, config(kT0));
  again.restore(m.to_json());
  EXPECT_EQ(again.regime_breaks(), m.regime_breaks());
  m.advance_to(m.end(), Recorded{}.listener());
  again.advance_to(again.end(), Recorded{}.listener());
  for (int asset = 0; asset < 2; ++asset) {
    const auto a = m.candles(asset, kInterval, kT0, m.end());
    const auto b = again.candles(asset, kInterval, kT0, again.end());
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t k = 0; k < a.size(); ++k) {
      EXPECT_EQ(a[k].o, b[k].o);
      EXPECT_EQ(a[k].h, b[k].h);
      EXPECT_EQ(a[k].l, b[k].l);
      EXPECT_EQ(a[k].c, b[k].c);
    }
  }
  EXPECT_THROW(m.add_regime_break(0, kT0, 0), std::invalid_argument);
  EXPECT_THROW(m.add_regime_break(0, kT0, 11), std::invalid_argument);
  EXPECT_THROW(m.add_regime_break(0, kT0, std::nan("")), std::invalid_argument);
  EXPECT_THROW(m.add_regime_break(2, kT0, -1), std::invalid_argument);
  EXPECT_THROW(m.add_regime_break(0, kT0 + 8 * k15m, -1), std::invalid_argument);  // after the data
}

TEST(RegimeBreak, SpecParsingNamesTheBadItem) {
  const auto ok = parse_regime_breaks("BTC@2024-01-01T12:00:-1,ETH@1704067200000:2.5");
  ASSERT_EQ(ok.size(), 2u);
  EXPECT_EQ(ok[0].coin, "BTC");
  EXPECT_EQ(ok[0].time, kT0 + 12 * core::kHourMs);
  EXPECT_EQ(ok[0].exponent, -1);
  EXPECT_EQ(ok[1].coin, "ETH");
  EXPECT_EQ(ok[1].time, kT0);
  EXPECT_EQ(ok[1].exponent, 2.5);
  for (const char* bad : {"BTC", "BTC@2024-01-01", "@2024-01-01:-1", "BTC@yesterday:-1", "BTC@2024-01-01:x",
                          "BTC@2024-01-01:0", "BTC@2024-01-01:-12"}) {
    try {
      parse_regime_breaks(std::string("ETH@2024-01-01:2,") + bad);
      ADD_FAILURE() << bad << " was accepted";
    } catch (const core::UsageError& e) {
      EXPECT_NE(std::string(e.what()).find(std::string("bad item '") + bad + "'"), std::string::npos) << e.what();
    }
  }
}

// A trending market of `n` 15m bars around 100 (drift +0.1% per bar, noise 0.5%), stored at
// valid prices (2 decimals below 1000).
CoinMarketData trending(int n) {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> z(0, 1);
  const auto cents = [](double x) { return std::round(x * 100) / 100; };
  std::vector<data::Bar> bars;
  double close = 100;
  for (int k = 0; k < n; ++k) {
    const double o = close;
    close = cents(o * std::exp(0.001 + 0.005 * z(rng)));
    bars.push_back({kT0 + k * k15m, o, cents(std::max(o, close) * 1.002), cents(std::min(o, close) * 0.998),
                    close, 5});
  }
  CoinMarketData c;
  c.spec = {"AAA", 2, 10, false};
  c.bars = candles_of(bars);
  return c;
}

struct Moments {
  double mean = 0, sd = 0;
};
Moments log_return_moments(const std::vector<double>& closes) {
  std::vector<double> r;
  for (std::size_t i = 1; i < closes.size(); ++i) r.push_back(std::log(closes[i] / closes[i - 1]));
  Moments m;
  m.mean = std::accumulate(r.begin(), r.end(), 0.0) / static_cast<double>(r.size());
  for (double x : r) m.sd += (x - m.mean) * (x - m.mean);
  m.sd = std::sqrt(m.sd / static_cast<double>(r.size() - 1));
  return m;
}

TEST(RegimeBreak, TrendReversesAndVolatilityScalesByTheExponent) {
  constexpr int kBars = 400, kBreak = 100;
  const auto coin = trending(kBars);
  std::vector<double> stored;
  for (int k = kBreak; k < kBars; ++k) stored.push_back(coin.bars.close()[k]);
  const auto base = log_return_moments(stored);
  ASSERT_GT(base.mean, 0.0005);  // the stored market trends up
  const double pivot = coin.bars.open()[kBreak];
  for (double exponent : {-1.0, 2.0, -2.0, 0.5}) {
    // Before snapping, to 1e-9: every log return is multiplied by EXP.
    std::vector<double> exact;
    for (double x : stored) exact.push_back(regime_price(x, pivot, exponent));
    const auto e = log_return_moments(exact);
    EXPECT_NEAR(e.mean, exponent * base.mean, 1e-9) << exponent;
    EXPECT_NEAR(e.sd, std::fabs(exponent) * base.sd, 1e-9) << exponent;
    // As served (snapped to valid prices): each close within half a tick of the formula, so the
    // drift flips sign with EXP and the volatility ratio is |EXP| to the snapping's error.
    MarketReplay m({coin}, config(kT0));
    m.add_regime_break(0, kT0 + kBreak * k15m, exponent);
    m.advance_to(m.end(), Recorded{}.listener());
    const auto candles = m.candles(0, kInterval, kT0, m.end());
    ASSERT_EQ(candles.size(), static_cast<std::size_t>(kBars));
    std::vector<double> served;
    for (int k = kBreak; k < kBars; ++k) {
      served.push_back(candles[k].c);
      const double tick = static_cast<double>(tick_at(to_units(exact[k - kBreak]), 2)) / 1e8;
      ASSERT_NEAR(candles[k].c, exact[k - kBreak], tick / 2 + 1e-9) << exponent << " bar " << k;
    }
    const auto s = log_return_moments(served);
    EXPECT_GT(s.mean * exponent, 0) << exponent;  // EXP < 0: the trend reversed
    EXPECT_NEAR(s.mean, exponent * base.mean, 1e-4) << exponent;
    EXPECT_NEAR(s.sd / base.sd, std::fabs(exponent), 0.03 * std::fabs(exponent)) << exponent;
  }
}

}  // namespace
}  // namespace organism::exchange::sim

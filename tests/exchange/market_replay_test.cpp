// The market replay's clock: ticks and funding in time order, no look-ahead in the candles,
// flash moves, state, and its refusals (market_replay.hpp).
#include "exchange/sim/market_replay.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "exchange/market_test_support.hpp"
#include "exchange/sim/price_ticks.hpp"

namespace organism::exchange::sim {
namespace {

using test_market::candles_of;
using test_market::Recorded;

constexpr core::TimeMs kT0 = 1'704'067'200'000;  // 2024-01-01 00:00 UTC
constexpr core::TimeMs k15m = 15 * core::kMinuteMs;
const core::Interval kInterval = *core::Interval::parse("15m");

// AAA: 16 bars of 15m from kT0 (4 hours), prices around 100; BBB: 12 bars from kT0 + 1 h.
std::vector<data::Bar> aaa_bars() {
  std::vector<data::Bar> bars;
  for (int i = 0; i < 16; ++i) {
    const double o = 100 + i;
    bars.push_back({kT0 + i * k15m, o, o + 3, o - 2, o + 1, 10.0 + i});
  }
  return bars;
}

std::vector<CoinMarketData> two_coins() {
  CoinMarketData a;
  a.spec = {"AAA", 2, 10, false};
  a.bars = candles_of(aaa_bars());
  data::FundingSeries f;
  f.coin = "AAA";
  f.time = {kT0 + core::kHourMs, kT0 + 3 * core::kHourMs};
  f.rate = {0.0001, -0.0002};
  a.funding = f;
  CoinMarketData b;
  b.spec = {"BBB", 1, 10, false};
  std::vector<data::Bar> bb;
  for (int i = 0; i < 12; ++i) bb.push_back({kT0 + core::kHourMs + i * k15m, 50, 51, 49, 50.5, 3});
  b.bars = candles_of(bb);
  return {a, b};
}

MarketConfig config(core::TimeMs from, int steps = 5) {
  MarketConfig c;
  c.interval = kInterval;
  c.from = from;
  c.seed = 1;
  c.steps_per_bar = steps;
  c.book_levels = 5;
  return c;
}

TEST(MarketReplay, TicksComeInTimeOrderTiesInAssetOrderAndStopAtTheEnd) {
  MarketReplay m(two_coins(), config(kT0 + core::kHourMs));
  Recorded r;
  m.advance_to(kT0 + 100 * core::kHourMs, r.listener());
  // From 01:00 to the end (04:00) both assets have 12 bars of 5 ticks, the one at 01:00 included.
  ASSERT_EQ(r.ticks.size(), 120u);
  EXPECT_EQ(m.now(), kT0 + 4 * core::kHourMs);
  EXPECT_EQ(m.end(), kT0 + 4 * core::kHourMs);
  EXPECT_TRUE(m.finished());
  for (std::size_t i = 0; i < r.ticks.size(); ++i) {
    // Ticks every 3 minutes (15 m / 5), AAA then BBB at each.
    EXPECT_EQ(r.ticks[i].tick.time,
              kT0 + core::kHourMs + static_cast<core::TimeMs>(i / 2) * 3 * core::kMinuteMs);
    EXPECT_EQ(r.ticks[i].asset, static_cast<int>(i % 2));
  }
  // The first tick is the open of AAA's 01:00 bar (104), the last AAA tick its last close (116).
  EXPECT_EQ(r.ticks[0].tick.price, to_units(104));
  EXPECT_EQ(r.ticks[0].tick.mark_px, 104);
  EXPECT_EQ(r.ticks[118].tick.price, to_units(116));
  EXPECT_EQ(r.ticks[0].tick.bids.size(), 5u);
  Recorded again;
  m.advance_to(kT0, again.listener());  // never back
  m.advance_to(m.end(), again.listener());
  EXPECT_TRUE(again.ticks.empty());
}

TEST(MarketReplay, FundingSettlesEachHourExactlyOnceWhenJumpingOverHours) {
  MarketReplay m(two_coins(), config(kT0 + core::kHourMs));
  std::vector<std::string> log;
  MarketListener l{[&](int a, const MarketTick& t) {
                     if ((t.time - kT0) % core::kHourMs == 0)
                       log.push_back("tick " + std::to_string(a));
                   },
                   [&](int a, double rate, core::TimeMs hour) {
                     log.push_back("funding " + std::to_string(a) + " " + std::to_string(rate) +
                                   " " + std::to_string((hour - kT0) / core::kHourMs));
                   }};
  m.advance_to(m.now(), l);                                        // primes: 01:00
  m.advance_to(kT0 + 3 * core::kHourMs + 7 * core::kMinuteMs, l);  // over 02:00 and 03:00
  m.advance_to(kT0 + 3 * core::kHourMs + 8 * core::kMinuteMs, l);  // no hour
  m.advance_to(m.end(), l);  // 04:00 is the end of the data: no bar holds it, nothing settles
  // 02:00 has no row: the latest before (01:00) applies; BBB has no funding: 0. The ticks at the
  // hour come before its funding.
  const std::vector<std::string> want{
      "tick 0", "tick 1", "funding 0 0.000100 1",  "funding 1 0.000000 1",
      "tick 0", "tick 1", "funding 0 0.000100 2",  "funding 1 0.000000 2",
      "tick 0", "tick 1", "funding 0 -0.000200 3", "funding 1 0.000000 3"};
  EXPECT_EQ(log, want);
}

TEST(MarketReplay, EightHourRatesSettleAnEighthEachHour) {
  auto coins = two_coins();
  coins[0].funding->interval_ms = 8 * core::kHourMs;
  MarketReplay m(std::move(coins), config(kT0 + core::kHourMs));
  Recorded r;
  m.advance_to(m.now(), r.listener());
  ASSERT_EQ(r.fundings.size(), 2u);
  EXPECT_DOUBLE_EQ(r.fundings[0].rate, 0.0001 / 8);
  EXPECT_DOUBLE_EQ(m.current_funding(0), 0.0001 / 8);
}

TEST(MarketReplay, CandlesNeverShowAPriceFromAfterNow) {
  // AAA's 01:00 bar: o 104 h 107 l 102 c 105, rising: dips to 102 first, reaches 107 later. The
  // next bars open higher and reach 108+, which must not show while 01:00 is in progress.
  MarketReplay m(two_coins(), config(kT0 + core::kHourMs));
  EXPECT_TRUE(
      m.candles(0, *core::Interval::parse("5m"), kT0, kT0 + core::kDayMs).empty());  // finer
  Recorded r;
  m.advance_to(m.now(), r.listener());
  std::vector<double> seen;
  for (int k = 0; k < 5; ++k) {
    if (k > 0) m.advance_to(m.next_tick(), r.listener());
    seen.push_back(static_cast<double>(r.ticks[r.ticks.size() - 2].tick.price) / 1e8);
    const auto c = m.candles(0, kInterval, kT0, kT0 + 10 * core::kHourMs);
    ASSERT_EQ(c.size(), 5u);  // 00:00 .. 00:45 closed, 01:00 in progress
    const auto& last = c.back();
    EXPECT_EQ(last.t, kT0 + core::kHourMs);
    EXPECT_EQ(last.close_time, kT0 + core::kHourMs + k15m - 1);
    EXPECT_FALSE(last.closed);
    EXPECT_TRUE(c[3].closed);
    EXPECT_EQ(last.o, 104);
    EXPECT_EQ(last.h, *std::max_element(seen.begin(), seen.end())) << k;
    EXPECT_EQ(last.l, *std::min_element(seen.begin(), seen.end())) << k;
    EXPECT_EQ(last.c, seen.back()) << k;
    EXPECT_DOUBLE_EQ(last.v, 14.0 * (k + 1) / 5);
    EXPECT_EQ(last.n, k + 1);  // no trade counts stored: one per tick
    if (k < 3) {
      EXPECT_LT(last.h, 107) << "the high comes at tick 3, after now";
    }
    EXPECT_EQ(m.price(0), seen.back());
    // The hour's candle aggregates 01:00 so far only.
    const auto hourly = m.candles(0, *core::Interval::parse("1h"), kT0, kT0 + 10 * core::kHourMs);
    ASSERT_EQ(hourly.size(), 2u);
    EXPECT_EQ(hourly.back().h, last.h);
    EXPECT_EQ(hourly.back().c, last.c);
    EXPECT_FALSE(hourly.back().closed);
    EXPECT_TRUE(hourly.front().closed);
    EXPECT_EQ(hourly.front().o, 100);
    EXPECT_EQ(hourly.front().h, 106);
    EXPECT_EQ(hourly.front().l, 98);
    EXPECT_EQ(hourly.front().c, 104);
    EXPECT_DOUBLE_EQ(hourly.front().v, 10 + 11 + 12 + 13);
  }
  EXPECT_EQ(seen, (std::vector<double>{104, 102, 104.5, 107, 105}));
}

TEST(MarketReplay, CandlesKeepOnlyTheLatest5000AndTheMostRecentUpToLimit) {
  std::vector<data::Bar> bars;
  for (int i = 0; i < 6000; ++i) bars.push_back({kT0 + i * core::kMinuteMs, 10, 11, 9, 10, 1});
  CoinMarketData c;
  c.spec = {"CCC", 1, 10, false};
  c.bars = candles_of(bars);
  auto cfg = config(kT0 + 5999 * core::kMinuteMs);
  cfg.interval = *core::Interval::parse("1m");
  MarketReplay m({c}, cfg);
  const auto all = m.candles(0, cfg.interval, 0, kT0 + 10 * core::kDayMs);
  ASSERT_EQ(all.size(), 5000u);
  EXPECT_EQ(all.front().t, kT0 + 1000 * core::kMinuteMs);
  EXPECT_EQ(all.back().t, kT0 + 5999 * core::kMinuteMs);
  const auto ten = m.candles(0, cfg.interval, 0, kT0 + 10 * core::kDayMs, 10);
  ASSERT_EQ(ten.size(), 10u);
  EXPECT_EQ(ten.front().t, kT0 + 5990 * core::kMinuteMs);
  const auto window = m.candles(0, cfg.interval, kT0 + 2000 * core::kMinuteMs + 30'000,
                                kT0 + 2002 * core::kMinuteMs);
  ASSERT_EQ(window.size(), 3u);  // every bar overlapping the window: 2000, 2001, 2002
  EXPECT_EQ(window.front().t, kT0 + 2000 * core::kMinuteMs);
  EXPECT_TRUE(m.candles(0, *core::Interval::parse("3d"), 0, kT0 + 10 * core::kDayMs).size() == 2u);
  EXPECT_TRUE(m.candles(0, *core::Interval::parse("1w"), 0, kT0 + 10 * core::kDayMs).size() == 1u);
  const auto month = m.candles(0, *core::Interval::parse("1M"), 0, kT0 + 10 * core::kDayMs);
  ASSERT_EQ(month.size(), 1u);
  EXPECT_EQ(month[0].t, kT0);
  EXPECT_EQ(month[0].close_time, kT0 + 31 * core::kDayMs - 1);
  EXPECT_DOUBLE_EQ(month[0].v, 5999 + 1.0 / 5);  // the last bar at its first tick of 5
}

// The oldest kept bucket of a coarser interval (computed, not stepped): 5000 buckets back from
// now's, and a 1w bucket opens on the Monday before a mid-week first bar (2024-01-01 is one).
TEST(MarketReplay, CoarseCandlesKeepTheLatest5000AndWeeksOpenOnTheMondayBefore) {
  auto replay_from = [](core::TimeMs first_bar, int n) {
    std::vector<data::Bar> bars;
    for (int i = 0; i < n; ++i) bars.push_back({first_bar + i * core::kMinuteMs, 10, 11, 9, 10, 1});
    CoinMarketData c;
    c.spec = {"CCC", 1, 10, false};
    c.bars = candles_of(bars);
    auto cfg = config(first_bar + (n - 1) * core::kMinuteMs);
    cfg.interval = *core::Interval::parse("1m");
    return MarketReplay({c}, cfg);
  };
  const auto m = replay_from(kT0 + 3 * core::kMinuteMs, 30000);  // now: kT0 + 30002 min
  const auto five = m.candles(0, *core::Interval::parse("5m"), 0, kT0 + 30 * core::kDayMs);
  ASSERT_EQ(five.size(), 5000u);
  EXPECT_EQ(five.back().t, kT0 + 30000 * core::kMinuteMs);
  EXPECT_EQ(five.front().t, kT0 + (30000 - 4999 * 5) * core::kMinuteMs);
  const auto w = replay_from(kT0 + 3 * core::kDayMs, 30000);  // Thursday to Thursday + 20.8 days
  const auto weeks = w.candles(0, *core::Interval::parse("1w"), 0, kT0 + 60 * core::kDayMs);
  ASSERT_EQ(weeks.size(), 4u);
  EXPECT_EQ(weeks.front().t, kT0);
  EXPECT_DOUBLE_EQ(weeks.front().v, 4 * 1440);  // Thursday to Sunday: 4 days of 1-minute bars
  EXPECT_EQ(weeks.back().t, kT0 + 21 * core::kDayMs);
}

TEST(MarketReplay, FundingHistoryShowsStoredRowsUpToNowOnly) {
  MarketReplay m(two_coins(), config(kT0 + core::kHourMs));
  auto h = m.funding_history(0, 0, kT0 + 10 * core::kHourMs);
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0].time, kT0 + core::kHourMs);
  EXPECT_DOUBLE_EQ(h[0].rate, 0.0001);
  EXPECT_DOUBLE_EQ(h[0].premium, 0.0001 - 0.0000125);
  Recorded r;
  m.advance_to(kT0 + 3 * core::kHourMs, r.listener());
  EXPECT_EQ(m.funding_history(0, 0, kT0 + 10 * core::kHourMs).size(), 2u);
  h = m.funding_history(0, kT0 + 3 * core::kHourMs, kT0 + 3 * core::kHourMs);
  ASSERT_EQ(h.size(), 1u);
  EXPECT_DOUBLE_EQ(h[0].rate, -0.0002);
  EXPECT_EQ(m.funding_history(0, 0, kT0 + 10 * core::kHourMs, 1).size(), 1u);
  EXPECT_TRUE(m.funding_history(1, 0, kT0 + 10 * core::kHourMs).empty());
  EXPECT_DOUBLE_EQ(m.current_funding(0), -0.0002);
}

TEST(MarketReplay, DayFiguresCoverTheLast24HoursToNow) {
  MarketReplay m(two_coins(), config(kT0 + 2 * core::kHourMs));
  // AAA: bars 00:00 .. 01:45 (volumes 10 .. 17) whole, 02:00 at its first of 5 ticks (18 / 5).
  EXPECT_DOUBLE_EQ(m.day_volume(0), 10 + 11 + 12 + 13 + 14 + 15 + 16 + 17 + 18.0 / 5);
  EXPECT_EQ(m.prev_day_price(0), 100);  // before the data: its first open
  EXPECT_EQ(m.price(0), 108);
}

TEST(MarketReplay, SameSeedSameTicksOtherSeedOtherBooks) {
  auto run = [](std::uint64_t seed) {
    auto cfg = config(kT0 + core::kHourMs);
    cfg.seed = seed;
    MarketReplay m(two_coins(), cfg);
    Recorded r;
    m.advance_to(kT0 + 2 * core::kHourMs, r.listener());
    return r;
  };
  const auto a = run(1), b = run(1), c = run(2);
  ASSERT_EQ(a.ticks.size(), b.ticks.size());
  bool books_differ = false;
  for (std::size_t i = 0; i < a.ticks.size(); ++i) {
    EXPECT_EQ(a.ticks[i].tick.price, b.ticks[i].tick.price);
    EXPECT_EQ(a.ticks[i].tick.bids[2].px, b.ticks[i].tick.bids[2].px);
    EXPECT_EQ(a.ticks[i].tick.asks[3].sz, b.ticks[i].tick.asks[3].sz);
    EXPECT_EQ(a.ticks[i].tick.price, c.ticks[i].tick.price);  // the path is the data's
    books_differ = books_differ || a.ticks[i].tick.asks[0].sz != c.ticks[i].tick.asks[0].sz;
  }
  EXPECT_TRUE(books_differ);
}

TEST(MarketReplay, FlashMoveBendsTheRestOfTheBarThenTheStoredPathResumes) {
  MarketReplay m(two_coins(), config(kT0 + core::kHourMs));
  Recorded r;
  m.advance_to(kT0 + core::kHourMs + 3 * core::kMinuteMs, r.listener());  // tick 1 of 01:00: 102
  m.inject_flash_move(0, -0.10);
  const auto saved = m.to_json();
  m.advance_to(kT0 + core::kHourMs + k15m, r.listener());
  // Ticks 2..4 go from 102 to 91.8 linearly: 98.6, 95.2, 91.8; the 01:15 bar opens at 105.
  std::vector<double> aaa;
  for (const auto& t : r.ticks) {
    if (t.asset == 0) aaa.push_back(static_cast<double>(t.tick.price) / 1e8);
  }
  EXPECT_EQ(aaa, (std::vector<double>{104, 102, 98.6, 95.2, 91.8, 105}));
  const auto bars = m.candles(0, kInterval, kT0 + core::kHourMs, kT0 + core::kHourMs);
  ASSERT_EQ(bars.size(), 1u);
  EXPECT_TRUE(bars[0].closed);
  EXPECT_EQ(bars[0].h, 104);
  EXPECT_EQ(bars[0].l, 91.8);
  EXPECT_EQ(bars[0].c, 91.8);
  EXPECT_EQ(m.price(0), 105);

  // A restart from the saved state replays the same moved path.
  MarketReplay restarted(two_coins(), config(kT0 + core::kHourMs));
  restarted.restore(saved);
  EXPECT_EQ(restarted.now(), kT0 + core::kHourMs + 3 * core::kMinuteMs);
  Recorded again;
  restarted.advance_to(kT0 + core::kHourMs + k15m, again.listener());
  ASSERT_EQ(again.ticks.size(), 8u);  // ticks 2, 3, 4 and 01:15, both assets
  EXPECT_EQ(again.ticks[4].tick.price, to_units(91.8));
  EXPECT_EQ(again.ticks[4].tick.bids[0].px, r.ticks[r.ticks.size() - 4].tick.bids[0].px);

  // At a bar's last tick the flash moves the next bar instead.
  m.advance_to(kT0 + core::kHourMs + k15m + 12 * core::kMinuteMs, r.listener());
  m.inject_flash_move(0, 0.5);
  Recorded next;
  m.advance_to(kT0 + core::kHourMs + 2 * k15m + 3 * core::kMinuteMs, next.listener());
  // 01:30 opens at 106 and tick 1 is a quarter of the way to 159: 119.25.
  EXPECT_EQ(next.ticks[0].tick.price, to_units(106));
  EXPECT_EQ(next.ticks[2].tick.price, to_units(119.25));
}

TEST(MarketReplay, RefusesAFromOffTheGridOrOutsideTheDataAndBadState) {
  auto message = [](core::TimeMs from) {
    try {
      MarketReplay m(two_coins(), config(from));
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no exception");
  };
  EXPECT_EQ(message(kT0 + core::kHourMs + 7 * core::kMinuteMs),
            "--from 2024-01-01 01:07:00 is not the open of a 15m bar");
  EXPECT_EQ(message(kT0),
            "--from 2024-01-01 00:00:00 is outside the BBB 15m bars (2024-01-01 01:00:00 .. "
            "2024-01-01 03:45:00)");
  EXPECT_EQ(message(kT0 + 4 * core::kHourMs),
            "--from 2024-01-01 04:00:00 is outside the AAA 15m bars (2024-01-01 "
            "00:00:00 .. 2024-01-01 03:45:00)");
  MarketReplay m(two_coins(), config(kT0 + core::kHourMs));
  EXPECT_THROW(m.restore(nlohmann::json{
                   {"now", kT0}, {"started", true}, {"flashes", nlohmann::json::array()}}),
               std::invalid_argument);
  EXPECT_THROW(m.restore(nlohmann::json{{"now", "x"}}), std::invalid_argument);
  EXPECT_THROW(m.inject_flash_move(0, -1.0), std::invalid_argument);
  EXPECT_THROW(m.inject_flash_move(2, 0.1), std::invalid_argument);
  try {
    m.price(2);
    FAIL();
  } catch (const std::out_of_range& e) {
    EXPECT_STREQ(e.what(), "the market has no asset 2 (it has 2)");
  }
  EXPECT_THROW(m.day_volume(-1), std::out_of_range);
  EXPECT_TRUE(m.candles(5, kInterval, 0, kT0 + core::kDayMs).empty());
  EXPECT_TRUE(m.candles(0, kInterval, kT0 + core::kDayMs, 0).empty());  // start after end
  EXPECT_TRUE(m.funding_history(-3, 0, kT0 + core::kDayMs).empty());
}

}  // namespace
}  // namespace organism::exchange::sim

// The circuit breakers trip and clear at hand-computed figures, with hysteresis, a latched halt
// that only resume leaves, and a restore that continues as the original would.
#include "backtest/circuit_breakers.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace organism::backtest {
namespace {

constexpr core::TimeMs kT0 = 1704067200000;  // 2024-01-01 00:00 UTC
constexpr core::TimeMs kH = 3'600'000;

// Every limit off; each test turns on the breaker it checks.
RiskLimits all_off() {
  RiskLimits l;
  l.max_drawdown = l.reduce_at = l.daily_loss = l.vol_k = l.stale_intervals = 0;
  l.stale_book_seconds = l.error_rate = l.asset_cap = l.max_leverage = 0;
  l.losing_streak = 0;
  return l;
}

RiskLimits drawdown_limits() {
  auto l = all_off();
  l.max_drawdown = 0.10;  // HALTED at 10%
  l.reduce_at = 0.5;      // REDUCING at 5%
  l.hysteresis = 0.2;     // cleared below 4%
  return l;
}

// The one transition of a call (fails the test when there is none or more than one).
Transition only(const std::vector<Transition>& made) {
  EXPECT_EQ(made.size(), 1u);
  return made.empty() ? Transition{} : made.front();
}

TEST(CircuitBreakers, DrawdownReducesThenClearsWithHysteresisThenHalts) {
  CircuitBreakers b(drawdown_limits(), 1);
  EXPECT_TRUE(b.on_equity(kT0, 10000).empty());
  EXPECT_TRUE(b.on_equity(kT0 + kH, 10500).empty());  // the peak
  // 1 - 9900/10500 = 0.05714 >= 0.05.
  auto t = only(b.on_equity(kT0 + 2 * kH, 9900));
  EXPECT_EQ(t.from, TradingState::active);
  EXPECT_EQ(t.to, TradingState::reducing);
  EXPECT_EQ(t.reason, Breaker::drawdown);
  EXPECT_EQ(t.time, kT0 + 2 * kH);
  EXPECT_EQ(t.describe(),
            "REDUCING by drawdown: drawdown 0.05714 >= limit 0.05 (peak 10500, equity 9900)");
  // 1 - 10000/10500 = 0.04762: below the trip line, above the clearing line 0.04: stays.
  EXPECT_TRUE(b.on_equity(kT0 + 3 * kH, 10000).empty());
  EXPECT_EQ(b.state(), TradingState::reducing);
  // 1 - 10100/10500 = 0.0381 < 0.04: cleared.
  t = only(b.on_equity(kT0 + 4 * kH, 10100));
  EXPECT_EQ(t.to, TradingState::active);
  EXPECT_EQ(t.reason, Breaker::drawdown);
  EXPECT_EQ(t.describe(),
            "ACTIVE by drawdown: drawdown 0.0381 < limit 0.04 (peak 10500, equity 10100)");
  // 1 - 9414.3/10500 = 0.1034 >= 0.10: halted straight from ACTIVE.
  t = only(b.on_equity(kT0 + 5 * kH, 9414.3));
  EXPECT_EQ(t.from, TradingState::active);
  EXPECT_EQ(t.to, TradingState::halted);
  EXPECT_EQ(t.describe(),
            "HALTED by drawdown: drawdown 0.1034 >= limit 0.1 (peak 10500, equity 9414.3)");
  ASSERT_FALSE(b.in_force().empty());
  EXPECT_EQ(b.in_force().front(), Breaker::drawdown);
}

TEST(CircuitBreakers, NoFlappingAtTheReducingLine) {
  CircuitBreakers b(drawdown_limits(), 1);
  b.on_equity(kT0, 10000);
  int transitions = 0;
  // Drawdowns 0.051, 0.049, 0.051, ...: one trip, never a clear (0.049 > 0.04).
  for (int i = 0; i < 20; ++i)
    transitions += static_cast<int>(b.on_equity(kT0 + i * kH, i % 2 ? 9510 : 9490).size());
  EXPECT_EQ(transitions, 1);
  EXPECT_EQ(b.state(), TradingState::reducing);
}

TEST(CircuitBreakers, LatchedHaltSurvivesRecoveryAndLeavesOnlyByResume) {
  CircuitBreakers b(drawdown_limits(), 1);
  b.on_equity(kT0, 10000);
  EXPECT_EQ(only(b.on_equity(kT0 + kH, 8900)).to, TradingState::halted);  // 11% down
  for (double e : {9500.0, 10000.0, 12000.0}) EXPECT_TRUE(b.on_equity(kT0 + 2 * kH, e).empty());
  EXPECT_EQ(b.state(), TradingState::halted);
  EXPECT_EQ(b.figures().front().first, "drawdown");
  EXPECT_DOUBLE_EQ(b.figures().front().second, 0);  // 12000 is the new peak
  const auto t = only(b.resume(kT0 + 3 * kH, 12000));
  EXPECT_EQ(t.from, TradingState::halted);
  EXPECT_EQ(t.to, TradingState::active);
  EXPECT_EQ(t.reason, Breaker::manual);
  EXPECT_EQ(t.describe(), "ACTIVE by manual: equity 12000");
  EXPECT_TRUE(b.resume(kT0 + 3 * kH, 12000).empty());  // not halted: no-op
  // The peak restarts at the resume's equity: 1 - 11300/12000 = 0.0583 reduces.
  EXPECT_EQ(only(b.on_equity(kT0 + 4 * kH, 11300)).to, TradingState::reducing);
}

TEST(CircuitBreakers, ManualHaltAndResume) {
  CircuitBreakers b(all_off(), 1);
  const auto t = only(b.halt(kT0, "flatten"));
  EXPECT_EQ(t.to, TradingState::halted);
  EXPECT_EQ(t.reason, Breaker::manual);
  EXPECT_EQ(t.describe(), "HALTED by manual");
  EXPECT_TRUE(b.halt(kT0, "again").empty());
  EXPECT_EQ(b.in_force(), std::vector<Breaker>{Breaker::manual});
  EXPECT_EQ(only(b.resume(kT0 + kH, 5000)).to, TradingState::active);
  EXPECT_TRUE(b.in_force().empty());
}

TEST(CircuitBreakers, DailyLossCountsFromTheFirstEquityOfTheUtcDay) {
  auto l = all_off();
  l.daily_loss = 0.05;
  CircuitBreakers b(l, 1);
  EXPECT_TRUE(b.on_equity(kT0 + kH, 10000).empty());      // day start 10000
  EXPECT_TRUE(b.on_equity(kT0 + 23 * kH, 9520).empty());  // 4.8%
  // Midnight belongs to the new day: its first equity is the new start, 9% below yesterday's.
  EXPECT_TRUE(b.on_equity(kT0 + 24 * kH, 9100).empty());
  EXPECT_TRUE(b.on_equity(kT0 + 25 * kH, 8660).empty());  // 1 - 8660/9100 = 4.84%
  const auto t = only(b.on_equity(kT0 + 26 * kH, 8640));  // 1 - 8640/9100 = 5.055%
  EXPECT_EQ(t.to, TradingState::halted);
  EXPECT_EQ(t.reason, Breaker::daily_loss);
  EXPECT_EQ(t.describe(),
            "HALTED by daily_loss: daily_loss 0.05055 >= limit 0.05 (day_start 9100, equity 8640)");
  // Latched: the next day does not lift it.
  EXPECT_TRUE(b.on_equity(kT0 + 49 * kH, 9000).empty());
  EXPECT_EQ(b.state(), TradingState::halted);
}

TEST(CircuitBreakers, LosingStreakReducesAndAWinClearsIt) {
  auto l = all_off();
  l.losing_streak = 3;
  CircuitBreakers b(l, 1);
  EXPECT_TRUE(b.on_trade(kT0, -1).empty());
  EXPECT_TRUE(b.on_trade(kT0, -1).empty());
  EXPECT_TRUE(b.on_trade(kT0, 0).empty());  // neither breaks nor extends
  auto t = only(b.on_trade(kT0 + kH, -1));
  EXPECT_EQ(t.to, TradingState::reducing);
  EXPECT_EQ(t.describe(), "REDUCING by losing_streak: losing_streak 3 >= limit 3 (pnl -1)");
  EXPECT_TRUE(b.on_trade(kT0 + kH, -2).empty());
  t = only(b.on_trade(kT0 + 2 * kH, 5));
  EXPECT_EQ(t.to, TradingState::active);
  EXPECT_EQ(t.describe(), "ACTIVE by losing_streak: losing_streak 0 < limit 3 (pnl 5)");
}

TEST(CircuitBreakers, VolatilityAboveKTimesItsMedian) {
  auto l = all_off();
  l.vol_k = 2;
  l.vol_window = 2;         // stdev of two returns a, b (ddof 1) = |a - b| / sqrt(2)
  l.vol_median_window = 3;  // median of the last three such values
  l.hysteresis = 0.2;
  CircuitBreakers b(l, 2);
  // Coin 1: volatilities 0 then 0.3536, a huge jump, but only two exist: not checked yet.
  for (double r : {0.0, 0.0, 0.5}) EXPECT_TRUE(b.on_bar_return(kT0, 1, r).empty());
  // Coin 0: volatilities 0.01414 three times (median 0.01414), then |-0.01 - 0.09| / sqrt(2)
  // = 0.07071 > 2 x 0.01414 (the window is 0.01414, 0.01414, 0.07071).
  for (double r : {0.01, -0.01, 0.01, -0.01}) EXPECT_TRUE(b.on_bar_return(kT0, 0, r).empty());
  auto t = only(b.on_bar_return(kT0 + kH, 0, 0.09));
  EXPECT_EQ(t.to, TradingState::reducing);
  EXPECT_EQ(t.reason, Breaker::volatility);
  EXPECT_EQ(t.describe(),
            "REDUCING by volatility: volatility 0.07071 >= limit 0.02828 (median 0.01414, coin 0)");
  ASSERT_EQ(t.figures.size(), 4u);
  EXPECT_NEAR(t.figures[0].second, 0.1 / std::sqrt(2.0), 1e-15);
  // Two equal returns: volatility 0; window 0.01414, 0.07071, 0 -> median 0.01414; 0 is below
  // the clearing line 2 x 0.8 x 0.01414 = 0.02263.
  t = only(b.on_bar_return(kT0 + 2 * kH, 0, 0.09));
  EXPECT_EQ(t.to, TradingState::active);
  EXPECT_NEAR(t.figures[1].second, 1.6 * 0.02 / std::sqrt(2.0), 1e-15);
}

TEST(CircuitBreakers, StaleBarsOrBookReduceUntilBothAreFresh) {
  auto l = all_off();
  l.stale_intervals = 2;
  l.stale_book_seconds = 60;
  CircuitBreakers b(l, 1);
  EXPECT_TRUE(b.on_data_age(kT0, 2 * kH, kH, -1).empty());  // exactly two intervals: not yet
  auto t = only(b.on_data_age(kT0, 2 * kH + 1, kH, -1));
  EXPECT_EQ(t.to, TradingState::reducing);
  EXPECT_EQ(t.reason, Breaker::stale_data);
  EXPECT_TRUE(b.on_data_age(kT0, 1000, kH, 60'001).empty());  // the bar is fresh, the book not
  t = only(b.on_data_age(kT0, 1000, kH, 60'000));
  EXPECT_EQ(t.to, TradingState::active);
  t = only(b.on_data_age(kT0, 1000, kH, 60'001));  // the book alone
  EXPECT_EQ(t.describe(), "REDUCING by stale_data: book_age_ms 60001 >= limit_ms 60000");
}

TEST(CircuitBreakers, ErrorRateOverTheLastWindowOfRequests) {
  auto l = all_off();
  l.error_rate = 0.5;
  l.error_window = 4;
  l.hysteresis = 0.2;  // cleared below 0.4
  CircuitBreakers b(l, 1);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(b.on_request(kT0, true).empty());  // 3 seen: not checked
  auto t = only(b.on_request(kT0, false));                                   // 3 of 4
  EXPECT_EQ(t.to, TradingState::reducing);
  EXPECT_EQ(t.describe(),
            "REDUCING by error_rate: error_rate 0.75 >= limit 0.5 (failed 3, requests 4)");
  EXPECT_TRUE(b.on_request(kT0, false).empty());  // 2 of 4 = 0.5: stays
  t = only(b.on_request(kT0, false));             // 1 of 4 = 0.25 < 0.4
  EXPECT_EQ(t.to, TradingState::active);
  EXPECT_EQ(t.reason, Breaker::error_rate);
}

TEST(CircuitBreakers, TheStateIsTheWorstConditionAndTheLastClearNamesIt) {
  auto l = drawdown_limits();
  l.losing_streak = 2;
  CircuitBreakers b(l, 1);
  b.on_equity(kT0, 10000);
  EXPECT_EQ(only(b.on_equity(kT0 + kH, 9400)).reason, Breaker::drawdown);  // 6%
  EXPECT_TRUE(b.on_trade(kT0 + kH, -1).empty());
  EXPECT_TRUE(b.on_trade(kT0 + kH, -1).empty());  // streak 2: REDUCING already
  EXPECT_EQ(b.in_force(), (std::vector<Breaker>{Breaker::drawdown, Breaker::losing_streak}));
  EXPECT_TRUE(b.on_equity(kT0 + 2 * kH, 9700).empty());  // 3%: drawdown clears, streak holds
  const auto t = only(b.on_trade(kT0 + 3 * kH, 1));
  EXPECT_EQ(t.to, TradingState::active);
  EXPECT_EQ(t.reason, Breaker::losing_streak);
}

TEST(CircuitBreakers, RestoreAfterMemoryContinuesIdentically) {
  auto l = drawdown_limits();
  l.max_drawdown = 0.2;  // the REDUCING band stays at 5% (0.25 x 0.2), cleared below 4%
  l.reduce_at = 0.25;
  l.daily_loss = 0.08;
  l.losing_streak = 3;
  CircuitBreakers a(l, 1);
  // A first part that leaves a peak, a day start, a streak and a REDUCING drawdown band.
  a.on_equity(kT0 + kH, 10000);
  a.on_equity(kT0 + 2 * kH, 10800);
  a.on_trade(kT0 + 2 * kH, -3);
  a.on_trade(kT0 + 2 * kH, -3);
  a.on_equity(kT0 + 3 * kH, 10200);  // 5.6% down: REDUCING
  ASSERT_EQ(a.state(), TradingState::reducing);
  const auto memory = a.memory();
  EXPECT_DOUBLE_EQ(memory.peak, 10800);
  EXPECT_DOUBLE_EQ(memory.day_start, 10000);
  EXPECT_EQ(memory.losing_streak, 2);
  CircuitBreakers b(l, 1);
  b.restore(memory);
  EXPECT_EQ(b.state(), TradingState::reducing);
  // The rest: a recovery inside the hysteresis, a third loss, a fall that halts on the daily loss.
  std::vector<Transition> ta, tb;
  auto both = [&](auto call) {
    for (auto& t : call(a)) ta.push_back(t);
    for (auto& t : call(b)) tb.push_back(t);
  };
  both([](CircuitBreakers& x) { return x.on_equity(kT0 + 4 * kH, 10300); });
  both([](CircuitBreakers& x) { return x.on_trade(kT0 + 4 * kH, -1); });
  both([](CircuitBreakers& x) { return x.on_equity(kT0 + 5 * kH, 10500); });
  both([](CircuitBreakers& x) { return x.on_trade(kT0 + 5 * kH, 2); });
  both([](CircuitBreakers& x) { return x.on_equity(kT0 + 6 * kH, 9150); });  // 8.5% of 10000
  ASSERT_EQ(ta.size(), tb.size());
  ASSERT_FALSE(ta.empty());
  for (std::size_t i = 0; i < ta.size(); ++i) {
    EXPECT_EQ(ta[i].describe(), tb[i].describe());
    EXPECT_EQ(ta[i].time, tb[i].time);
    EXPECT_EQ(ta[i].from, tb[i].from);
  }
  EXPECT_EQ(ta.back().to, TradingState::halted);
  EXPECT_EQ(ta.back().reason, Breaker::daily_loss);
  EXPECT_EQ(b.memory().latched, Breaker::daily_loss);
  EXPECT_EQ(a.figures(), b.figures());
}

// A flat book in REDUCING can neither recover its drawdown nor close a winning trade: a new UTC
// day re-arms the band (from the equity then) and the streak, while the halt keeps the true peak.
TEST(CircuitBreakers, ANewUtcDayRearmsTheDrawdownBandAndTheLosingStreak) {
  auto l = drawdown_limits();
  l.losing_streak = 2;
  CircuitBreakers b(l, 1);
  b.on_equity(kT0, 10000);
  EXPECT_EQ(only(b.on_equity(kT0 + kH, 9450)).to, TradingState::reducing);  // 5.5% >= 5%
  EXPECT_TRUE(b.on_equity(kT0 + 23 * kH, 9450).empty());                    // same day: stays
  const auto next_day = only(b.on_equity(kT0 + 24 * kH, 9500));             // 00:00 the next day
  EXPECT_EQ(next_day.to, TradingState::active);
  EXPECT_EQ(next_day.reason, Breaker::drawdown);
  EXPECT_EQ(next_day.describe(), "ACTIVE by drawdown: re-armed by the new UTC day (equity 9500)");
  // The band now measures from 9500: 9030 (4.95% below) does not trip it, 9020 (5.05%) does.
  EXPECT_TRUE(b.on_equity(kT0 + 25 * kH, 9030).empty());
  EXPECT_EQ(only(b.on_equity(kT0 + 26 * kH, 9020)).to, TradingState::reducing);
  // The halt still counts from the first peak, 10000: 8990 is 10.1% below it.
  const auto halt = only(b.on_equity(kT0 + 27 * kH, 8990));
  EXPECT_EQ(halt.to, TradingState::halted);
  EXPECT_NEAR(halt.figures.at(0).second, 0.101, 1e-12);
  // The streak: two losses reduce; the next day clears it and counts from 0 again.
  CircuitBreakers s(l, 1);
  s.on_equity(kT0, 10000);
  EXPECT_TRUE(s.on_trade(kT0 + kH, -5).empty());
  EXPECT_EQ(only(s.on_trade(kT0 + 2 * kH, -5)).to, TradingState::reducing);
  EXPECT_EQ(only(s.on_equity(kT0 + 24 * kH, 9990)).reason, Breaker::losing_streak);
  EXPECT_EQ(s.state(), TradingState::active);
  EXPECT_TRUE(s.on_trade(kT0 + 25 * kH, -5).empty());  // 1 of 2
}

TEST(CircuitBreakers, NamesRoundTrip) {
  for (auto s : {TradingState::active, TradingState::reducing, TradingState::halted})
    EXPECT_EQ(trading_state_from(name_of(s)), s);
  for (auto r : {Breaker::drawdown, Breaker::daily_loss, Breaker::losing_streak,
                 Breaker::volatility, Breaker::stale_data, Breaker::error_rate, Breaker::manual})
    EXPECT_EQ(breaker_from(name_of(r)), r);
  EXPECT_EQ(name_of(TradingState::halted), "HALTED");
  EXPECT_EQ(name_of(Breaker::daily_loss), "daily_loss");
  EXPECT_FALSE(breaker_from("nope"));
}

}  // namespace
}  // namespace organism::backtest

#include "data/synth.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace organism::data {
namespace {

// Statistics written out with plain loops, independent of the generator's code.

std::vector<double> log_returns(const Candles& c) {
  std::vector<double> r;
  for (std::size_t i = 1; i < c.size(); ++i) r.push_back(std::log(c.close()[i] / c.close()[i - 1]));
  return r;
}

double mean(const std::vector<double>& x) {
  double s = 0;
  for (double v : x) s += v;
  return s / static_cast<double>(x.size());
}

double stddev(const std::vector<double>& x) {
  const double m = mean(x);
  double s = 0;
  for (double v : x) s += (v - m) * (v - m);
  return std::sqrt(s / static_cast<double>(x.size() - 1));
}

double excess_kurtosis(const std::vector<double>& x) {
  const double m = mean(x);
  double m2 = 0, m4 = 0;
  for (double v : x) {
    const double d = (v - m) * (v - m);
    m2 += d;
    m4 += d * d;
  }
  const auto n = static_cast<double>(x.size());
  m2 /= n;
  m4 /= n;
  return m4 / (m2 * m2) - 3.0;
}

double correlation(const std::vector<double>& a, const std::vector<double>& b) {
  const double ma = mean(a), mb = mean(b);
  double sab = 0, saa = 0, sbb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  return sab / std::sqrt(saa * sbb);
}

double abs_autocorrelation_lag1(const std::vector<double>& r) {
  std::vector<double> a(r.size()), lead, lag;
  for (std::size_t i = 0; i < r.size(); ++i) a[i] = std::abs(r[i]);
  for (std::size_t i = 1; i < a.size(); ++i) {
    lag.push_back(a[i - 1]);
    lead.push_back(a[i]);
  }
  return correlation(lag, lead);
}

// The checks DESIGN.md applies to any imported bar, plus a gapless, aligned time grid.
void expect_valid_bars(const Candles& c, const core::Interval& interval, TimeMs start,
                       std::size_t bars) {
  ASSERT_EQ(c.size(), bars);
  EXPECT_EQ(c.time()[0], start);
  std::size_t bad = 0;
  for (std::size_t i = 0; i < c.size(); ++i) {
    const Bar b = c.bar(i);
    const bool ok =
        std::isfinite(b.open) && std::isfinite(b.high) && std::isfinite(b.low) &&
        std::isfinite(b.close) && std::isfinite(b.volume) && b.open > 0 && b.low > 0 &&
        b.high >= std::max(b.open, b.close) && b.low <= std::min(b.open, b.close) &&
        b.volume >= 0 && interval.is_aligned(b.time) &&
        (i == 0 || (b.time == interval.next(c.time()[i - 1]) && b.open == c.close()[i - 1]));
    if (!ok && bad++ < 5) ADD_FAILURE() << interval.name() << " bad bar " << i << " at " << b.time;
  }
  EXPECT_EQ(bad, 0u);
}

SynthOptions hourly(std::size_t bars, double correlation = 0.6) {
  SynthOptions o;
  o.bars = bars;
  o.correlation = correlation;
  return o;
}

TEST(Synth, SameSeedGivesIdenticalMarket) {
  const SynthOptions o = hourly(5000);
  const SynthMarket a = generate_market(o);
  const SynthMarket b = generate_market(o);
  ASSERT_EQ(a.candles.size(), 3u);
  ASSERT_EQ(a.funding.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(a.candles[i].key, b.candles[i].key);
    EXPECT_TRUE(a.candles[i].bars == b.candles[i].bars);
    EXPECT_EQ(a.funding[i].time, b.funding[i].time);
    EXPECT_EQ(a.funding[i].rate, b.funding[i].rate);
  }
  EXPECT_EQ(a.regimes, b.regimes);
  EXPECT_EQ(a.candles[1].key.label(), "synth:ETH:1h");
}

TEST(Synth, DifferentSeedGivesDifferentMarket) {
  SynthOptions o = hourly(2000);
  const SynthMarket a = generate_market(o);
  o.seed = 2;
  const SynthMarket b = generate_market(o);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_FALSE(a.candles[i].bars == b.candles[i].bars);
    EXPECT_NE(a.candles[i].bars.close()[1], b.candles[i].bars.close()[1]);
    EXPECT_NE(a.funding[i].rate, b.funding[i].rate);
  }
}

TEST(Synth, CoinPathDoesNotDependOnTheOtherCoins) {
  SynthOptions three = hourly(3000);
  SynthOptions two = three;
  two.coins = {"SOL", "BTC"};
  const SynthMarket a = generate_market(three);
  const SynthMarket b = generate_market(two);
  EXPECT_TRUE(a.candles[2].bars == b.candles[0].bars);  // SOL
  EXPECT_TRUE(a.candles[0].bars == b.candles[1].bars);  // BTC
  EXPECT_EQ(a.funding[2].rate, b.funding[0].rate);
  EXPECT_FALSE(a.candles[0].bars == b.candles[0].bars);
}

TEST(Synth, EveryBarIsValidForShortAndLongIntervals) {
  struct Case {
    const char* interval;
    std::size_t bars;
    TimeMs start;
  };
  const TimeMs jan_2020 = 1577836800000;
  const TimeMs monday_2020_01_06 = 1578268800000;
  for (const Case& k :
       {Case{"1m", 30000, jan_2020}, Case{"1h", 20000, jan_2020}, Case{"1d", 5000, jan_2020},
        Case{"1w", 1000, monday_2020_01_06}, Case{"1M", 600, jan_2020}}) {
    SynthOptions o;
    o.interval = *core::Interval::parse(k.interval);
    o.bars = k.bars;
    o.start = k.start;
    o.coins = {"BTC", "ETH", "SOL", "NEWCOIN"};
    const SynthMarket m = generate_market(o);
    ASSERT_EQ(m.candles.size(), 4u);
    ASSERT_EQ(m.regimes.size(), k.bars);
    for (const auto& s : m.candles) {
      EXPECT_EQ(s.key.interval, o.interval);
      expect_valid_bars(s.bars, o.interval, k.start, k.bars);
    }
  }
}

TEST(Synth, MonthBarsFollowTheCalendar) {
  SynthOptions o;
  o.interval = *core::Interval::parse("1M");
  o.bars = 3;
  const SynthMarket m = generate_market(o);
  const auto t = m.candles[0].bars.time();
  EXPECT_EQ(t[1], 1580515200000);  // 2020-02-01
  EXPECT_EQ(t[2], 1583020800000);  // 2020-03-01 (2020 is a leap year)
  // Funding runs to the last bar's close, 2020-04-01.
  EXPECT_EQ(m.funding[0].time.back(), 1585699200000);
}

TEST(Synth, StylizedFactsOfHourlyReturns) {
  const SynthMarket m = generate_market(hourly(20000));
  std::vector<std::vector<double>> r;
  for (const auto& s : m.candles) r.push_back(log_returns(s.bars));
  const std::vector<double> vols{0.55, 0.70, 0.90};  // built-in BTC, ETH, SOL profiles
  for (std::size_t i = 0; i < r.size(); ++i) {
    EXPECT_GT(excess_kurtosis(r[i]), 1.0) << i;
    EXPECT_GT(abs_autocorrelation_lag1(r[i]), 0.05) << i;
    // Jumps and trends add to the diffusive volatility, so allow a band above it.
    const double annual = stddev(r[i]) * std::sqrt(8760.0);
    EXPECT_GT(annual, 0.85 * vols[i]) << i;
    EXPECT_LT(annual, 1.35 * vols[i]) << i;
  }
  for (std::size_t i = 0; i < r.size(); ++i) {
    for (std::size_t j = i + 1; j < r.size(); ++j) {
      EXPECT_NEAR(correlation(r[i], r[j]), 0.6, 0.1) << i << "," << j;
    }
  }
}

// The option sets the correlation of the shocks; each coin's own GARCH variance and own jumps
// pull the realized correlation of returns slightly toward zero (0.6 measures about 0.56).
std::vector<double> pairwise_correlations(double rho) {
  const SynthMarket m = generate_market(hourly(20000, rho));
  const auto a = log_returns(m.candles[0].bars), b = log_returns(m.candles[1].bars),
             c = log_returns(m.candles[2].bars);
  return {correlation(a, b), correlation(a, c), correlation(b, c)};
}

TEST(Synth, CorrelationFollowsTheOption) {
  for (double rho : {0.0, 0.9}) {
    for (double measured : pairwise_correlations(rho)) EXPECT_NEAR(measured, rho, 0.1) << rho;
  }
  // Negative correlation takes the eigen-split path; attenuation is relative, hence the band.
  for (double measured : pairwise_correlations(-0.3)) {
    EXPECT_LT(measured, -0.15);
    EXPECT_GT(measured, -0.35);
  }
}

// Counts moves beyond k standard deviations of the whole series.
int extreme_moves(const std::vector<double>& r, double k) {
  const double m = mean(r), s = stddev(r);
  int n = 0;
  for (double v : r) n += std::abs(v - m) > k * s ? 1 : 0;
  return n;
}

// Jumps draw from streams of their own, so switching them off leaves the diffusive path in place
// and the difference between the two runs isolates the jump bars.
TEST(Synth, JumpsAreRareLargeMovesOnTopOfTheDiffusion) {
  SynthOptions o = hourly(20000);
  const SynthMarket with = generate_market(o);
  o.jumps_per_year = 0;
  const SynthMarket without = generate_market(o);
  const std::vector<double> vols{0.55, 0.70, 0.90};
  int extreme = 0;
  for (std::size_t i = 0; i < 3; ++i) {
    const auto rw = log_returns(with.candles[i].bars), ro = log_returns(without.candles[i].bars);
    extreme += extreme_moves(rw, 6.0);
    // The smallest jump is half of jump_size daily sigmas; reversion toward the ranging level
    // shifts later bars by far less than that.
    const double smallest = 0.5 * o.jump_size * vols[i] / std::sqrt(365.0);
    int jump_bars = 0;
    for (std::size_t t = 0; t < rw.size(); ++t) {
      jump_bars += std::abs(rw[t] - ro[t]) > 0.9 * smallest ? 1 : 0;
    }
    // 8 a year over 20,000 hours: about 18 per coin.
    EXPECT_GE(jump_bars, 6) << i;
    EXPECT_LE(jump_bars, 40) << i;
  }
  EXPECT_GT(extreme, 0);
}

// Crash-only jumps, large and frequent: uncompensated they would take the log price about
// 50 * 5 * 0.8 / sqrt(365) * 10 = 105 lower over ten years.
TEST(Synth, JumpsAreCompensatedSoPricesDoNotDrift) {
  SynthOptions o;
  o.coins = {"A", "B", "C", "D", "E"};  // unknown names: annual vol 0.80
  o.correlation = 0.0;
  o.interval = *core::Interval::parse("1d");
  o.bars = 3650;
  o.jumps_per_year = 50;
  o.jump_size = 5;
  o.jump_down_share = 1.0;
  const SynthMarket m = generate_market(o);
  double total = 0;
  for (const auto& s : m.candles) {
    total += std::log(s.bars.close().back() / s.bars.open().front());
    expect_valid_bars(s.bars, o.interval, o.start, o.bars);
  }
  EXPECT_NEAR(total / 5.0, 0.0, 20.0);
}

TEST(Synth, CenturiesOfBarsStayFiniteAndPositive) {
  SynthOptions o;
  o.coins = {"SOL"};
  o.interval = *core::Interval::parse("1M");
  o.bars = 6000;  // 500 years of months
  const SynthMarket m = generate_market(o);
  expect_valid_bars(m.candles[0].bars, o.interval, o.start, o.bars);
  double lowest = INFINITY, highest = 0;
  for (std::size_t i = 0; i < o.bars; ++i) {
    lowest = std::min(lowest, m.candles[0].bars.low()[i]);
    highest = std::max(highest, m.candles[0].bars.high()[i]);
  }
  EXPECT_GT(lowest, 100.0 * 1e-20);
  EXPECT_LT(highest, 100.0 * 1e20);
}

TEST(Synth, RegimesSwitchAndShapeThePath) {
  const SynthMarket m = generate_market(hourly(30000));
  std::array<int, 3> count{};
  int switches = 0;
  for (std::size_t t = 0; t < m.regimes.size(); ++t) {
    ++count[static_cast<int>(m.regimes[t])];
    if (t > 0 && m.regimes[t] != m.regimes[t - 1]) ++switches;
  }
  for (int k = 0; k < 3; ++k) EXPECT_GT(count[k], 30000 / 20) << k;
  EXPECT_GT(switches, 20);
  EXPECT_LT(switches, 300);  // persistent episodes, not noise

  // Returns of bar t were drawn under regimes[t]; regimes[0] has no return in log_returns.
  const auto r = log_returns(m.candles[0].bars);
  std::array<double, 3> abs_sum{};
  for (std::size_t t = 0; t < r.size(); ++t)
    abs_sum[static_cast<int>(m.regimes[t + 1])] += std::abs(r[t]);
  const double volatile_abs = abs_sum[2] / count[2], ranging_abs = abs_sum[1] / count[1];
  EXPECT_GT(volatile_abs, 1.5 * ranging_abs);

  // Over an episode, trends travel and ranges stay near their level: compare the net move of
  // each episode against its length's random-walk scale.
  const double s = stddev(r);
  std::array<double, 3> travel{};
  std::array<int, 3> episodes{};
  std::size_t begin = 0;
  for (std::size_t t = 1; t <= r.size(); ++t) {
    if (t < r.size() && m.regimes[t + 1] == m.regimes[begin + 1]) continue;
    const std::size_t len = t - begin;
    if (len >= 48) {
      double net = 0;
      for (std::size_t i = begin; i < t; ++i) net += r[i];
      const int k = static_cast<int>(m.regimes[begin + 1]);
      travel[k] += std::abs(net) / (s * std::sqrt(static_cast<double>(len)));
      ++episodes[k];
    }
    begin = t;
  }
  ASSERT_GT(episodes[0], 3);
  ASSERT_GT(episodes[1], 3);
  EXPECT_GT(travel[0] / episodes[0], 1.5 * travel[1] / episodes[1]);
}

TEST(Synth, FundingIsHourlyAndCoversTheSpan) {
  SynthOptions o = hourly(20000);
  const SynthMarket m = generate_market(o);
  const TimeMs end = o.start + 20000 * core::kHourMs;
  for (const auto& f : m.funding) {
    EXPECT_EQ(f.venue, "synth");
    EXPECT_EQ(f.interval_ms, core::kHourMs);
    ASSERT_EQ(f.size(), 20001u);
    ASSERT_EQ(f.rate.size(), f.time.size());
    EXPECT_EQ(f.time.front(), o.start);
    EXPECT_EQ(f.time.back(), end);
    int positive = 0, negative = 0;
    double sum = 0;
    for (std::size_t i = 0; i < f.size(); ++i) {
      if (i > 0) {
        ASSERT_EQ(f.time[i] - f.time[i - 1], core::kHourMs);
      }
      ASSERT_TRUE(std::isfinite(f.rate[i]));
      ASSERT_LE(std::abs(f.rate[i]), o.funding_cap);
      positive += f.rate[i] > 0 ? 1 : 0;
      negative += f.rate[i] < 0 ? 1 : 0;
      sum += f.rate[i];
    }
    EXPECT_GT(positive, negative);
    EXPECT_GT(negative, 500);
    EXPECT_NEAR(sum / static_cast<double>(f.size()), o.funding_base, 1e-5);
  }
}

TEST(Synth, FundingCoversMinuteAndDailySpansOnTheHour) {
  SynthOptions o;
  o.coins = {"BTC"};
  o.interval = *core::Interval::parse("1m");
  o.start = 1577836800000 + 17 * core::kMinuteMs;  // 00:17
  o.bars = 200;                                    // closes at 03:37
  SynthMarket m = generate_market(o);
  ASSERT_EQ(m.funding[0].size(), 3u);
  EXPECT_EQ(m.funding[0].time.front(), 1577836800000 + core::kHourMs);
  EXPECT_EQ(m.funding[0].time.back(), 1577836800000 + 3 * core::kHourMs);

  o.interval = *core::Interval::parse("1d");
  o.start = 1577836800000;
  o.bars = 10;
  m = generate_market(o);
  ASSERT_EQ(m.funding[0].size(), 241u);  // 00:00 on day 1 to 00:00 after day 10
  EXPECT_EQ(m.funding[0].time.back(), o.start + 10 * core::kDayMs);
}

TEST(Synth, ProgressIsReportedNowAndThenAndFinishes) {
  std::vector<std::size_t> done;
  SynthOptions o = hourly(200000);
  o.coins = {"BTC"};
  generate_market(o, [&](std::size_t d, std::size_t total) {
    EXPECT_EQ(total, 200000u);
    done.push_back(d);
  });
  ASSERT_EQ(done.size(), 4u);  // 65536, 131072, 196608, 200000
  EXPECT_EQ(done.front(), 65536u);
  EXPECT_EQ(done.back(), 200000u);
}

void expect_rejected(const std::function<void(SynthOptions&)>& change, const std::string& option) {
  SynthOptions o;
  change(o);
  try {
    check_options(o);
    ADD_FAILURE() << "accepted a bad '" << option << "'";
  } catch (const core::UsageError& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("'" + option + "'"));
  }
  EXPECT_THROW(generate_market(o), core::UsageError) << option;
}

TEST(Synth, ValidateRejectsBadOptions) {
  EXPECT_NO_THROW(check_options(SynthOptions{}));
  expect_rejected([](SynthOptions& o) { o.coins.clear(); }, "coins");
  expect_rejected([](SynthOptions& o) { o.coins = {"BTC", "ETH", "BTC"}; }, "coins");
  expect_rejected([](SynthOptions& o) { o.coins = {"BTC", ""}; }, "coins");
  expect_rejected([](SynthOptions& o) { o.bars = 0; }, "bars");
  expect_rejected([](SynthOptions& o) { o.bars = 50'000'001; }, "bars");
  expect_rejected([](SynthOptions& o) { o.correlation = 1.0; }, "correlation");
  expect_rejected([](SynthOptions& o) { o.correlation = -0.51; }, "correlation");  // 3 coins
  expect_rejected([](SynthOptions& o) { o.correlation = std::nan(""); }, "correlation");
  expect_rejected([](SynthOptions& o) { o.start += core::kMinuteMs; }, "start");
  expect_rejected([](SynthOptions& o) { o.interval = *core::Interval::parse("1w"); }, "start");
  expect_rejected([](SynthOptions& o) { o.start = -core::kHourMs; }, "start");
  expect_rejected([](SynthOptions& o) { o.start_prices = {1.0, 2.0}; }, "start_prices");
  expect_rejected([](SynthOptions& o) { o.start_prices = {1.0, 0.0, 3.0}; }, "start_prices");
  expect_rejected([](SynthOptions& o) { o.annual_vols = {0.5, -0.1, 0.5}; }, "annual_vols");
  expect_rejected([](SynthOptions& o) { o.garch_alpha = 0.1; }, "garch_beta");  // 0.1 + 0.92
  expect_rejected([](SynthOptions& o) { o.garch_alpha = -0.01; }, "garch_alpha");
  expect_rejected([](SynthOptions& o) { o.tail_dof = 2; }, "tail_dof");
  expect_rejected([](SynthOptions& o) { o.jumps_per_year = -1; }, "jumps_per_year");
  expect_rejected([](SynthOptions& o) { o.jump_down_share = 1.5; }, "jump_down_share");
  expect_rejected([](SynthOptions& o) { o.volatile_days = 0; }, "volatile_days");
  expect_rejected([](SynthOptions& o) { o.range_variance = INFINITY; }, "range_variance");
  expect_rejected([](SynthOptions& o) { o.daily_volume = 0; }, "daily_volume");
  expect_rejected([](SynthOptions& o) { o.funding_cap = 0; }, "funding_cap");
  expect_rejected([](SynthOptions& o) { o.funding_base = 0.01; }, "funding_base");
  expect_rejected([](SynthOptions& o) { o.venue.clear(); }, "venue");
  // 2M daily bars reach past year 9999; 3M of them would also mean 72M funding settlements.
  expect_rejected(
      [](SynthOptions& o) {
        o.interval = *core::Interval::parse("1d");
        o.bars = 3'000'000;
      },
      "bars");
  expect_rejected(
      [](SynthOptions& o) {
        o.interval = *core::Interval::parse("12h");
        o.bars = 4'200'001;
      },
      "bars");
}

TEST(Synth, AcceptsEdgeOptions) {
  SynthOptions o = hourly(500, -0.5);  // the lowest correlation three coins can share
  o.start_prices = {1e-6, 1.0, 1e9};
  o.annual_vols = {0.1, 1.0, 3.0};
  o.jump_common_share = 1.0;
  EXPECT_NO_THROW(check_options(o));
  const SynthMarket m = generate_market(o);
  for (const auto& s : m.candles) expect_valid_bars(s.bars, o.interval, o.start, 500);
  EXPECT_EQ(m.candles[0].bars.open()[0], 1e-6);

  SynthOptions one = hourly(100, -1.0);  // a single coin has no pairs to constrain
  one.coins = {"BTC"};
  EXPECT_NO_THROW(generate_market(one));
  EXPECT_EQ(regime_name(Regime::Volatile), "volatile");
}

}  // namespace
}  // namespace organism::data

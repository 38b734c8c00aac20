#include "backtest/metrics.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace organism::backtest {
namespace {

constexpr double kTol = 1e-12;

std::vector<double> zeros(std::size_t n) { return std::vector<double>(n, 0.0); }

MetricsOptions opts(double bars_per_year, int windows = 12, double initial = 10000) {
  MetricsOptions o;
  o.bars_per_year = bars_per_year;
  o.consistency_windows = windows;
  o.initial_equity = initial;
  return o;
}

Metrics run(const std::vector<double>& equity, const MetricsOptions& o,
            const std::vector<Trade>& trades = {}) {
  const std::vector<double> exposure = zeros(equity.size());
  return compute_metrics(equity, exposure, trades, o);
}

void expect_all_finite(const Metrics& m) {
  for_each_metric(m, [](std::string_view name, double v) {
    EXPECT_TRUE(std::isfinite(v)) << name << " = " << v;
  });
}

Trade closed_trade(double pnl, double size, double entry_price) {
  Trade t;
  t.side = 1;
  t.size = size;
  t.entry_price = entry_price;
  t.exit_price = entry_price + pnl / size;
  t.pnl = pnl;
  return t;
}

// Equity 10000 -> 11000 -> 9900 -> 10890, four bars a year, exposure {1, 1, 0}.
TEST(Metrics, HandComputedThreeBars) {
  const std::vector<double> equity{11000, 9900, 10890};
  const std::vector<double> exposure{1, 1, 0};
  const Metrics m = compute_metrics(equity, exposure, {}, opts(4, 3));
  // r = {1000/10000, -1100/11000, 990/9900} = {0.1, -0.1, 0.1}; mean = 1/30.
  // Deviations {1/15, -2/15, 1/15}: sum of squares = 6/225 = 2/75, var(ddof=1) = 1/75.
  // volatility = sqrt(1/75) * sqrt(4) = 0.2309401077; sharpe = (1/30) / sqrt(1/75) * 2 = 1/sqrt(3).
  EXPECT_NEAR(m.volatility, 2.0 / std::sqrt(75.0), kTol);
  EXPECT_NEAR(m.sharpe, 1.0 / std::sqrt(3.0), kTol);
  // Downside deviation = sqrt(0.01 / 3) over all three bars; sortino = (1/30) / it * 2 = 2/sqrt(3).
  EXPECT_NEAR(m.sortino, 2.0 / std::sqrt(3.0), kTol);
  // Peak 11000 after bar 0; 9900 is 10% below, 10890 1% below; bars 1 and 2 are under water.
  EXPECT_NEAR(m.max_drawdown, 0.1, kTol);
  EXPECT_EQ(m.max_drawdown_duration, 2);
  // 10890 / 10000 - 1 = 0.089 over 3/4 of a year: cagr = 1.089^(4/3) - 1 = 0.1203934...
  EXPECT_DOUBLE_EQ(m.final_equity, 10890);
  EXPECT_NEAR(m.total_return, 0.089, kTol);
  EXPECT_NEAR(m.cagr, std::pow(1.089, 4.0 / 3.0) - 1.0, kTol);
  EXPECT_NEAR(m.cagr, 0.12039, 1e-5);
  EXPECT_NEAR(m.calmar, m.cagr / 0.1, 1e-10);
  // K = 3 windows of one bar each: +10%, -10%, +10% -> 2 of 3 positive.
  EXPECT_NEAR(m.consistency, 2.0 / 3.0, kTol);
  // Population moments: m2 = (2/75)/3 = 2/225; m3 = (1 - 8 + 1)/3375/3 = -2/3375;
  // m4 = (1 + 16 + 1)/50625/3 = 6/50625. skew = m3 / m2^1.5 = -1/sqrt(2); kurtosis = 6/4 - 3.
  EXPECT_NEAR(m.skew, -1.0 / std::sqrt(2.0), 1e-10);
  EXPECT_NEAR(m.kurtosis, -1.5, 1e-10);
  // Sorted r = {-0.1, 0.1, 0.1}; h = 0.05 * 2 = 0.1 -> q = -0.1 + 0.1 * 0.2 = -0.08.
  // Only -0.1 is <= q, so CVaR = 0.1.
  EXPECT_NEAR(m.var_95, 0.08, kTol);
  EXPECT_NEAR(m.cvar_95, 0.1, kTol);
  // In the market 2 of 3 bars; |1-0| + |1-1| + |0-1| = 2 per 0.75 years.
  EXPECT_NEAR(m.exposure, 2.0 / 3.0, kTol);
  EXPECT_NEAR(m.turnover, 2.0 / 0.75, kTol);
  // 0.5 * (0.57735 / 3) + 0.3 * 2/3 - 0.2 * (0.1 / 0.5) = 0.0962250 + 0.2 - 0.04.
  EXPECT_NEAR(m.combined_score, 0.5 / (3.0 * std::sqrt(3.0)) + 0.2 - 0.04, kTol);
  EXPECT_EQ(m.trades, 0);
}

TEST(Metrics, TradeStatistics) {
  // Returns on notional: 100/(0.5*2000) = 0.1, -50/(2*500) = -0.05, 30/(1*1000) = 0.03,
  // 0/(1*1000) = 0, -20/(4*250) = -0.02. The open trade (+1000) is left out.
  std::vector<Trade> trades{closed_trade(100, 0.5, 2000), closed_trade(-50, 2, 500),
                            closed_trade(30, 1, 1000), closed_trade(0, 1, 1000),
                            closed_trade(-20, 4, 250)};
  Trade open = closed_trade(1000, 1, 1000);
  open.open = true;
  trades.push_back(open);
  const Metrics m = run({10000, 10100}, opts(8760), trades);
  EXPECT_EQ(m.trades, 5);
  EXPECT_NEAR(m.win_rate, 2.0 / 5.0, kTol);          // 100 and 30 win; 0 is not a win
  EXPECT_NEAR(m.profit_factor, 130.0 / 70.0, kTol);  // (100 + 30) / (50 + 20)
  EXPECT_NEAR(m.avg_trade, (0.1 - 0.05 + 0.03 + 0 - 0.02) / 5, kTol);  // 0.012
}

TEST(Metrics, NoTradesAndNoLosingTrades) {
  const Metrics none = run({10000, 10100}, opts(8760));
  EXPECT_EQ(none.trades, 0);
  EXPECT_EQ(none.win_rate, 0);
  EXPECT_EQ(none.profit_factor, 0);
  EXPECT_EQ(none.avg_trade, 0);

  Trade only_open = closed_trade(50, 1, 100);
  only_open.open = true;
  const Metrics open_only = run({10000}, opts(8760), {only_open});
  EXPECT_EQ(open_only.trades, 0);
  EXPECT_EQ(open_only.win_rate, 0);

  // No losses: gross profit / 0 is reported as 0 (finite for JSON and ranking); win_rate 1 says
  // why.
  const Metrics winners =
      run({10000, 10100}, opts(8760), {closed_trade(10, 1, 100), closed_trade(5, 1, 100)});
  EXPECT_EQ(winners.trades, 2);
  EXPECT_EQ(winners.win_rate, 1);
  EXPECT_EQ(winners.profit_factor, 0);
  EXPECT_NEAR(winners.avg_trade, 0.075, kTol);
}

TEST(Metrics, NoBars) {
  const Metrics m = compute_metrics({}, {}, {}, opts(8760));
  EXPECT_EQ(m.final_equity, 10000);
  EXPECT_EQ(m.total_return, 0);
  EXPECT_EQ(m.cagr, 0);
  EXPECT_EQ(m.volatility, 0);
  EXPECT_EQ(m.sharpe, 0);
  EXPECT_EQ(m.sortino, 0);
  EXPECT_EQ(m.max_drawdown, 0);
  EXPECT_EQ(m.max_drawdown_duration, 0);
  EXPECT_EQ(m.exposure, 0);
  EXPECT_EQ(m.turnover, 0);
  EXPECT_EQ(m.consistency, 0);
  EXPECT_EQ(m.var_95, 0);
  EXPECT_EQ(m.cvar_95, 0);
  EXPECT_EQ(m.combined_score, 0);
  expect_all_finite(m);
}

TEST(Metrics, OneBar) {
  // One return of +5%: no ddof=1 std (volatility, sharpe 0), no downside (sortino 0), m2 = 0
  // (skew, kurtosis 0). The 5% quantile of {0.05} is 0.05, so VaR is -0.05: a gain.
  const Metrics up = run({10500}, opts(4));
  EXPECT_EQ(up.volatility, 0);
  EXPECT_EQ(up.sharpe, 0);
  EXPECT_EQ(up.sortino, 0);
  EXPECT_EQ(up.skew, 0);
  EXPECT_EQ(up.kurtosis, 0);
  EXPECT_NEAR(up.var_95, -0.05, kTol);
  EXPECT_NEAR(up.cvar_95, -0.05, kTol);
  EXPECT_NEAR(up.cagr, std::pow(1.05, 4.0) - 1.0, kTol);  // a quarter of a year
  EXPECT_EQ(up.consistency, 1);                           // one window (n < K)
  EXPECT_EQ(up.max_drawdown, 0);
  EXPECT_EQ(up.calmar, 0);  // no drawdown: cagr / 0 is reported as 0
  expect_all_finite(up);

  // One return of -5%: downside deviation sqrt(0.05^2 / 1) = 0.05 -> sortino = -1 * sqrt(4).
  const Metrics down = run({9500}, opts(4));
  EXPECT_EQ(down.sharpe, 0);
  EXPECT_NEAR(down.sortino, -2.0, kTol);
  EXPECT_NEAR(down.max_drawdown, 0.05, kTol);  // below the initial equity, which is a peak
  EXPECT_EQ(down.max_drawdown_duration, 1);
  EXPECT_EQ(down.consistency, 0);
}

TEST(Metrics, FlatEquity) {
  const std::vector<double> equity(100, 10000.0);
  const Metrics m = run(equity, opts(8760));
  for_each_metric(m, [](std::string_view name, double v) {
    if (name == "final_equity") {
      EXPECT_EQ(v, 10000) << name;
    } else {
      EXPECT_EQ(v, 0) << name;  // std 0 -> sharpe, sortino 0; no window is > 0
    }
  });
}

TEST(Metrics, ZeroDrawdownGivesZeroCalmar) {
  const Metrics m = run({10100, 10200, 10300, 10300, 10400}, opts(8760));
  EXPECT_EQ(m.max_drawdown, 0);
  EXPECT_EQ(m.max_drawdown_duration, 0);  // 10300 again equals the peak: not below it
  EXPECT_GT(m.cagr, 0);
  EXPECT_EQ(m.calmar, 0);
  EXPECT_EQ(m.sortino, 0);  // no losing bar
  EXPECT_GT(m.sharpe, 0);
}

TEST(Metrics, BustStaysAtZero) {
  // 10000 -> 5000 (-50%) -> 0 (-100%) -> then 0 whatever the curve says (no NaN from 0/0).
  const Metrics m = run({5000, 0, 0, 100, 7}, opts(4, 5));
  expect_all_finite(m);
  EXPECT_EQ(m.final_equity, 0);
  EXPECT_EQ(m.total_return, -1);
  EXPECT_EQ(m.cagr, -1);
  EXPECT_EQ(m.max_drawdown, 1);
  EXPECT_EQ(m.max_drawdown_duration, 5);
  EXPECT_EQ(m.consistency, 0);
  // r = {-0.5, -1, 0, 0, 0}: mean -0.3; CVaR at h = 0.2 -> q = -1 + 0.2 * 0.5 = -0.9.
  EXPECT_NEAR(m.var_95, 0.9, kTol);
  EXPECT_NEAR(m.cvar_95, 1.0, kTol);
  EXPECT_NEAR(m.sortino, -0.3 / std::sqrt(1.25 / 5) * 2, kTol);

  // A negative equity is a bust too: the bar returns -100%, not -103%.
  const Metrics negative = run({-300, 50}, opts(4, 2));
  EXPECT_EQ(negative.final_equity, 0);
  EXPECT_NEAR(negative.var_95, 1 - 0.05 * 1, kTol);  // r = {-1, 0}: q = -1 + 0.05 * 1
  expect_all_finite(negative);
}

TEST(Metrics, ConsistencyWindowSplit) {
  // n = 10, K = 3: windows [0,3), [3,6), [6,10) (floor(k n / K)).
  // e: 10100 10100 10100 | 10000 10000 10000 | 10200 10200 10200 10050
  // window 0: 10000 -> 10100 (+); window 1: 10100 -> 10000 (-); window 2: 10000 -> 10050 (+).
  // A ceiling split [0,4), [4,7), [7,10) would give 0, +, - instead: 1/3.
  const std::vector<double> equity{10100, 10100, 10100, 10000, 10000,
                                   10000, 10200, 10200, 10200, 10050};
  EXPECT_NEAR(run(equity, opts(8760, 3)).consistency, 2.0 / 3.0, kTol);
  // K = 1: the whole run, +0.5%.
  EXPECT_EQ(run(equity, opts(8760, 1)).consistency, 1);
  // n < K: 10 windows of one bar each; r > 0 only at bars 0 and 6 -> 2/10.
  EXPECT_NEAR(run(equity, opts(8760, 12)).consistency, 0.2, kTol);
}

TEST(Metrics, DrawdownDurationCountsOpenDrawdownAndFirstBars) {
  // Below the initial 10000 for bars 0-1, recovered at 2 (equal counts as recovered), then a new
  // peak at 3 and under water for bars 4-7 until the end: longest run 4 bars.
  const Metrics m = run({9000, 9500, 10000, 12000, 11000, 11500, 11900, 11999}, opts(8760));
  EXPECT_EQ(m.max_drawdown_duration, 4);
  EXPECT_NEAR(m.max_drawdown, 0.1, kTol);  // 9000 vs 10000 beats 11000 vs 12000 (8.3%)
}

TEST(Metrics, ExposureCountsShortsAndTurnoverUsesSignedChanges) {
  // Exposure {0, -1, -1, 0.5, 0}: 3 of 5 bars in the market; changes 0 + 1 + 0 + 1.5 + 0.5 = 3
  // over 5 bars at 10 bars a year (half a year): turnover 6 per year.
  const std::vector<double> equity(5, 10000.0);
  const std::vector<double> exposure{0, -1, -1, 0.5, 0};
  const Metrics m = compute_metrics(equity, exposure, {}, opts(10));
  EXPECT_NEAR(m.exposure, 0.6, kTol);
  EXPECT_NEAR(m.turnover, 6.0, kTol);
}

TEST(Metrics, CagrIsCappedOnVeryShortRuns) {
  // One 1h bar of +10%: 1.1^8760 overflows a double; the reported cagr is the 1e9 cap.
  const Metrics m = run({11000}, opts(8760));
  EXPECT_EQ(m.cagr, 1e9);
  expect_all_finite(m);
}

TEST(Metrics, CombinedScoreClamps) {
  // Steady gains with tiny noise: sharpe far above 3 (clamped to 1), all windows positive, a
  // tiny drawdown. A deep loss: maxDD >= 0.5 costs the whole 0.2.
  std::vector<double> up;
  double e = 10000;
  for (int i = 0; i < 120; ++i) up.push_back(e *= (i % 7 == 3) ? 0.9999 : 1.001);
  const Metrics good = run(up, opts(8760));
  EXPECT_GT(good.sharpe, 3);
  EXPECT_EQ(good.consistency, 1);
  EXPECT_NEAR(good.combined_score, 0.5 + 0.3 - 0.2 * good.max_drawdown / 0.5, kTol);

  const Metrics bad = run({4000, 3000, 2000}, opts(8760, 3));
  EXPECT_NEAR(bad.max_drawdown, 0.8, kTol);
  EXPECT_NEAR(bad.combined_score, 0.5 * std::clamp(bad.sharpe / 3, -1.0, 1.0) - 0.2, kTol);
}

TEST(Metrics, ForEachMetricOrderAndValues) {
  const Metrics m = compute_metrics(std::vector<double>{11000, 9900, 10890},
                                    std::vector<double>{1, 1, 0}, {}, opts(4, 3));
  std::vector<std::string> names;
  std::vector<double> values;
  for_each_metric(m, [&](std::string_view name, double v) {
    names.emplace_back(name);
    values.push_back(v);
  });
  const std::vector<std::string> want{"final_equity", "total_return", "cagr",
                                      "volatility",   "sharpe",       "sortino",
                                      "calmar",       "max_drawdown", "max_drawdown_duration",
                                      "trades",       "win_rate",     "profit_factor",
                                      "avg_trade",    "exposure",     "turnover",
                                      "consistency",  "skew",         "kurtosis",
                                      "var_95",       "cvar_95",      "combined_score"};
  EXPECT_EQ(names, want);
  ASSERT_EQ(values.size(), want.size());
  EXPECT_EQ(values[0], m.final_equity);
  EXPECT_EQ(values[4], m.sharpe);
  EXPECT_EQ(values[8], 2.0);
  EXPECT_EQ(values[20], m.combined_score);
}

TEST(Metrics, RejectsBadInputAtEntry) {
  const std::vector<double> eq{10000, 10100};
  const std::vector<double> ex{0, 0};
  EXPECT_THROW(compute_metrics(eq, ex, {}, opts(0)), core::UsageError);
  EXPECT_THROW(compute_metrics(eq, ex, {}, opts(std::numeric_limits<double>::infinity())),
               core::UsageError);
  EXPECT_THROW(compute_metrics(eq, ex, {}, opts(8760, 0)), core::UsageError);
  EXPECT_THROW(compute_metrics(eq, ex, {}, opts(8760, 12, 0)), core::UsageError);
  EXPECT_THROW(compute_metrics(eq, std::vector<double>{0}, {}, opts(8760)), core::Error);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  try {
    compute_metrics(std::vector<double>{10000, nan}, ex, {}, opts(8760));
    FAIL() << "NaN equity accepted";
  } catch (const core::Error& e) {
    EXPECT_NE(std::string(e.what()).find("equity at bar 1"), std::string::npos) << e.what();
  }
  EXPECT_THROW(compute_metrics(eq, std::vector<double>{nan, 0}, {}, opts(8760)), core::Error);
  const std::vector<Trade> no_size{closed_trade(10, 1, 100), Trade{}};
  EXPECT_THROW(compute_metrics(eq, ex, no_size, opts(8760)), core::Error);
  Trade open_zero;  // an open trade is not judged, so its fields are not checked
  open_zero.open = true;
  EXPECT_NO_THROW(compute_metrics(eq, ex, std::vector<Trade>{open_zero}, opts(8760)));
}

}  // namespace
}  // namespace organism::backtest

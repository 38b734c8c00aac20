// Metrics at a common volatility (backtest/scaled_metrics.hpp), checked by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "backtest/metrics.hpp"
#include "backtest/scaled_metrics.hpp"

namespace organism::backtest {
namespace {

// Returns 1%, -2%, 3%, 0% from 100: mean 0.005, sample sd by hand below.
const std::vector<double> kEquity = {101, 98.98, 101.9494, 101.9494};

TEST(ScaledMetrics, ScaleByHand) {
  const double mean = (0.01 - 0.02 + 0.03 + 0.0) / 4;
  const double ss = std::pow(0.01 - mean, 2) + std::pow(-0.02 - mean, 2) + std::pow(0.03 - mean, 2) + std::pow(mean, 2);
  const double sd = std::sqrt(ss / 3);
  const double k = volatility_scale(kEquity, 100, 8760, 0.2);
  EXPECT_NEAR(k, 0.2 / (sd * std::sqrt(8760.0)), 1e-12);
}

TEST(ScaledMetrics, CurveCompoundsScaledReturns) {
  const std::vector<double> exposure = {1, 1, -0.5, 0};
  const auto c = scale_curve(kEquity, exposure, 100, 2.0);
  EXPECT_NEAR(c.equity[0], 102, 1e-9);
  EXPECT_NEAR(c.equity[1], 102 * 0.96, 1e-9);
  EXPECT_NEAR(c.equity[2], 102 * 0.96 * 1.06, 1e-9);
  EXPECT_NEAR(c.equity[3], c.equity[2], 1e-9);
  EXPECT_EQ(c.exposure[2], -1.0);
  // k r <= -1 busts: the curve stays at 0.
  const auto bust = scale_curve(kEquity, exposure, 100, 60.0);
  EXPECT_EQ(bust.equity[1], 0.0);
  EXPECT_EQ(bust.equity[3], 0.0);
}

TEST(ScaledMetrics, MetricsAreThoseOfTheRescaledCurve) {
  const std::vector<double> exposure = {1, 1, -0.5, 0};
  MetricsOptions raw;
  raw.initial_equity = 100;
  MetricsOptions at20 = raw;
  at20.target_volatility = 0.2;
  const Metrics m = compute_metrics(kEquity, exposure, {}, at20);
  const double k = volatility_scale(kEquity, 100, 8760, 0.2);
  const auto c = scale_curve(kEquity, exposure, 100, k);
  const Metrics expected = compute_metrics(c.equity, c.exposure, {}, raw);
  EXPECT_NEAR(m.volatility, 0.2, 1e-12);
  const double raw_sharpe = compute_metrics(kEquity, exposure, {}, raw).sharpe;
  EXPECT_NEAR(m.sharpe, raw_sharpe, 1e-12 * std::abs(raw_sharpe));  // the same up to rounding
  EXPECT_DOUBLE_EQ(m.max_drawdown, expected.max_drawdown);
  EXPECT_DOUBLE_EQ(m.total_return, expected.total_return);
  EXPECT_DOUBLE_EQ(m.cvar_95, expected.cvar_95);
  // Turnover per unit of mean gross exposure: (1 + 0 + 1.5 + 0.5) / years / mean(1, 1, 0.5, 0).
  const double years = 4 / 8760.0;
  EXPECT_NEAR(m.turnover, 3.0 / years / 0.625, 1e-6);
}

TEST(ScaledMetrics, AFlatCurveKeepsZeroRisk) {
  const std::vector<double> flat = {100, 100, 100};
  const std::vector<double> none = {0, 0, 0};
  MetricsOptions o;
  o.initial_equity = 100;
  o.target_volatility = 0.2;
  EXPECT_EQ(volatility_scale(flat, 100, 8760, 0.2), 0.0);
  const Metrics m = compute_metrics(flat, none, {}, o);
  EXPECT_EQ(m.volatility, 0.0);
  EXPECT_EQ(m.turnover, 0.0);
  EXPECT_EQ(m.max_drawdown, 0.0);
}

TEST(ScaledMetrics, BadTargetIsAUsageError) {
  MetricsOptions o;
  o.target_volatility = -1;
  EXPECT_THROW(compute_metrics(kEquity, std::vector<double>(4, 0.0), {}, o), std::exception);
  o.target_volatility = NAN;
  EXPECT_THROW(compute_metrics(kEquity, std::vector<double>(4, 0.0), {}, o), std::exception);
}

}  // namespace
}  // namespace organism::backtest

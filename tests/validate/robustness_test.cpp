// Robustness pieces on hand cases: the +-10% neighbours of a genome gene by gene (inactive genes
// left alone), the ratio rule over a zero denominator, median, dispersion, log annualization and
// stressed costs.
#include <gtest/gtest.h>

#include <cmath>

#include "strategy/genome.hpp"
#include "validate/robustness.hpp"

namespace organism::validate {
namespace {

using strategy::Genome;

// How many genes differ between two genomes (family params, risk and regime fields).
int genes_changed(const Genome& a, const Genome& b) {
  int n = 0;
  for (std::size_t i = 0; i < a.params.size(); ++i) n += a.params[i] != b.params[i];
  n += a.risk.stop_loss != b.risk.stop_loss;
  n += a.risk.take_profit != b.risk.take_profit;
  n += a.risk.trailing != b.risk.trailing;
  n += a.risk.leverage != b.risk.leverage;
  n += a.risk.vol_target != b.risk.vol_target;
  n += a.risk.vol_window != b.risk.vol_window;
  n += a.regime.vol_k != b.regime.vol_k;
  n += a.regime.vol_window != b.regime.vol_window;
  n += a.regime.median_window != b.regime.median_window;
  n += a.regime.fg_low != b.regime.fg_low;
  n += a.regime.fg_high != b.regime.fg_high;
  return n;
}

TEST(Perturbation, EmaCrossDefaultsMoveEachActiveNumericGeneTenPercent) {
  const Genome g = strategy::default_genome("ema_cross");  // fast 12, slow 26, confirm none, n 10
  const auto n = perturbed_neighbours(g, 0.10);
  // fast 11/13, slow 23/29, confirm_period 9/11, leverage 0.9/1.1; the choice, stops at 0 (off),
  // vol targeting and the regime filters (off) stay.
  ASSERT_EQ(n.size(), 8u);
  EXPECT_EQ(n[0].params[0], 11);
  EXPECT_EQ(n[1].params[0], 13);
  EXPECT_EQ(n[2].params[1], 23);
  EXPECT_EQ(n[3].params[1], 29);
  EXPECT_EQ(n[4].params[3], 9);
  EXPECT_EQ(n[5].params[3], 11);
  EXPECT_DOUBLE_EQ(n[6].risk.leverage, 0.9);
  EXPECT_DOUBLE_EQ(n[7].risk.leverage, 1.1);
  for (const auto& x : n) {
    EXPECT_EQ(genes_changed(g, x), 1);
    EXPECT_EQ(x.generation, g.generation);
  }
}

TEST(Perturbation, SwitchedOnRiskAndFiltersJoinAndBoundsAreRespected) {
  Genome g = strategy::default_genome("ema_cross");
  g.params[0] = 2;  // at its lower bound: only the step up
  g.risk.stop_loss = 0.05;
  g.risk.vol_target_on = true;
  g.regime.fg_on = true;
  const auto n = perturbed_neighbours(g, 0.10);
  // fast 3 only (2 x 0.9 rounds to 2, then moves by 1 to 1: clamped back to 2 and dropped);
  // slow, confirm_period, stop_loss, leverage, vol_target, vol_window, fg_low, fg_high: two each.
  EXPECT_EQ(n.size(), 1u + 2u * 8u);
  bool saw_stop = false;
  for (const auto& x : n) {
    EXPECT_EQ(genes_changed(g, x), 1);
    EXPECT_GE(x.params[0], 2);
    if (x.risk.stop_loss != g.risk.stop_loss) {
      saw_stop = true;
      EXPECT_NEAR(std::abs(x.risk.stop_loss - 0.05), 0.005, 1e-12);
    }
    EXPECT_LE(x.regime.fg_low, x.regime.fg_high);
  }
  EXPECT_TRUE(saw_stop);
}

TEST(Perturbation, TreeGenomesMoveOnlyTheirRiskAndRegimeGenes) {
  const Genome g = strategy::default_genome(strategy::kTreeFamily);
  EXPECT_EQ(perturbed_neighbours(g, 0.10).size(), 2u);  // leverage only
}

TEST(RobustnessMath, RatioOverAZeroOrNegativeDenominatorIsZero) {
  EXPECT_DOUBLE_EQ(ratio_or_zero(1.5, 3), 0.5);
  EXPECT_DOUBLE_EQ(ratio_or_zero(-1, 2), -0.5);
  EXPECT_DOUBLE_EQ(ratio_or_zero(1, 0), 0);
  EXPECT_DOUBLE_EQ(ratio_or_zero(1, -2), 0);
  EXPECT_DOUBLE_EQ(ratio_or_zero(INFINITY, 2), 0);
}

TEST(RobustnessMath, MedianAndDispersion) {
  EXPECT_DOUBLE_EQ(median({}), 0);
  EXPECT_DOUBLE_EQ(median({3, 1, 2}), 2);
  EXPECT_DOUBLE_EQ(median({4, 1, 3, 2}), 2.5);
  const double v[] = {1, 3};
  EXPECT_DOUBLE_EQ(dispersion(v), 1);  // population standard deviation
  const double one[] = {5};
  EXPECT_DOUBLE_EQ(dispersion(one), 0);
}

TEST(RobustnessMath, LogAnnualizationIsLinearInTime) {
  // +10% over one year of hourly bars is ln 1.1 a year; the same over a quarter is 4 ln 1.1.
  EXPECT_NEAR(annualized_log_return(0.1, 8760, 8760), std::log(1.1), 1e-15);
  EXPECT_NEAR(annualized_log_return(0.1, 2190, 8760), 4 * std::log(1.1), 1e-14);
  EXPECT_NEAR(annualized_log_return(-1, 100, 8760), std::log(1e-9) * 87.6, 1e-9);  // a bust
  EXPECT_DOUBLE_EQ(annualized_log_return(0.5, 0, 8760), 0);
}

TEST(RobustnessMath, StressedCostsMultiplyFeesAndSlippage) {
  const auto c = stressed_costs(backtest::BacktestConfig{}, 2);
  EXPECT_DOUBLE_EQ(c.fees.taker, 0.001);
  EXPECT_DOUBLE_EQ(c.fees.maker, 0.0004);
  EXPECT_DOUBLE_EQ(c.slippage.fraction, 0.001);
  EXPECT_DOUBLE_EQ(c.leverage, 1);
}

}  // namespace
}  // namespace organism::validate

#include "validate/sharpe_stats.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numbers>
#include <vector>

#include "core/error.hpp"

namespace organism::validate {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Reference values below were computed with mpmath at 30 digits (ncdf and sqrt(2) erfinv(2p-1)),
// a path independent of the code under test.

TEST(NormalCdf, MatchesReferenceValuesInTheBodyAndTails) {
  EXPECT_EQ(normal_cdf(0.0), 0.5);
  EXPECT_NEAR(normal_cdf(1.96), 0.975002104851779565863, 1e-15);
  EXPECT_NEAR(normal_cdf(-1.0), 0.158655253931457051414, 1e-15);
  // Relative precision in the far tail, where 1 - Phi(10) would cancel to nothing.
  EXPECT_NEAR(normal_cdf(-10.0) / 7.6198530241605260659733e-24, 1.0, 1e-13);
  EXPECT_NEAR(normal_cdf(-37.0) / 5.72557122252457682268e-300, 1.0, 1e-12);
  EXPECT_EQ(normal_cdf(-kInf), 0.0);
  EXPECT_EQ(normal_cdf(kInf), 1.0);
}

TEST(InverseNormalCdf, MatchesReferenceValues) {
  EXPECT_EQ(inverse_normal_cdf(0.5), 0.0);
  EXPECT_NEAR(inverse_normal_cdf(0.975), 1.95996398454005423552, 1e-13);
  EXPECT_NEAR(inverse_normal_cdf(0.025), -1.95996398454005423552, 1e-13);
  EXPECT_NEAR(inverse_normal_cdf(0.99), 2.32634787404084110089, 1e-13);
  EXPECT_NEAR(inverse_normal_cdf(1e-10), -6.36134090240405620470, 1e-12);
  EXPECT_NEAR(inverse_normal_cdf(0.3), -0.524400512708040784038, 1e-13);
  // Acklam's switch between the central and tail approximations.
  EXPECT_NEAR(inverse_normal_cdf(0.02425), -1.97296105131188485027, 1e-13);
}

TEST(InverseNormalCdf, RoundTripsThroughTheCdfAcrossTheRange) {
  for (double p = 1e-300; p < 0.5; p *= 3.7) {
    const double x = inverse_normal_cdf(p);
    // Rounding x alone moves Phi(x) by about |x| ulp(x) relatively, so allow a few of those.
    const double tolerance = 8.0 * std::numeric_limits<double>::epsilon() * (1.0 + x * x);
    EXPECT_NEAR(normal_cdf(x) / p, 1.0, tolerance) << "p = " << p;
  }
  for (int i = 1; i < 1000; ++i) {
    const double p = i / 1000.0;
    EXPECT_NEAR(normal_cdf(inverse_normal_cdf(p)), p, 1e-15) << "p = " << p;
  }
}

TEST(InverseNormalCdf, EndpointsAreInfiniteAndOutsideThrows) {
  EXPECT_EQ(inverse_normal_cdf(0.0), -kInf);
  EXPECT_EQ(inverse_normal_cdf(1.0), kInf);
  EXPECT_THROW(inverse_normal_cdf(-0.1), core::UsageError);
  EXPECT_THROW(inverse_normal_cdf(1.1), core::UsageError);
  EXPECT_THROW(inverse_normal_cdf(kNaN), core::UsageError);
}

TEST(ExpectedMaxSharpe, MatchesTheFormulaByHand) {
  // (1 - gamma) Z^-1(0.99) + gamma Z^-1(1 - 1/(100 e)) for N = 100, V = 1.
  EXPECT_NEAR(expected_max_sharpe(100, 1.0), 2.53060289320168203091, 1e-12);
  // N = 2: Z^-1(1/2) = 0 leaves gamma Z^-1(1 - 1/(2e)), times sqrt(0.04).
  EXPECT_NEAR(expected_max_sharpe(2, 0.04), 0.103951068856118784909, 1e-13);
  // Scales with the standard deviation of the trials' Sharpes.
  EXPECT_NEAR(expected_max_sharpe(100, 4.0), 2.0 * expected_max_sharpe(100, 1.0), 1e-13);
}

TEST(ExpectedMaxSharpe, GrowsWithTheNumberOfTrials) {
  double previous = 0.0;
  for (std::int64_t n : {2, 10, 100, 1000, 100000, 10000000}) {
    const double e = expected_max_sharpe(n, 1.0);
    EXPECT_GT(e, previous) << n;
    previous = e;
  }
}

TEST(ExpectedMaxSharpe, DegenerateSearchesGiveZeroAndBadInputThrows) {
  EXPECT_EQ(expected_max_sharpe(1, 0.5), 0.0);
  EXPECT_EQ(expected_max_sharpe(1000, 0.0), 0.0);
  EXPECT_THROW(expected_max_sharpe(0, 1.0), core::UsageError);
  EXPECT_THROW(expected_max_sharpe(10, -1e-9), core::UsageError);
  EXPECT_THROW(expected_max_sharpe(10, kNaN), core::UsageError);
  EXPECT_THROW(expected_max_sharpe(10, kInf), core::UsageError);
}

// Bailey & López de Prado (2014), "The Deflated Sharpe Ratio", numerical example: N = 100
// independent trials whose annualized Sharpes have variance 1/2, the best has an annualized
// Sharpe of 2.5 over T = 1250 daily returns (5 years of 250 days) with skewness -3 and
// kurtosis 10 (non-excess). The paper de-annualizes with sqrt(250): SR = 2.5 / sqrt(250) and
// V = 0.5 / 250, reports SR_0 ~= 0.1132 (per day, ~1.79 annualized) and DSR ~= 0.9004.
TEST(DeflatedSharpe, ReproducesThePaperNumericalExample) {
  const double days_per_year = 250.0;
  backtest::Metrics metrics;
  metrics.sharpe = 2.5;
  metrics.skew = -3.0;
  metrics.kurtosis = 10.0 - 3.0;  // Metrics holds excess kurtosis
  const SharpeSample sample = sharpe_sample(metrics, days_per_year, 1250);
  EXPECT_NEAR(sample.sharpe_per_bar, 0.158113883008418966600, 1e-15);
  TrialSet trials;
  trials.trials = 100;
  trials.sharpe_variance_per_bar = 0.5 / days_per_year;

  const DeflatedSharpe d = deflated_sharpe(sample, trials);
  EXPECT_NEAR(d.expected_max_sharpe, 0.1132, 5e-5);
  EXPECT_NEAR(d.expected_max_sharpe, 0.113172001865132028871, 1e-13);
  EXPECT_NEAR(d.expected_max_sharpe * std::sqrt(days_per_year), 1.78940646627320586963, 1e-11);
  EXPECT_NEAR(d.z, 1.28381603653365780374, 1e-11);
  EXPECT_NEAR(d.dsr, 0.9004, 5e-5);
  EXPECT_NEAR(d.dsr, 0.900396834449390961558, 1e-12);
  // Undeflated, the same track record is near-certain to beat a zero Sharpe.
  EXPECT_NEAR(d.psr, 0.999996859507897648984, 1e-13);
}

TEST(SharpeSampleFromMetrics, UndoesTheAnnualizationOfComputeMetrics) {
  // Returns +2%, -1%, +3%, 0% from an initial equity of 100; per-bar Sharpe by hand.
  const std::vector<double> returns = {0.02, -0.01, 0.03, 0.0};
  std::vector<double> equity;
  double e = 100.0;
  for (double r : returns) equity.push_back(e *= 1.0 + r);
  const std::vector<double> exposure(equity.size(), 1.0);
  backtest::MetricsOptions options;
  options.bars_per_year = 365;
  options.initial_equity = 100.0;
  const backtest::Metrics metrics = backtest::compute_metrics(equity, exposure, {}, options);
  const double mean = 0.01;
  const double sd = std::sqrt((1e-4 + 4e-4 + 4e-4 + 1e-4) / 3.0);
  const SharpeSample sample =
      sharpe_sample(metrics, options.bars_per_year, static_cast<std::int64_t>(equity.size()));
  EXPECT_NEAR(sample.sharpe_per_bar, mean / sd, 1e-12);
  EXPECT_EQ(sample.bars, 4);
  EXPECT_EQ(sample.skew, metrics.skew);
  EXPECT_EQ(sample.excess_kurtosis, metrics.kurtosis);
  // Deviations +-1%, +-2%: no skew; m2 = 2.5e-4, m4 = 8.5e-8, so the population excess
  // kurtosis is 8.5 / 6.25 - 3 = -1.64.
  EXPECT_NEAR(sample.skew, 0.0, 1e-12);
  EXPECT_NEAR(sample.excess_kurtosis, 1.36 - 3.0, 1e-12);
}

TEST(ProbabilisticSharpe, NormalReturnsMatchTheTextbookStandardError) {
  // Normal returns (skew 0, excess kurtosis 0): the Sharpe's standard error is
  // sqrt((1 + SR^2 / 2) / (n - 1)) (Lo 2002 / Mertens 2002). SR = 0.1 over n = 101 bars:
  // z = 0.1 * 10 / sqrt(1.005).
  SharpeSample sample;
  sample.sharpe_per_bar = 0.1;
  sample.bars = 101;
  const double z = 0.1 * 10.0 / std::sqrt(1.005);
  EXPECT_NEAR(probabilistic_sharpe_z(sample, 0.0), z, 1e-15);
  EXPECT_NEAR(probabilistic_sharpe(sample, 0.0), 0.840741327801351825670, 1e-15);
  // Against a benchmark equal to the observed Sharpe there is no evidence either way.
  EXPECT_EQ(probabilistic_sharpe(sample, 0.1), 0.5);
}

TEST(ProbabilisticSharpe, NegativeSkewAndFatTailsLowerConfidence) {
  SharpeSample normal;
  normal.sharpe_per_bar = 0.05;
  normal.bars = 500;
  SharpeSample skewed = normal;
  skewed.skew = -2.0;
  SharpeSample fat = normal;
  fat.excess_kurtosis = 20.0;
  const double p_normal = probabilistic_sharpe(normal, 0.0);
  EXPECT_LT(probabilistic_sharpe(skewed, 0.0), p_normal);
  EXPECT_LT(probabilistic_sharpe(fat, 0.0), p_normal);
  // The radicand by hand: 1 - g3 SR + (g4 - 1) / 4 SR^2 with g4 = 23.
  const double radicand = 1.0 + 0.0 + 22.0 / 4.0 * 0.05 * 0.05;
  EXPECT_NEAR(probabilistic_sharpe_z(fat, 0.0), 0.05 * std::sqrt(499.0) / std::sqrt(radicand),
              1e-14);
}

TEST(ProbabilisticSharpe, DegenerateInputsGiveDocumentedFiniteValues) {
  SharpeSample short_sample;
  short_sample.sharpe_per_bar = 0.3;
  short_sample.bars = 1;
  EXPECT_EQ(probabilistic_sharpe(short_sample, 0.0), 0.5);
  short_sample.bars = 0;
  EXPECT_EQ(probabilistic_sharpe(short_sample, 0.0), 0.5);

  // Inconsistent moments (kurtosis below 1 + skew^2) can make the radicand negative:
  // 1 - 3 * 1 + (1 - 1) / 4 * 1 = -2.
  SharpeSample inconsistent;
  inconsistent.sharpe_per_bar = 1.0;
  inconsistent.bars = 100;
  inconsistent.skew = 3.0;
  inconsistent.excess_kurtosis = -2.0;
  EXPECT_EQ(probabilistic_sharpe(inconsistent, 0.5), 1.0);
  EXPECT_EQ(probabilistic_sharpe(inconsistent, 1.5), 0.0);
  EXPECT_EQ(probabilistic_sharpe(inconsistent, 1.0), 0.5);

  // One trial, or trials that all scored the same: no deflation, DSR = PSR(0).
  SharpeSample sample;
  sample.sharpe_per_bar = 0.02;
  sample.bars = 2000;
  const double psr0 = probabilistic_sharpe(sample, 0.0);
  TrialSet one;
  EXPECT_EQ(deflated_sharpe(sample, one).dsr, psr0);
  TrialSet flat;
  flat.trials = 5000;
  EXPECT_EQ(deflated_sharpe(sample, flat).dsr, psr0);
}

TEST(ProbabilisticSharpe, NonFiniteInputsThrow) {
  SharpeSample sample;
  sample.bars = 100;
  sample.sharpe_per_bar = kNaN;
  EXPECT_THROW(probabilistic_sharpe(sample, 0.0), core::UsageError);
  sample.sharpe_per_bar = 0.1;
  sample.excess_kurtosis = kInf;
  EXPECT_THROW(probabilistic_sharpe(sample, 0.0), core::UsageError);
  sample.excess_kurtosis = 0.0;
  EXPECT_THROW(probabilistic_sharpe(sample, kNaN), core::UsageError);
  EXPECT_THROW(sharpe_sample(backtest::Metrics{}, 0.0, 10), core::UsageError);
}

TEST(DeflatedSharpe, MoreTrialsDeflateMore) {
  SharpeSample sample;
  sample.sharpe_per_bar = 0.08;
  sample.bars = 1000;
  TrialSet trials;
  trials.sharpe_variance_per_bar = 0.001;
  double previous = 1.0;
  for (std::int64_t n : {2, 10, 100, 10000}) {
    trials.trials = n;
    const double dsr = deflated_sharpe(sample, trials).dsr;
    EXPECT_LT(dsr, previous) << n;
    EXPECT_GT(dsr, 0.0);
    previous = dsr;
  }
}

TEST(SharpeVariance, IsTheSampleVariance) {
  const std::vector<double> sharpes = {0.01, 0.03, -0.02, 0.06};
  // mean 0.02; squared deviations 1e-4, 1e-4, 16e-4, 16e-4 -> 34e-4 / 3.
  EXPECT_NEAR(sharpe_variance(sharpes), 34e-4 / 3.0, 1e-17);
  EXPECT_EQ(sharpe_variance(std::vector<double>{0.5}), 0.0);
  EXPECT_EQ(sharpe_variance(std::vector<double>{}), 0.0);
  EXPECT_THROW(sharpe_variance(std::vector<double>{0.1, kNaN}), core::UsageError);
}

}  // namespace
}  // namespace organism::validate

namespace organism::validate {
namespace {

// The held-out DSR on 12 returns, deflated by 3 effective front members under the null
// V = 1/(T - 1); every number below is the formula evaluated in Python's statistics.NormalDist
// (independently of this code's normal_cdf and inverse_normal_cdf).
TEST(HeldOutDeflatedSharpe, MatchesTheFormulaByHandOnASmallCase) {
  const std::vector<double> r = {0.010, -0.004, 0.007, 0.002, -0.001, 0.012,
                                 -0.006, 0.005, 0.003, -0.002, 0.008, 0.001};
  const auto sample = sharpe_sample(std::span<const double>(r));
  EXPECT_EQ(sample.bars, 12);
  EXPECT_NEAR(sample.sharpe_per_bar, 0.5163939472714565, 1e-14);
  EXPECT_NEAR(sample.skew, 0.04570719566394811, 1e-13);
  EXPECT_NEAR(sample.excess_kurtosis, -1.07702892329861, 1e-13);
  const auto trials = null_trial_set(3, sample.bars);
  EXPECT_EQ(trials.trials, 3);
  EXPECT_DOUBLE_EQ(trials.sharpe_variance_per_bar, 1.0 / 11.0);
  // SR0 = sqrt(1/11) ((1 - gamma) Z^-1(2/3) + gamma Z^-1(1 - 1/(3e))), Z^-1 values from Python.
  const double sr0 = std::sqrt(1.0 / 11.0) * ((1 - kEulerGamma) * 0.43072729929545767 +
                                              kEulerGamma * 1.1619569289127327);
  // z = (SR - SR0) sqrt(n - 1) / sqrt(1 - g3 SR + (g4 - 1) / 4 SR^2), g4 = excess + 3.
  const double sr = 0.5163939472714565, g3 = 0.04570719566394811, g4 = -1.07702892329861 + 3;
  const double z = (sr - sr0) * std::sqrt(11.0) / std::sqrt(1 - g3 * sr + (g4 - 1) / 4 * sr * sr);
  const auto d = deflated_sharpe(sample, trials);
  EXPECT_NEAR(d.expected_max_sharpe, sr0, 1e-14);
  EXPECT_NEAR(d.expected_max_sharpe, 0.25713023029635823, 1e-12);
  EXPECT_NEAR(d.z, z, 1e-12);
  EXPECT_NEAR(d.z, 0.8440235432895377, 1e-11);
  EXPECT_NEAR(d.dsr, 0.5 * std::erfc(-z / std::sqrt(2.0)), 1e-14);
  EXPECT_NEAR(d.dsr, 0.8006718751559279, 1e-11);
  EXPECT_NEAR(d.psr, 0.9536284090384779, 1e-11);
  // One front member: nothing was selected, the DSR is the PSR.
  EXPECT_DOUBLE_EQ(deflated_sharpe(sample, null_trial_set(1, 12)).dsr, d.psr);
}

TEST(SharpeSampleFromReturns, ConstantReturnsHaveNoSharpeAndNoMoments) {
  const std::vector<double> flat(50, 0.001), zero(50, 0.0), one = {0.01};
  for (const auto* r : {&flat, &zero, &one}) {
    const auto s = sharpe_sample(std::span<const double>(*r));
    EXPECT_EQ(s.sharpe_per_bar, 0.0);
    EXPECT_EQ(s.skew, 0.0);
    EXPECT_EQ(s.excess_kurtosis, 0.0);
  }
  EXPECT_EQ(null_trial_set(4, 1).sharpe_variance_per_bar, 0.0);
}

}  // namespace
}  // namespace organism::validate

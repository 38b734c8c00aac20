// Probabilistic and Deflated Sharpe ratios (Bailey & López de Prado 2012, 2014) and the normal
// distribution they rest on. Used by validation gates and reports to discount a selected Sharpe.
#pragma once

#include <cstdint>
#include <span>

#include "backtest/metrics.hpp"

namespace organism::validate {

// Standard normal CDF, Phi(x) = erfc(-x / sqrt 2) / 2: relative error near machine precision in
// both tails (no 1 - Phi cancellation). Phi(-inf) = 0, Phi(+inf) = 1; NaN gives NaN.
double normal_cdf(double x);

// Inverse of normal_cdf. Acklam's rational approximation (relative error 1.15e-9) refined by
// one Halley step on normal_cdf, so |Phi(x) - p| is at rounding level for p in (0, 1).
// Returns -inf at p = 0 and +inf at p = 1; throws core::UsageError outside [0, 1] or for NaN.
double inverse_normal_cdf(double p);

// What PSR needs to know about one strategy's bar returns. Named fields, so that a call reads
// which Sharpe and which kurtosis it passes; the two usual mistakes are an annualized Sharpe
// (the formulas need the per-bar one) and a non-excess kurtosis where excess is meant.
struct SharpeSample {
  double sharpe_per_bar = 0;  // mean(r) / std(r, ddof=1) per bar, NOT annualized
  std::int64_t bars = 0;      // number of bar returns it was measured on (n)
  double skew = 0;            // population skewness m3 / m2^1.5 (0 for normal returns)
  // Population EXCESS kurtosis m4 / m2^2 - 3 (0 for normal returns), as
  // backtest::Metrics::kurtosis. The papers' gamma4 is this plus 3.
  double excess_kurtosis = 0;
};

// The sample of a backtest's metrics: sharpe_per_bar = metrics.sharpe / sqrt(bars_per_year)
// (undoing the annualization of compute_metrics), skew and excess kurtosis copied as they are.
// bars is the number of bar returns the metrics were computed from (the equity curve's length).
SharpeSample sharpe_sample(const backtest::Metrics& metrics, double bars_per_year,
                           std::int64_t bars);

// The moments of a return series: mean, sample variance (ddof 1), population skewness and excess
// kurtosis. A variance at rounding level of the mean (a constant series) is 0, and so are then
// the skew and kurtosis: a constant never reads as an edge.
struct ReturnMoments {
  std::int64_t bars = 0;
  double mean = 0, variance = 0, skew = 0, excess_kurtosis = 0;
};
ReturnMoments return_moments(std::span<const double> returns);

// The sample of a return series itself: SR = mean / std (ddof 1) per bar (0 without variance),
// with its moments and length.
SharpeSample sharpe_sample(std::span<const double> returns);
// The sample's Sharpe annualized: mean / std (ddof 1) x sqrt(bars_per_year); 0 with fewer than 2
// bars or no variance. The allocator's score, the lifecycle rules and the post-mortems use it.
double annualized_sharpe(std::span<const double> returns, double bars_per_year);

// PSR(SR*) = Phi(z), z = (SR - SR*) sqrt(n - 1) / sqrt(1 - g3 SR + (g4 - 1) / 4 SR^2), with SR
// the per-bar Sharpe, g3 the skew and g4 = excess_kurtosis + 3: the probability that the true
// Sharpe exceeds the benchmark SR* (per bar) given n bars of non-normal returns.
// Degenerate cases return finite values, never NaN:
//   n < 2                  -> z = 0, PSR = 0.5 (no evidence either way);
//   radicand <= 0          -> the moments leave no estimation error (only possible when they are
//                             inconsistent: g4 >= 1 + g3^2 makes it a square), so PSR is 1, 0 or
//                             0.5 as SR is above, below or equal to SR*.
// Throws core::UsageError when an input is not finite.
double probabilistic_sharpe(const SharpeSample& sample, double benchmark_sharpe_per_bar);

// The z statistic behind probabilistic_sharpe (same conventions; +-inf in the radicand case).
double probabilistic_sharpe_z(const SharpeSample& sample, double benchmark_sharpe_per_bar);

// Euler–Mascheroni constant, gamma in the expected-maximum formula.
inline constexpr double kEulerGamma = 0.57721566490153286061;

// Expected maximum of N per-bar Sharpe estimates whose true Sharpe is 0 and whose variance across
// trials is V (Bailey & López de Prado 2014, eq. for SR_0):
//   E[max SR] = sqrt(V) ((1 - gamma) Z^-1(1 - 1/N) + gamma Z^-1(1 - 1/(N e))).
// trials = 1 or V = 0 give 0 (nothing was selected, or every trial scored the same).
// Throws core::UsageError for trials < 1 or a negative or non-finite V.
double expected_max_sharpe(std::int64_t trials, double variance_of_sharpes);

// What the search looked like: N = distinct genomes evaluated in the run (duplicates evaluated
// once count once) and the variance of their per-bar Sharpe ratios (see sharpe_variance).
struct TrialSet {
  std::int64_t trials = 1;
  double sharpe_variance_per_bar = 0;
};

// Sample variance (ddof = 1) of per-bar Sharpe ratios; 0 for fewer than 2 values. Throws
// core::UsageError for a non-finite value.
double sharpe_variance(std::span<const double> sharpes_per_bar);

// The null of no skill on held-out data: N trials whose Sharpe estimates over `bars` bars differ
// only by sampling error, V = 1 / (bars - 1) per bar (0 for fewer than 2 bars).
TrialSet null_trial_set(std::int64_t trials, std::int64_t bars);

struct DeflatedSharpe {
  double expected_max_sharpe = 0;  // SR_0 per bar, the benchmark the selected Sharpe must beat
  double psr = 0;                  // PSR against a zero Sharpe (no deflation)
  double z = 0;                    // the DSR z statistic (may be +-inf, see probabilistic_sharpe)
  double dsr = 0;                  // PSR against SR_0: probability the Sharpe survives selection
};

// DSR = PSR(SR_0) with SR_0 = expected_max_sharpe(trials, variance), and PSR(0) alongside.
DeflatedSharpe deflated_sharpe(const SharpeSample& sample, const TrialSet& trial_set);

}  // namespace organism::validate

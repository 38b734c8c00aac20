#include "validate/sharpe_stats.hpp"

#include <array>
#include <cmath>
#include <limits>
#include <numbers>
#include <string>

#include "core/error.hpp"

namespace organism::validate {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

void require_finite(double value, const char* name) {
  if (!std::isfinite(value)) {
    throw core::UsageError(std::string(name) + " must be a finite number, got " +
                           std::to_string(value));
  }
}

// Acklam's rational approximation of the lower half (p <= 0.5) of the inverse normal CDF.
// Coefficients as published by P. J. Acklam ("An algorithm for computing the inverse normal
// cumulative distribution function"); the central region is |p - 0.5| <= 0.5 - kLowBreak.
double acklam_lower_half(double p) {
  constexpr std::array<double, 6> a = {-3.969683028665376e+01, 2.209460984245205e+02,
                                       -2.759285104469687e+02, 1.383577518672690e+02,
                                       -3.066479806614716e+01, 2.506628277459239e+00};
  constexpr std::array<double, 5> b = {-5.447609879822406e+01, 1.615858368580409e+02,
                                       -1.556989798598866e+02, 6.680131188771972e+01,
                                       -1.328068155288572e+01};
  constexpr std::array<double, 6> c = {-7.784894002430293e-03, -3.223964580411365e-01,
                                       -2.400758277161838e+00, -2.549732539343734e+00,
                                       4.374664141464968e+00,  2.938163982698783e+00};
  constexpr std::array<double, 4> d = {7.784695709041462e-03, 3.224671290700398e-01,
                                       2.445134137142996e+00, 3.754408661907416e+00};
  constexpr double kLowBreak = 0.02425;
  if (p < kLowBreak) {
    const double q = std::sqrt(-2.0 * std::log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
           ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
  }
  const double q = p - 0.5;
  const double r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
         (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0);
}

}  // namespace

double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::numbers::sqrt2); }

double inverse_normal_cdf(double p) {
  if (!(p >= 0.0 && p <= 1.0)) {
    throw core::UsageError("inverse_normal_cdf: probability must be in [0, 1], got " +
                           std::to_string(p));
  }
  if (p == 0.0) return -kInf;
  if (p == 1.0) return kInf;
  // Work in the lower half, where Phi has full relative precision; 1 - p is exact for p >= 0.5
  // (Sterbenz), so the upper half loses nothing by symmetry.
  if (p > 0.5) return -inverse_normal_cdf(1.0 - p);
  double x = acklam_lower_half(p);
  // One Halley step on Phi(x) - p takes the 1e-9 approximation to rounding level. Below 1e-300
  // exp(x^2 / 2) would overflow; there the approximation is kept as it is.
  if (p >= 1e-300) {
    const double e = normal_cdf(x) - p;
    const double u = e * std::sqrt(2.0 * std::numbers::pi) * std::exp(0.5 * x * x);
    x -= u / (1.0 + 0.5 * x * u);
  }
  return x;
}

SharpeSample sharpe_sample(const backtest::Metrics& metrics, double bars_per_year,
                           std::int64_t bars) {
  if (!(bars_per_year > 0.0) || !std::isfinite(bars_per_year)) {
    throw core::UsageError("sharpe_sample: bars_per_year must be a positive number, got " +
                           std::to_string(bars_per_year));
  }
  SharpeSample sample;
  sample.sharpe_per_bar = metrics.sharpe / std::sqrt(bars_per_year);
  sample.bars = bars;
  sample.skew = metrics.skew;
  sample.excess_kurtosis = metrics.kurtosis;
  return sample;
}

ReturnMoments return_moments(std::span<const double> returns) {
  ReturnMoments m;
  const std::size_t n = returns.size();
  m.bars = static_cast<std::int64_t>(n);
  if (n == 0) return m;
  for (double r : returns) m.mean += r;
  m.mean /= static_cast<double>(n);
  double m2 = 0, m3 = 0, m4 = 0;
  for (double r : returns) {
    const double d = r - m.mean, d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  if (n < 2 || !(std::sqrt(m2 / static_cast<double>(n - 1)) > 1e-14 * std::abs(m.mean))) return m;
  m.variance = m2 / static_cast<double>(n - 1);
  m2 /= static_cast<double>(n);
  m3 /= static_cast<double>(n);
  m4 /= static_cast<double>(n);
  m.skew = m3 / std::pow(m2, 1.5);
  m.excess_kurtosis = m4 / (m2 * m2) - 3.0;
  return m;
}

SharpeSample sharpe_sample(std::span<const double> returns) {
  const auto m = return_moments(returns);
  SharpeSample s;
  s.sharpe_per_bar = m.variance > 0 ? m.mean / std::sqrt(m.variance) : 0.0;
  s.bars = m.bars;
  s.skew = m.skew;
  s.excess_kurtosis = m.excess_kurtosis;
  return s;
}

double annualized_sharpe(std::span<const double> returns, double bars_per_year) {
  return sharpe_sample(returns).sharpe_per_bar * std::sqrt(bars_per_year);
}

TrialSet null_trial_set(std::int64_t trials, std::int64_t bars) {
  return {trials, bars > 1 ? 1.0 / static_cast<double>(bars - 1) : 0.0};
}

double probabilistic_sharpe_z(const SharpeSample& sample, double benchmark_sharpe_per_bar) {
  require_finite(sample.sharpe_per_bar, "sharpe_per_bar");
  require_finite(sample.skew, "skew");
  require_finite(sample.excess_kurtosis, "excess_kurtosis");
  require_finite(benchmark_sharpe_per_bar, "benchmark_sharpe_per_bar");
  if (sample.bars < 2) return 0.0;
  const double sr = sample.sharpe_per_bar;
  const double gamma4 = sample.excess_kurtosis + 3.0;
  const double radicand = 1.0 - sample.skew * sr + (gamma4 - 1.0) / 4.0 * sr * sr;
  const double excess = sr - benchmark_sharpe_per_bar;
  if (!(radicand > 0.0) || !std::isfinite(radicand)) {
    // No estimation error left: the sign of the difference decides.
    if (excess > 0.0) return kInf;
    if (excess < 0.0) return -kInf;
    return 0.0;
  }
  return excess * std::sqrt(static_cast<double>(sample.bars - 1)) / std::sqrt(radicand);
}

double probabilistic_sharpe(const SharpeSample& sample, double benchmark_sharpe_per_bar) {
  return normal_cdf(probabilistic_sharpe_z(sample, benchmark_sharpe_per_bar));
}

double expected_max_sharpe(std::int64_t trials, double variance_of_sharpes) {
  if (trials < 1) {
    throw core::UsageError("expected_max_sharpe: trials must be at least 1, got " +
                           std::to_string(trials));
  }
  if (!(variance_of_sharpes >= 0.0) || !std::isfinite(variance_of_sharpes)) {
    throw core::UsageError(
        "expected_max_sharpe: the variance of the Sharpe ratios must be finite and >= 0, got " +
        std::to_string(variance_of_sharpes));
  }
  if (trials == 1 || variance_of_sharpes == 0.0) return 0.0;
  const double n = static_cast<double>(trials);
  const double z1 = inverse_normal_cdf(1.0 - 1.0 / n);
  const double z2 = inverse_normal_cdf(1.0 - 1.0 / (n * std::numbers::e));
  return std::sqrt(variance_of_sharpes) * ((1.0 - kEulerGamma) * z1 + kEulerGamma * z2);
}

double sharpe_variance(std::span<const double> sharpes_per_bar) {
  for (double s : sharpes_per_bar) require_finite(s, "a trial's Sharpe ratio");
  const std::size_t n = sharpes_per_bar.size();
  if (n < 2) return 0.0;
  double mean = 0.0;
  for (double s : sharpes_per_bar) mean += s;
  mean /= static_cast<double>(n);
  double sum_sq = 0.0;
  for (double s : sharpes_per_bar) sum_sq += (s - mean) * (s - mean);
  return sum_sq / static_cast<double>(n - 1);
}

DeflatedSharpe deflated_sharpe(const SharpeSample& sample, const TrialSet& trial_set) {
  DeflatedSharpe result;
  result.expected_max_sharpe =
      expected_max_sharpe(trial_set.trials, trial_set.sharpe_variance_per_bar);
  result.psr = probabilistic_sharpe(sample, 0.0);
  result.z = probabilistic_sharpe_z(sample, result.expected_max_sharpe);
  result.dsr = normal_cdf(result.z);
  return result;
}

}  // namespace organism::validate

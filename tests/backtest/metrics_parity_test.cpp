// compute_metrics against independent long-double formulas (plain loops, written apart from the
// implementation), on a million bars, and against vectorbt's numbers on the shared fixture.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "backtest/metrics.hpp"
#include "core/random.hpp"
#include "support/test_support.hpp"

namespace organism::backtest {
namespace {

using Real = long double;

struct Reference {
  Real sharpe = 0, volatility = 0, skew = 0, kurtosis = 0, var_95 = 0, cvar_95 = 0;
  Real max_drawdown = 0;
};

// Textbook definitions: r_t = e_t / e_{t-1} - 1, two-pass moments, a fully sorted copy for the
// quantile, numpy's "linear" rule spelled out.
Reference reference(const std::vector<double>& equity, Real initial, Real bars_per_year) {
  std::vector<Real> r;
  Real prev = initial;
  for (const double e : equity) {
    r.push_back(static_cast<Real>(e) / prev - 1);
    prev = e;
  }
  const Real n = static_cast<Real>(r.size());
  Real sum = 0;
  for (const Real x : r) sum += x;
  const Real mean = sum / n;
  Real s2 = 0, s3 = 0, s4 = 0;
  for (const Real x : r) {
    s2 += (x - mean) * (x - mean);
    s3 += (x - mean) * (x - mean) * (x - mean);
    s4 += (x - mean) * (x - mean) * (x - mean) * (x - mean);
  }
  Reference out;
  const Real sd = std::sqrt(s2 / (n - 1));
  out.volatility = sd * std::sqrt(bars_per_year);
  out.sharpe = mean / sd * std::sqrt(bars_per_year);
  const Real m2 = s2 / n;
  out.skew = (s3 / n) / std::pow(m2, Real(1.5));
  out.kurtosis = (s4 / n) / (m2 * m2) - 3;
  std::vector<Real> sorted = r;
  std::sort(sorted.begin(), sorted.end());
  const Real pos = Real(0.05) * (n - 1);
  const auto i = static_cast<std::size_t>(std::floor(pos));
  const Real q =
      i + 1 < sorted.size() ? sorted[i] + (pos - i) * (sorted[i + 1] - sorted[i]) : sorted[i];
  Real tail = 0;
  int count = 0;
  for (const Real x : sorted) {
    if (x <= q) {
      tail += x;
      ++count;
    }
  }
  out.var_95 = -q;
  out.cvar_95 = -tail / count;
  Real peak = initial;
  for (const double e : equity) {
    peak = std::max<Real>(peak, e);
    out.max_drawdown = std::max(out.max_drawdown, 1 - e / peak);
  }
  return out;
}

void expect_rel(double got, Real want, double rel, const char* what) {
  const double w = static_cast<double>(want);
  EXPECT_NEAR(got, w, rel * std::max(1.0, std::abs(w))) << what;
}

// Equity of a random walk with fat-tailed returns (Student-t, 4 degrees of freedom).
std::vector<double> random_walk(std::size_t n, std::uint64_t seed, double drift, double vol) {
  core::Rng rng(seed);
  std::vector<double> equity;
  equity.reserve(n);
  double e = 10000;
  for (std::size_t i = 0; i < n; ++i)
    equity.push_back(e *= 1 + drift + vol * rng.student_t_unit(4));
  return equity;
}

TEST(MetricsParity, SmallSampleMomentsAndTailAgainstPlainLoops) {
  const std::vector<double> equity = random_walk(37, 7, 0.001, 0.02);
  const std::vector<double> exposure(equity.size(), 1.0);
  MetricsOptions o;
  o.bars_per_year = 365;
  const Metrics m = compute_metrics(equity, exposure, {}, o);
  const Reference ref = reference(equity, o.initial_equity, o.bars_per_year);
  expect_rel(m.sharpe, ref.sharpe, 1e-12, "sharpe");
  expect_rel(m.volatility, ref.volatility, 1e-12, "volatility");
  expect_rel(m.skew, ref.skew, 1e-10, "skew");
  expect_rel(m.kurtosis, ref.kurtosis, 1e-10, "kurtosis");
  expect_rel(m.var_95, ref.var_95, 1e-12, "var_95");
  expect_rel(m.cvar_95, ref.cvar_95, 1e-12, "cvar_95");
  expect_rel(m.max_drawdown, ref.max_drawdown, 1e-12, "max_drawdown");
  EXPECT_GT(m.cvar_95, m.var_95);
}

TEST(MetricsParity, MillionBarSharpeKeepsFullPrecision) {
  // Drift so small that the mean is ~1e-3 of the std: the regime where naive sums lose digits.
  const std::vector<double> equity = random_walk(1'000'000, 42, 1e-6, 1e-3);
  const std::vector<double> exposure(equity.size(), 1.0);
  MetricsOptions o;
  const Metrics m = compute_metrics(equity, exposure, {}, o);
  const Reference ref = reference(equity, o.initial_equity, o.bars_per_year);
  ASSERT_GT(std::abs(static_cast<double>(ref.sharpe)), 1e-3);
  EXPECT_NEAR(m.sharpe / static_cast<double>(ref.sharpe), 1.0, 1e-12);
  EXPECT_NEAR(m.volatility / static_cast<double>(ref.volatility), 1.0, 1e-12);
  expect_rel(m.skew, ref.skew, 1e-9, "skew");
  expect_rel(m.kurtosis, ref.kurtosis, 1e-9, "kurtosis");
  expect_rel(m.var_95, ref.var_95, 1e-12, "var_95");
  expect_rel(m.cvar_95, ref.cvar_95, 1e-12, "cvar_95");
  expect_rel(m.max_drawdown, ref.max_drawdown, 1e-12, "max_drawdown");
}

TEST(MetricsParity, EveryFieldFiniteOnHostileCurves) {
  core::Rng rng(99);
  for (int round = 0; round < 200; ++round) {
    const std::size_t n = rng.below(40);
    std::vector<double> equity, exposure;
    for (std::size_t i = 0; i < n; ++i) {
      const double u = rng.uniform();
      equity.push_back(u < 0.1 ? 0.0 : u < 0.2 ? 1e-300 : u < 0.3 ? 1e300 : 10000 * rng.uniform());
      exposure.push_back(rng.uniform(-5, 5));
    }
    MetricsOptions o;
    o.consistency_windows = 1 + static_cast<int>(rng.below(20));
    const Metrics m = compute_metrics(equity, exposure, {}, o);
    for_each_metric(m, [&](std::string_view name, double v) {
      EXPECT_TRUE(std::isfinite(v)) << name << " round " << round;
    });
  }
}

struct VectorbtCurves {
  std::vector<double> plain, stops;
};

VectorbtCurves read_vectorbt_equity(const std::filesystem::path& path) {
  std::istringstream in(test::read_file(path));
  VectorbtCurves out;
  std::string line;
  std::getline(in, line);  // time,equity_plain,equity_stops
  while (std::getline(in, line)) {
    const std::size_t a = line.find(',');
    const std::size_t b = line.find(',', a + 1);
    out.plain.push_back(std::strtod(line.c_str() + a + 1, nullptr));
    out.stops.push_back(std::strtod(line.c_str() + b + 1, nullptr));
  }
  return out;
}

// vectorbt 0.28.3 on BTC 1h with freq="1min": returns start from init_cash, Sharpe annualized by
// 525,600, max drawdown reported as a negative number.
TEST(MetricsParity, VectorbtSharpeAndDrawdown) {
  const auto shared = test::shared_dir();
  if (!shared) GTEST_SKIP() << "../shared is absent: vectorbt parity not checked";
  const auto path = *shared / "peers" / "vectorbt-btc1h" / "equity.csv.gz";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " is absent";
  const VectorbtCurves curves = read_vectorbt_equity(path);
  ASSERT_EQ(curves.plain.size(), 54613u);
  MetricsOptions o;
  o.bars_per_year = 525600;
  o.initial_equity = 10000;
  const std::vector<double> exposure(curves.plain.size(), 0.0);

  const Metrics plain = compute_metrics(curves.plain, exposure, {}, o);
  EXPECT_NEAR(plain.sharpe / 5.846805976621727, 1.0, 1e-9);
  EXPECT_NEAR(plain.max_drawdown / 0.6574980248112641, 1.0, 1e-9);
  EXPECT_NEAR(plain.total_return / 3.1231042897223174, 1.0, 1e-9);

  const Metrics stops = compute_metrics(curves.stops, exposure, {}, o);
  EXPECT_NEAR(stops.sharpe / -2.2333308775491068, 1.0, 1e-9);
  EXPECT_NEAR(stops.max_drawdown / 0.6179899345518945, 1.0, 1e-9);
  EXPECT_NEAR(stops.total_return / -0.4365326284354428, 1.0, 1e-9);
}

}  // namespace
}  // namespace organism::backtest

#include "backtest/tail.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <vector>

#include "core/random.hpp"

namespace organism::backtest {
namespace {

// Independent reference: a full sort, numpy's linear rule as numpy writes it (_lerp), and a
// long-double mean of every value <= q.
LowerTail sorted_reference(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  const double h = p * static_cast<double>(v.size() - 1);
  const double below = std::floor(h);
  const auto i = static_cast<std::size_t>(below);
  const double t = h - below;
  const double a = v[i];
  const double b = i + 1 < v.size() ? v[i + 1] : a;
  const double q = t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
  long double sum = 0;
  std::size_t count = 0;
  for (const double x : v) {
    if (x <= q) {
      sum += x;
      ++count;
    }
  }
  return {q, static_cast<double>(sum / count)};
}

void expect_matches_reference(std::vector<double> v, double p, const char* what) {
  const LowerTail want = sorted_reference(v, p);
  const LowerTail got = lower_tail(v, p);
  EXPECT_DOUBLE_EQ(got.quantile, want.quantile) << what;
  EXPECT_NEAR(got.mean, want.mean, 1e-14 * std::max(1.0, std::abs(want.mean))) << what;
}

std::vector<double> normals(std::size_t n, std::uint64_t seed) {
  core::Rng rng(seed);
  std::vector<double> v(n);
  for (double& x : v) x = 0.01 * rng.normal();
  return v;
}

TEST(LowerTail, SmallSamplesByHand) {
  std::vector<double> three{0.1, -0.1, 0.1};  // h = 0.1: -0.1 + 0.1 * 0.2 = -0.08
  const LowerTail t = lower_tail(three, 0.05);
  EXPECT_NEAR(t.quantile, -0.08, 1e-15);
  EXPECT_NEAR(t.mean, -0.1, 1e-15);
  std::vector<double> one{0.3};
  EXPECT_EQ(lower_tail(one, 0.05).quantile, 0.3);
  EXPECT_EQ(lower_tail(one, 0.05).mean, 0.3);
  EXPECT_EQ(lower_tail({}, 0.05).quantile, 0);
  // 21 values 0..20: h = 1 exactly, so q = x_(1) = 1 and the tail is {0, 1}.
  std::vector<double> ramp;
  for (int k = 20; k >= 0; --k) ramp.push_back(k);
  const LowerTail r = lower_tail(ramp, 0.05);
  EXPECT_EQ(r.quantile, 1.0);
  EXPECT_EQ(r.mean, 0.5);
}

TEST(LowerTail, MatchesSortOnSmallAndLargeSamples) {
  for (const std::size_t n : {2u, 7u, 100u, 16'383u, 16'384u, 100'000u, 1'000'003u}) {
    expect_matches_reference(normals(n, n), 0.05, "normal");
  }
  expect_matches_reference(normals(50'000, 3), 0.01, "p = 1%");
  expect_matches_reference(normals(50'000, 4), 0.2, "p = 20%");
  expect_matches_reference(normals(50'000, 5), 0.5, "median (no sampling)");
}

TEST(LowerTail, MostlyZerosUsesTheTiedThreshold) {
  // A strategy mostly out of the market: 97% of bar returns are exactly 0, so the 5% quantile
  // is 0 and the tail is every loss plus every zero.
  core::Rng rng(11);
  std::vector<double> v(200'000, 0.0);
  for (double& x : v) {
    if (rng.bernoulli(0.03)) x = 0.02 * rng.normal();
  }
  expect_matches_reference(v, 0.05, "mostly zeros");
  // Ties just below the quantile as well: losses of exactly -1% on 4% of the bars.
  for (std::size_t k = 0; k < v.size(); k += 25) v[k] = -0.01;
  expect_matches_reference(v, 0.05, "ties");
  std::vector<double> flat(50'000, 0.25);
  expect_matches_reference(flat, 0.05, "all equal");
}

TEST(LowerTail, QuantileBetweenTheLastLossAndTheTiedThreshold) {
  // n = 20,000: h = 999.95, so q interpolates x_(999) and x_(1000). Losses -1000..-1 on every
  // 20th bar, zeros elsewhere: x_(999) = -1 is the largest loss and x_(1000) = 0 is the first
  // zero, the sampled threshold itself. q = -1 + 0.95 * 1 = -0.05 (numpy: 0 - 1 * 0.05).
  std::vector<double> v(20'000, 0.0);
  for (std::size_t k = 0; k < 1000; ++k) v[20 * k] = -1000.0 + static_cast<double>(k);
  expect_matches_reference(v, 0.05, "front then threshold");
  const LowerTail t = lower_tail(v, 0.05);
  EXPECT_NEAR(t.quantile, -0.05, 1e-12);
  EXPECT_NEAR(t.mean, -500.5, 1e-9);  // the 1000 losses; no zero is <= -0.05
}

TEST(LowerTail, SortedAndAdversarialOrders) {
  std::vector<double> v = normals(100'000, 21);
  std::sort(v.begin(), v.end());
  expect_matches_reference(v, 0.05, "ascending");
  std::reverse(v.begin(), v.end());
  expect_matches_reference(v, 0.05, "descending");
  // The strided sample sees only very negative values, so its threshold lies far below the
  // 5% quantile and selection must fall back to the whole sample.
  const std::size_t n = 100'000, stride = n / 2048;
  std::vector<double> trap(n, 1.0);
  for (std::size_t k = 0; k < n; ++k)
    trap[k] = (k % stride == 0) ? -1.0 - 1e-6 * k : 0.001 * (k % 97);
  expect_matches_reference(trap, 0.05, "sample below the quantile");
  // The opposite: the sample sees only large values, so the threshold keeps almost everything.
  for (std::size_t k = 0; k < n; ++k)
    trap[k] = (k % stride == 0) ? 5.0 + 1e-6 * k : -0.001 * (k % 89);
  expect_matches_reference(trap, 0.05, "sample above everything");
}

// Issue 25: the selection (std::nth_element and the neighbouring order statistic, after a
// sampled threshold above 16,384 values) gives the very bits of the full sort's quantile, on
// random, tied and tiny samples; the tail mean is the same compensated sum in another order, so it
// may differ from the long-double reference in the last place only.
TEST(LowerTail, SelectionEqualsSortBitForBit) {
  core::Rng rng(25);
  for (const std::size_t n : {1u, 2u, 19u, 20u, 21u, 1000u, 16'384u, 100'000u}) {
    std::vector<std::vector<double>> samples;
    samples.push_back(normals(n, 1000 + n));  // random
    std::vector<double> tied(n);              // a handful of values, each repeated
    for (double& x : tied) x = 0.01 * static_cast<double>(rng.below(5)) - 0.02;
    samples.push_back(tied);
    std::vector<double> mostly_zero(n, 0.0);  // a strategy mostly out of the market
    for (double& x : mostly_zero) x = rng.bernoulli(0.04) ? -0.01 * rng.uniform() : 0.0;
    samples.push_back(mostly_zero);
    for (const auto& v : samples) {
      for (const double p : {0.05, 0.01, 0.2}) {
        const LowerTail want = sorted_reference(v, p);
        std::vector<double> scratch = v;
        const LowerTail got = lower_tail(scratch, p);
        EXPECT_EQ(std::bit_cast<std::uint64_t>(got.quantile), std::bit_cast<std::uint64_t>(want.quantile))
            << "n " << n << " p " << p << ": " << got.quantile << " vs " << want.quantile;
        const double ulp = std::nextafter(std::abs(want.mean), 1e300) - std::abs(want.mean);
        EXPECT_LE(std::abs(got.mean - want.mean), ulp) << "n " << n << " p " << p;
      }
    }
  }
}

}  // namespace
}  // namespace organism::backtest

// The O(n log w) rolling median against sorting each window, with ties, NaN restarts, odd and
// even windows; and by hand.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "core/random.hpp"
#include "indicators/rolling_median.hpp"

namespace organism::indicators {
namespace {

std::vector<double> naive(const std::vector<double>& x, std::size_t w) {
  std::vector<double> out(x.size(), std::nan(""));
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (i + 1 < w) continue;
    std::vector<double> win(x.begin() + static_cast<std::ptrdiff_t>(i + 1 - w), x.begin() + static_cast<std::ptrdiff_t>(i + 1));
    if (std::any_of(win.begin(), win.end(), [](double v) { return !std::isfinite(v); })) continue;
    std::sort(win.begin(), win.end());
    out[i] = w % 2 ? win[w / 2] : 0.5 * (win[w / 2 - 1] + win[w / 2]);
  }
  return out;
}

TEST(RollingMedian, ByHand) {
  const std::vector<double> x = {5, 1, 4, 2, 3};
  const auto m3 = rolling_median(x, 3);
  EXPECT_TRUE(std::isnan(m3[0]));
  EXPECT_TRUE(std::isnan(m3[1]));
  EXPECT_EQ(m3[2], 4);  // {5,1,4}
  EXPECT_EQ(m3[3], 2);  // {1,4,2}
  EXPECT_EQ(m3[4], 3);  // {4,2,3}
  const auto ranks = series_ranks(x);
  EXPECT_EQ(ranks, (std::vector<double>{4, 0, 3, 1, 2}));
  const auto m2 = rolling_median(x, 2);
  EXPECT_EQ(m2[1], 3);
  EXPECT_EQ(m2[4], 2.5);
}

TEST(RollingMedian, EqualsSortingEveryWindowWithTiesAndGaps) {
  core::Rng rng(3);
  for (int trial = 0; trial < 300; ++trial) {
    const std::size_t n = 50 + rng.below(700);
    std::vector<double> x(n);
    const double levels = trial % 2 ? 8 : 1e6;  // many ties, or almost none
    for (auto& v : x) v = std::floor(rng.uniform(0, levels));
    for (int gaps = static_cast<int>(rng.below(3)); gaps > 0; --gaps) x[rng.below(n)] = std::nan("");
    const std::size_t w = 1 + rng.below(trial % 3 ? 40 : 300);
    const auto got = rolling_median(x, w), want = naive(x, w);
    ASSERT_EQ(got.size(), want.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
      if (std::isnan(want[i])) {
        EXPECT_TRUE(std::isnan(got[i])) << "trial " << trial << " i " << i;
      } else {
        EXPECT_EQ(got[i], want[i]) << "trial " << trial << " w " << w << " i " << i;
      }
    }
  }
}

// The radix sort behind series_ranks against a comparison sort of (value, position) pairs: signs,
// -0 against +0, ties, infinities and NaN (no rank), tiny and huge magnitudes.
TEST(RollingMedian, RanksEqualAComparisonSort) {
  core::Rng rng(11);
  const std::vector<double> special = {0.0, -0.0, 1e-310, -1e-310, 1e300, -1e300, std::nan(""),
                                       INFINITY, -INFINITY, 1.0, -1.0};
  for (int trial = 0; trial < 200; ++trial) {
    const std::size_t n = rng.below(3000);
    std::vector<double> x(n);
    for (auto& v : x) {
      const auto kind = rng.below(4);
      v = kind == 0   ? special[rng.below(special.size())]
          : kind == 1 ? std::floor(rng.uniform(-5, 5))
                      : rng.uniform(-1, 1) * std::pow(10.0, rng.uniform(-20, 20));
    }
    std::vector<std::pair<double, std::size_t>> order;
    for (std::size_t i = 0; i < n; ++i) {
      if (std::isfinite(x[i])) order.emplace_back(x[i], i);
    }
    std::sort(order.begin(), order.end());
    std::vector<double> want(n, std::nan(""));
    for (std::size_t r = 0; r < order.size(); ++r) want[order[r].second] = static_cast<double>(r);
    const auto got = series_ranks(x);
    ASSERT_EQ(got.size(), n);
    for (std::size_t i = 0; i < n; ++i) {
      if (std::isnan(want[i])) {
        EXPECT_TRUE(std::isnan(got[i])) << "trial " << trial << " i " << i;
      } else {
        EXPECT_EQ(got[i], want[i]) << "trial " << trial << " i " << i << " x " << x[i];
      }
    }
  }
}

}  // namespace
}  // namespace organism::indicators

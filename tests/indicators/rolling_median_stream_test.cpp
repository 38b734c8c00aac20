// RollingMedian (one value at a time) equals rolling_median (whole series, by ranks) bit for bit:
// odd and even windows, ties, and non-finite values that restart the window.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/random.hpp"
#include "indicators/rolling_median.hpp"
#include "test_helpers.hpp"

namespace organism::indicators {
namespace {

TEST(RollingMedianStream, ByHand) {
  RollingMedian m(3);
  EXPECT_TRUE(std::isnan(m.update(5)));
  EXPECT_TRUE(std::isnan(m.update(1)));
  EXPECT_EQ(m.update(3), 3);           // {5, 1, 3}
  EXPECT_EQ(m.update(10), 3);          // {1, 3, 10}
  EXPECT_TRUE(std::isnan(m.update(std::nan(""))));  // restart
  EXPECT_TRUE(std::isnan(m.update(2)));
  EXPECT_TRUE(std::isnan(m.update(4)));
  EXPECT_EQ(m.update(8), 4);
  RollingMedian even(2);
  even.update(1);
  EXPECT_EQ(even.update(4), 2.5);
}

TEST(RollingMedianStream, EqualsBatchWithTiesAndGaps) {
  core::Rng rng(5, {1});
  std::vector<double> x(20'000);
  for (auto& v : x) {
    const double u = rng.uniform();
    // Coarse values (many ties), a few NaN and infinities that restart the window.
    v = u < 0.0002 ? std::nan("") : (u < 0.0003 ? INFINITY : std::round(rng.normal() * 20) / 4);
  }
  for (const std::size_t window : {1u, 2u, 10u, 11u, 240u, 241u, 2000u}) {
    RollingMedian m(window);
    std::vector<double> streamed(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) streamed[i] = m.update(x[i]);
    const auto batch = rolling_median(x, window);
    EXPECT_SAME_SERIES(streamed, batch, "window " + std::to_string(window));
    std::size_t defined = 0;
    for (const double v : batch) defined += std::isfinite(v) ? 1 : 0;
    EXPECT_GT(defined, x.size() / 4) << window;  // the windows fill between restarts
  }
}

}  // namespace
}  // namespace organism::indicators

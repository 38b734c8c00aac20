#include "indicators/obv.hpp"

#include <gtest/gtest.h>

#include "test_helpers.hpp"

namespace organism::indicators {
namespace {

TEST(Obv, HandComputed) {
  // closes 10 11 11 10 12, volumes 5 3 4 2 6: 5, 5+3 = 8, 8 (equal close), 8-2 = 6, 6+6 = 12.
  const std::vector<double> c{10, 11, 11, 10, 12};
  const auto bars = test::make_candles(c, c, c, {5, 3, 4, 2, 6});
  const auto v = obv(bars.view());
  const double want[] = {5, 8, 8, 6, 12};
  for (int i = 0; i < 5; ++i) EXPECT_EQ(v[i], want[i]);
}

TEST(Obv, CompensatedTotalStaysExactOverAMillionBars) {
  // A million up bars of volume 0.1: the exact total is 1e6 * fl(0.1), which rounds to 100000.
  // A plain running sum drifts to 100000.0000013; the compensated one stays within an ulp.
  Obv f;
  double last = 0;
  for (int i = 0; i < 1'000'000; ++i) last = f.update(static_cast<double>(i), 0.1);
  EXPECT_NEAR(last, 100000.0, 2e-11);
}

TEST(Obv, StreamingEqualsBatch) {
  std::vector<double> c, v;
  for (int i = 0; i < 300; ++i) {
    c.push_back(std::round(std::sin(i * 0.7) * 3));
    v.push_back(0.37 * (i % 9));
  }
  const auto bars = test::make_candles(c, c, c, v);
  const auto b = obv(bars.view());
  Obv f;
  for (std::size_t i = 0; i < bars.size(); ++i)
    EXPECT_TRUE(test::same(f.update(bars.bar(i)), b[i]));
}

}  // namespace
}  // namespace organism::indicators

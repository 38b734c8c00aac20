#include "indicators/returns.hpp"

#include <gtest/gtest.h>

#include "test_helpers.hpp"

namespace organism::indicators {
namespace {

TEST(LogReturns, HandComputed) {
  const auto r = log_returns(std::vector<double>{100, 110, 99, 99});
  EXPECT_TRUE(std::isnan(r[0]));
  EXPECT_DOUBLE_EQ(r[1], std::log(1.1));
  EXPECT_DOUBLE_EQ(r[2], std::log(0.9));
  EXPECT_EQ(r[3], 0.0);
}

TEST(RealizedVol, HandComputedAndAnnualized) {
  // Two returns ln 1.1 and ln 0.9: population stddev = |ln 1.1 - ln 0.9| / 2.
  const std::vector<double> c{100, 110, 99};
  const double sd = (std::log(1.1) - std::log(0.9)) / 2;
  const auto per_bar = realized_vol(c, 2);
  EXPECT_TRUE(std::isnan(per_bar[1]));
  EXPECT_NEAR(per_bar[2], sd, 1e-15);
  const auto yearly = realized_vol(c, 2, 8760.0);  // hourly bars
  EXPECT_NEAR(yearly[2], sd * std::sqrt(8760.0), 1e-13);
}

TEST(RealizedVol, FlatPricesGiveZero) {
  const auto v = realized_vol(std::vector<double>(30, 0.1), 10, 365.0);
  for (int i = 10; i < 30; ++i) EXPECT_EQ(v[i], 0.0);
}

TEST(Returns, StreamingEqualsBatch) {
  std::vector<double> c;
  for (int i = 0; i < 300; ++i) c.push_back(100 * std::exp(std::sin(i * 0.05) * 0.2));
  const auto r = log_returns(c);
  const auto v = realized_vol(c, 24, 8760);
  LogReturn fr;
  RealizedVol fv(24, 8760);
  for (std::size_t i = 0; i < c.size(); ++i) {
    EXPECT_TRUE(test::same(fr.update(c[i]), r[i]));
    EXPECT_TRUE(test::same(fv.update(c[i]), v[i]));
  }
}

}  // namespace
}  // namespace organism::indicators

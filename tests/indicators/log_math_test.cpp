#include "indicators/log_math.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cfloat>
#include <cstdint>
#include <limits>
#include <random>

#include "indicators/rolling.hpp"
#include "test_helpers.hpp"

namespace organism::indicators {
namespace {

// Distance in units in the last place between two finite doubles of the same sign.
std::uint64_t ulps(double a, double b) {
  const auto x = std::bit_cast<std::int64_t>(a), y = std::bit_cast<std::int64_t>(b);
  return static_cast<std::uint64_t>(x > y ? x - y : y - x);
}

std::vector<double> sample_inputs() {
  std::mt19937_64 rng(99);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::vector<double> x;
  for (int i = 0; i < 400'000; ++i) {
    x.push_back(
        std::ldexp(1.0 + unit(rng), static_cast<int>(unit(rng) * 2040) - 1020));  // all scales
    x.push_back(0.8 + 0.4 * unit(rng));                                           // price ratios
    x.push_back(1.0 + std::ldexp(unit(rng) - 0.5, -20 - i % 30));  // the |f| < 2^-20 branch
  }
  for (int e = -1022; e <= 1023; ++e) x.push_back(std::ldexp(1.0, e));
  for (const double v : {1.0, 2.0, 0.5, M_E, 10.0, DBL_MIN, DBL_MAX, std::sqrt(2.0), std::sqrt(0.5),
                         std::nextafter(1.0, 2.0), std::nextafter(1.0, 0.0)}) {
    x.push_back(v);
  }
  return x;
}

TEST(Ln, WithinOneUlpOfTheCLibrary) {
  std::uint64_t worst = 0;
  for (const double v : sample_inputs()) worst = std::max(worst, ulps(ln(v), std::log(v)));
  EXPECT_LE(worst, 1u);
}

TEST(Ln, ExactAndSpecialValues) {
  EXPECT_EQ(ln(1.0), 0.0);
  EXPECT_FALSE(std::signbit(ln(1.0)));
  EXPECT_EQ(ln(2.0), std::log(2.0));
  EXPECT_EQ(ln(0.0), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(ln(std::numeric_limits<double>::infinity()), std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(ln(-1.0)));
  EXPECT_TRUE(std::isnan(ln(kNaN)));
  EXPECT_EQ(ln(DBL_MIN / 4), std::log(DBL_MIN / 4));  // subnormal: the C library's answer
}

TEST(Ln, InPlaceEqualsOneAtATimeBitForBit) {
  auto x = sample_inputs();
  // Special values scattered so that every lane position meets one.
  const double specials[] = {0.0,         -2.0, kNaN, std::numeric_limits<double>::infinity(),
                             DBL_MIN / 8, -0.0, 1.0};
  for (std::size_t i = 0; i < 7 * 5; ++i) x[i * 13 + i % 4] = specials[i % 7];
  for (const std::size_t len :
       {x.size(), x.size() - 1, x.size() - 2, x.size() - 3, std::size_t{3}}) {
    std::vector<double> v(x.begin(), x.begin() + static_cast<long>(len));
    ln_in_place(v);
    for (std::size_t i = 0; i < len; ++i) ASSERT_TRUE(test::same(v[i], ln(x[i]))) << i;
  }
}

}  // namespace
}  // namespace organism::indicators

#include "core/text.hpp"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

namespace organism::core {
namespace {

TEST(Text, StrictNumberParsing) {
  EXPECT_EQ(parse_double("82765.5"), 82765.5);
  EXPECT_EQ(parse_double("0.0000125"), 0.0000125);
  EXPECT_EQ(parse_double("-3"), -3.0);
  EXPECT_FALSE(parse_double(""));
  EXPECT_FALSE(parse_double("1.5x"));
  EXPECT_FALSE(parse_double("+1"));
  EXPECT_FALSE(parse_double("1e400"));  // out of range is not a number
  EXPECT_TRUE(std::isnan(*parse_double("nan")));
  EXPECT_EQ(parse_int64("1704067200000"), 1704067200000);
  EXPECT_FALSE(parse_int64("1.0"));
  EXPECT_FALSE(parse_int64("99999999999999999999"));
}

TEST(Text, FormatNumberIsShortestPlainDecimal) {
  EXPECT_EQ(format_number(7225), "7225");
  EXPECT_EQ(format_number(0.0000125), "0.0000125");
  EXPECT_EQ(format_number(82765.5), "82765.5");
  EXPECT_EQ(format_number(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(format_number(1e21), "1000000000000000000000");
  for (double v : {1.0 / 3, 123456.789e-10, 9.87654321e15, std::numeric_limits<double>::denorm_min()}) {
    EXPECT_EQ(*parse_double(format_number(v)), v);
  }
}

TEST(Text, ParseTimeAcceptsDatesAndMilliseconds) {
  EXPECT_EQ(parse_time("2020-01-01"), 1577836800000);
  EXPECT_EQ(parse_time("2024-03-01T01:02"), 1709254920000);
  EXPECT_EQ(parse_time("2024-03-01 01:02:03"), 1709254923000);
  EXPECT_EQ(parse_time("1577836800000"), 1577836800000);
  EXPECT_FALSE(parse_time("2023-02-29"));
  EXPECT_FALSE(parse_time("2024-13-01"));
  EXPECT_FALSE(parse_time("yesterday"));
}

TEST(Text, SplitList) {
  EXPECT_EQ(split_list(" BTC, ETH,,SOL "), (std::vector<std::string>{"BTC", "ETH", "SOL"}));
  EXPECT_TRUE(split_list("").empty());
}

}  // namespace
}  // namespace organism::core

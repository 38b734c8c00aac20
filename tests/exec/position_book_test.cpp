// A position's books in exact units: averaging in, realizing out, crossing zero, fees, rounding.
#include <gtest/gtest.h>

#include "exec/order_manager.hpp"
#include "exec/position_book.hpp"

namespace organism::exec {
namespace {

constexpr Units kCoin = kUnitsPerCoin;
constexpr Units kDollar = kUnitsPerCoin;

TEST(PositionBook, AShortCoveredThroughZeroRealizesAndReopensAtTheFillPrice) {
  PositionChange p;
  apply_fill_to_position(p, -2 * kCoin, 100 * kDollar, 3'000, 1, "fill 1");
  EXPECT_EQ(p.size, -2 * kCoin);
  EXPECT_EQ(p.entry_price, 100 * kDollar);
  apply_fill_to_position(p, 3 * kCoin, 90 * kDollar, 4'000, 2, "fill 2");  // covers 2 at +10, long 1
  EXPECT_EQ(p.size, kCoin);
  EXPECT_EQ(p.realized_pnl, 20 * kDollar);
  EXPECT_EQ(p.entry_price, 90 * kDollar);
  apply_fill_to_position(p, kCoin, 95 * kDollar, 0, 3, "fill 3");  // averages in: 92.5
  EXPECT_EQ(p.entry_price, 9'250'000'000);
  apply_fill_to_position(p, -2 * kCoin, 92 * kDollar, 500, 4, "fill 4");  // flat: -0.5 x 2
  EXPECT_EQ(p.size, 0);
  EXPECT_EQ(p.entry_price, 0);
  EXPECT_EQ(p.realized_pnl, 19 * kDollar);
  EXPECT_EQ(p.fees, 7'500);
  EXPECT_EQ(p.time, 4);
  EXPECT_EQ(p.cause, "fill 4");
}

TEST(PositionBook, AveragesAndPnlRoundHalfAwayFromZero) {
  EXPECT_EQ(pnl_units(1, kCoin / 2), 1);    // 0.5 unit
  EXPECT_EQ(pnl_units(-1, kCoin / 2), -1);
  EXPECT_EQ(pnl_units(3, kCoin / 4), 1);    // 0.75
  PositionChange p;
  apply_fill_to_position(p, 1, 1, 0, 0, "");
  apply_fill_to_position(p, 2, 2, 0, 0, "");  // (1 + 4) / 3 = 1.67 -> 2
  EXPECT_EQ(p.entry_price, 2);
}

}  // namespace
}  // namespace organism::exec

// The price path inside a bar (price_path.hpp) and the perp tick grid (price_ticks.hpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "core/random.hpp"
#include "data/import.hpp"
#include "exchange/hyperliquid/decimal.hpp"
#include "exchange/market_test_support.hpp"
#include "exchange/sim/price_path.hpp"
#include "exchange/sim/price_ticks.hpp"
#include "support/test_support.hpp"

namespace organism::exchange::sim {
namespace {

using test_market::valid_perp_price;

data::Bar bar(double o, double h, double l, double c, double v = 10) { return {0, o, h, l, c, v}; }

std::size_t first_index_of(const std::vector<double>& path, double px) {
  return static_cast<std::size_t>(std::find(path.begin(), path.end(), px) - path.begin());
}

TEST(MarketPricePath, RisingBarDipsFirstWithMovesInProportionToDistance) {
  // Distances 5 (100->95), 15 (95->110), 5 (110->105) share 11 moves: one each, then 8 x d/25 =
  // 1.6, 4.8, 1.6 -> 1, 4, 1 and the two left over go to the largest remainders (leg 2, then leg 1
  // before leg 3 on the tie): 3, 6, 2 moves. Inside legs: 5 significant figures.
  const auto path = bar_path(bar(100, 110, 95, 105), 12, 2);
  const std::vector<double> want{100,   98.333, 96.667, 95,  97.5,  100,
                                 102.5, 105,    107.5,  110, 107.5, 105};
  EXPECT_EQ(path, want);
}

TEST(MarketPricePath, FallingBarRisesFirst) {
  const auto path = bar_path(bar(105, 110, 95, 100), 12, 2);
  const std::vector<double> want{105,   106.67, 108.33, 110, 107.5, 105,
                                 102.5, 100,    97.5,   95,  97.5,  100};
  EXPECT_EQ(path, want);
}

TEST(MarketPricePath, DojiDipsFirstAndFlatBarStaysAtTheOpen) {
  // o = c = 100: a doji counts as rising. Distances 2, 6, 4: 1 each + 8 x (1/6, 1/2, 1/3) =
  // 1.33, 4, 2.67 -> 1, 4, 2 and the one left goes to leg 3: moves 2, 5, 4.
  const auto doji = bar_path(bar(100, 104, 98, 100), 12, 2);
  const std::vector<double> want{100, 99, 98, 99.2, 100.4, 101.6, 102.8, 104, 103, 102, 101, 100};
  EXPECT_EQ(doji, want);
  EXPECT_EQ(bar_path(bar(7, 7, 7, 7), 12, 2), std::vector<double>(12, 7.0));
}

TEST(MarketPricePath, ALegOfZeroLengthGetsNoMoves) {
  // Opens at its low: the dip leg is empty, 11 moves go 1 + 6 to the rise (10) and 1 + 3 to the
  // fall (5) of 9 shared 6 : 3.
  const auto path = bar_path(bar(100, 110, 100, 105), 12, 2);
  const std::vector<double> want{100,    101.43, 102.86, 104.29, 105.71, 107.14,
                                 108.57, 110,    108.75, 107.5,  106.25, 105};
  EXPECT_EQ(path, want);
}

TEST(MarketPricePath, FewerThanFourStepsIsRefused) {
  try {
    bar_path(bar(1, 2, 0.5, 1.5), 3, 2);
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "a bar's price path needs at least 4 steps, got 3");
  }
}

TEST(MarketPricePath, RandomBarsTouchOpenExtremesCloseInTheDocumentedOrder) {
  core::Rng rng(7, {1});
  for (int trial = 0; trial < 20000; ++trial) {
    const int szd = static_cast<int>(rng.below(6));
    const int steps = 4 + static_cast<int>(rng.below(40));
    // Prices on the tick grid, as stored exchange bars are.
    const double base = std::pow(10.0, rng.uniform(-3, 5));
    auto on_grid = [&](double x) {
      return static_cast<double>(nearest_tick(to_units(x), szd)) / 1e8;
    };
    const double o = on_grid(base * rng.uniform(0.95, 1.05)),
                 c = on_grid(base * rng.uniform(0.95, 1.05));
    const double h = std::max({o, c, on_grid(base * rng.uniform(1.0, 1.1))});
    const double l = std::min({o, c, on_grid(base * rng.uniform(0.9, 1.0))});
    const auto path = bar_path(bar(o, h, l, c), steps, szd);
    ASSERT_EQ(path.size(), static_cast<std::size_t>(steps));
    EXPECT_EQ(path.front(), o);
    EXPECT_EQ(path.back(), c);
    EXPECT_EQ(*std::max_element(path.begin(), path.end()), h);
    EXPECT_EQ(*std::min_element(path.begin(), path.end()), l);
    const std::size_t at_low = first_index_of(path, l), at_high = first_index_of(path, h);
    if (l < o && o < h) {  // an open at an extreme has touched it first, whatever the rule
      if (c >= o) {
        EXPECT_LT(at_low, at_high) << o << " " << h << " " << l << " " << c;
      } else {
        EXPECT_LT(at_high, at_low) << o << " " << h << " " << l << " " << c;
      }
    }
    for (double px : path) {
      ASSERT_TRUE(valid_perp_price(to_units(px), szd)) << px << " szd " << szd;
      ASSERT_TRUE(hl::price_is_valid(to_units(px), szd)) << px << " szd " << szd;
    }
  }
}

TEST(MarketPricePath, CandlesRebuiltFromTicksEqualRealHyperliquidBars) {
  const auto shared = test::shared_dir();
  if (!shared) GTEST_SKIP() << "../shared is absent";
  const auto parsed = data::parse_file((*shared / "data/ohlcv/hyperliquid/BTC-5m.csv.gz").string(),
                                       data::ImportOptions{});
  const auto& bars = parsed.candles->bars;
  ASSERT_GT(bars.size(), 38000u);
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const auto b = bars.bar(i);
    const auto path = bar_path(b, 12, 5);
    ASSERT_EQ(path.front(), b.open) << i;
    ASSERT_EQ(*std::max_element(path.begin(), path.end()), b.high) << i;
    ASSERT_EQ(*std::min_element(path.begin(), path.end()), b.low) << i;
    ASSERT_EQ(path.back(), b.close) << i;
    for (double px : path) ASSERT_TRUE(valid_perp_price(to_units(px), 5)) << px;
  }
}

TEST(MarketPricePath, FlashMovesTheRestOfTheBarLinearly) {
  auto path = bar_path(bar(100, 110, 95, 105), 12, 2);
  // From tick 3 (95): ticks 4..11 reach 95 x 0.9 = 85.5 linearly, 8 moves of -1.1875.
  apply_flash(path, 3, -0.10, 2);
  const std::vector<double> want{100,    98.333, 96.667, 95,     93.813, 92.625,
                                 91.438, 90.25,  89.063, 87.875, 86.688, 85.5};
  // 93.8125 and the like have 6 significant figures: snapped to 5 (ties up).
  EXPECT_EQ(path, want);
}

TEST(MarketTickGrid, TickFollowsSignificantFiguresDecimalsAndIntegers) {
  EXPECT_EQ(tick_at(to_units(82765), 5), 100'000'000);   // 5 integer digits: $1
  EXPECT_EQ(tick_at(to_units(123456), 5), 100'000'000);  // integers are always valid
  EXPECT_EQ(tick_at(to_units(1670.1), 4), 10'000'000);   // $0.1
  EXPECT_EQ(tick_at(to_units(0.12345), 0), 1'000);       // 5 significant figures
  EXPECT_EQ(tick_at(to_units(0.001565), 0), 100);        // 6 decimals cap
  EXPECT_EQ(tick_at(to_units(0.5), 3), 100'000);         // 3 decimals cap
  EXPECT_EQ(floor_to_tick(to_units(82765.7), 5), to_units(82765));
  EXPECT_EQ(ceil_to_tick(to_units(82765.2), 5), to_units(82766));
  EXPECT_EQ(ceil_to_tick(to_units(9.99995), 1), to_units(10));
  EXPECT_EQ(tick_below(to_units(10), 1), to_units(9.9999));
  EXPECT_EQ(tick_above(to_units(9.9999), 1), to_units(10));
  EXPECT_EQ(nearest_tick(to_units(98.33351), 2), to_units(98.334));
  EXPECT_EQ(nearest_tick(to_units(98.33349), 2), to_units(98.333));
  EXPECT_EQ(lot_units(5), 1000);
}

}  // namespace
}  // namespace organism::exchange::sim

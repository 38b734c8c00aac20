// The market's own trades at a tick (market_prints.hpp).
#include "exchange/sim/market_prints.hpp"

#include <gtest/gtest.h>

#include "exchange/sim/price_ticks.hpp"

namespace organism::exchange::sim {
namespace {

PrintInputs btc(double price, double previous) {
  PrintInputs in;
  in.seed = 3;
  in.time = 1'741'946'400'000;
  in.price = price;
  in.previous_price = previous;
  in.bar_volume = 24.16464;
  in.steps_per_bar = 12;
  in.sz_decimals = 5;
  return in;
}

TEST(MarketPrints, SizesShareTheTickVolumeAtThePriceWithTheMovesSide) {
  for (core::TimeMs t = 0; t < 200; ++t) {
    auto in = btc(82765, 82760);
    in.time += t * 25'000;
    const auto up = market_prints(in);
    ASSERT_GE(up.size(), 1u);
    ASSERT_LE(up.size(), 3u);
    Units total = 0;
    for (const auto& p : up) {
      EXPECT_TRUE(p.buy_aggressor);
      EXPECT_EQ(p.px, to_units(82765));
      EXPECT_EQ(p.sz % 1000, 0);  // whole 1e-5 lots
      total += p.sz;
    }
    // 24.16464 / 12 = 2.01372 BTC, each share rounded down by less than a lot.
    EXPECT_LE(total, to_units(2.01372));
    EXPECT_GT(total, to_units(2.01372) - 3 * 1000);
    in.previous_price = 82770;
    for (const auto& p : market_prints(in)) EXPECT_FALSE(p.buy_aggressor);
  }
}

TEST(MarketPrints, NoVolumeNoPrintsAndSameInputsSamePrints) {
  auto in = btc(82765, 82765);
  in.bar_volume = 0;
  EXPECT_TRUE(market_prints(in).empty());
  in.bar_volume = 1e-6;  // below one lot per tick
  EXPECT_TRUE(market_prints(in).empty());
  const auto a = market_prints(btc(82765, 82765)), b = market_prints(btc(82765, 82765));
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].sz, b[i].sz);
    EXPECT_EQ(a[i].buy_aggressor, b[i].buy_aggressor);
  }
  // A flat tick's side is a coin flip: over many ticks both sides appear.
  int buys = 0, sells = 0;
  for (core::TimeMs t = 0; t < 100; ++t) {
    auto in2 = btc(82765, 82765);
    in2.time += t * 25'000;
    const auto p = market_prints(in2);
    (p.front().buy_aggressor ? buys : sells) += 1;
  }
  EXPECT_GT(buys, 20);
  EXPECT_GT(sells, 20);
}

}  // namespace
}  // namespace organism::exchange::sim

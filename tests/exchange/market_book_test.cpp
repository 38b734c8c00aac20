// The seeded synthetic book around the replayed price (synthetic_book.hpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "core/random.hpp"
#include "exchange/market_test_support.hpp"
#include "exchange/sim/price_ticks.hpp"
#include "exchange/sim/synthetic_book.hpp"

namespace organism::exchange::sim {
namespace {

using test_market::valid_perp_price;

BookInputs btc_inputs() {
  BookInputs in;
  in.seed = 1;
  in.asset = 0;
  in.time = 1'741'946'400'000;
  in.price = 82765;
  in.bar = {in.time, 82765, 82817, 82697, 82699, 24.16464};
  in.steps_per_bar = 12;
  in.levels = 20;
  in.sz_decimals = 5;
  return in;
}

bool same(const std::vector<Level>& a, const std::vector<Level>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].px != b[i].px || a[i].sz != b[i].sz || a[i].n != b[i].n) return false;
  }
  return true;
}

TEST(MarketSyntheticBook, InvariantsHoldOverTenThousandTicks) {
  core::Rng rng(11, {2});
  for (int t = 0; t < 10000; ++t) {
    BookInputs in;
    in.seed = rng.next_u64();
    in.asset = static_cast<int>(rng.below(5));
    in.time = 1'700'000'000'000 + static_cast<core::TimeMs>(t) * 5000;
    const double open = std::pow(10.0, rng.uniform(-2, 5));
    // Real assets have szDecimals that leave a price at least 4 significant decimals (a $0.03
    // coin cannot have 5 size decimals: its prices would have 1 decimal).
    const int max_szd = std::clamp(static_cast<int>(std::floor(3 + std::log10(open))), 0, 5);
    in.sz_decimals = static_cast<int>(rng.below(static_cast<std::uint64_t>(max_szd) + 1));
    const double range = rng.uniform(0, 0.05);
    in.bar = {
        in.time, open, open * (1 + range / 2), open * (1 - range / 2), open, rng.uniform(0, 1e4)};
    in.price = open * rng.uniform(1 - range / 2, 1 + range / 2);
    in.levels = 1 + static_cast<int>(rng.below(20));
    const auto book = synthetic_book(in);
    const Units px = to_units(in.price);
    ASSERT_EQ(book.asks.size(), static_cast<std::size_t>(in.levels));
    ASSERT_EQ(book.bids.size(), static_cast<std::size_t>(in.levels))
        << in.price << " szd " << in.sz_decimals;
    ASSERT_LT(book.bids.front().px, px);
    ASSERT_GT(book.asks.front().px, px);
    const Units lot = lot_units(in.sz_decimals);
    for (const auto* side : {&book.bids, &book.asks}) {
      for (std::size_t i = 0; i < side->size(); ++i) {
        const Level& l = (*side)[i];
        ASSERT_TRUE(valid_perp_price(l.px, in.sz_decimals)) << l.px << " szd " << in.sz_decimals;
        ASSERT_GT(l.sz, 0);
        ASSERT_EQ(l.sz % lot, 0);
        ASSERT_GE(l.n, 1);
        ASSERT_LE(l.n, 4);
        if (i > 0 && side == &book.bids) {
          ASSERT_LT(l.px, (*side)[i - 1].px);
        }
        if (i > 0 && side == &book.asks) {
          ASSERT_GT(l.px, (*side)[i - 1].px);
        }
      }
    }
  }
}

TEST(MarketSyntheticBook, SpreadAndDepthFollowTheFormulas) {
  // BTC 5m bar: range = 120 / 82765 = 0.145%; half-spread = 82765 x (0.00002 + 0.02 x 0.00145) x
  // [0.75, 1.25) = $3.05 .. $5.08, so the best bid is 82759 .. 82761 and the best ask 82769 ..
  // 82771; the level gap is 120 / 40 = $3. Depth: max(24.16464 / 12 x 0.2, 1000 / 82765) = 0.40274
  // BTC x (1 + i/4) x [0.5, 1.5).
  const auto book = synthetic_book(btc_inputs());
  EXPECT_GE(book.bids[0].px, to_units(82759));
  EXPECT_LE(book.bids[0].px, to_units(82761));
  EXPECT_GE(book.asks[0].px, to_units(82769));
  EXPECT_LE(book.asks[0].px, to_units(82771));
  for (std::size_t i = 1; i < book.bids.size(); ++i) {
    EXPECT_EQ(book.bids[i - 1].px - book.bids[i].px, to_units(3)) << i;
    EXPECT_EQ(book.asks[i].px - book.asks[i - 1].px, to_units(3)) << i;
  }
  for (std::size_t i = 0; i < book.bids.size(); ++i) {
    const double base = 24.16464 / 12 * 0.2 * (1 + static_cast<double>(i) / 4);
    EXPECT_GE(book.bids[i].sz, to_units(0.5 * base) - 1000) << i;  // rounded down to 1e-5 lots
    EXPECT_LT(book.bids[i].sz, to_units(1.5 * base)) << i;
  }
}

TEST(MarketSyntheticBook, SameInputsSameBookOtherSeedOrTickOtherBook) {
  const auto in = btc_inputs();
  const auto a = synthetic_book(in);
  const auto b = synthetic_book(in);
  EXPECT_TRUE(same(a.bids, b.bids) && same(a.asks, b.asks));
  auto other_seed = in;
  other_seed.seed = 2;
  const auto c = synthetic_book(other_seed);
  EXPECT_FALSE(same(a.bids, c.bids) && same(a.asks, c.asks));
  auto other_tick = in;
  other_tick.time += 25'000;
  const auto d = synthetic_book(other_tick);
  EXPECT_FALSE(same(a.bids, d.bids) && same(a.asks, d.asks));
}

TEST(MarketSyntheticBook, AThinBarStillQuotesAThousandDollarsALevel) {
  auto in = btc_inputs();
  in.bar.volume = 0;
  const auto book = synthetic_book(in);
  // 1000 / 82765 = 0.012082 BTC x (1 + i/4) x [0.5, 1.5), down to whole 1e-5 lots.
  EXPECT_GE(book.asks[0].sz, to_units(0.5 * 1000 / 82765) - 1000);
  EXPECT_LT(book.asks[0].sz, to_units(1.5 * 1000 / 82765));
}

}  // namespace
}  // namespace organism::exchange::sim

// The market replay driving the real engine: the engine's book is the replay's synthetic book, an
// IOC fills against it, and funding settles on each hour with the stored rate (market_replay.hpp).
#include <gtest/gtest.h>

#include "exchange/market_test_support.hpp"
#include "exchange/sim/market_replay.hpp"
#include "exchange/sim/price_ticks.hpp"
#include "exchange/sim/synthetic_book.hpp"

namespace organism::exchange::sim {
namespace {

constexpr core::TimeMs kT0 = 1'704'067'200'000;  // 2024-01-01 00:00 UTC
constexpr core::TimeMs k15m = 15 * core::kMinuteMs;

CoinMarketData aaa() {
  std::vector<data::Bar> bars;
  for (int i = 0; i < 16; ++i) {
    const double o = 100 + i;
    bars.push_back({kT0 + i * k15m, o, o + 3, o - 2, o + 1, 10.0 + i});
  }
  CoinMarketData c;
  c.spec = {"AAA", 2, 10, false};
  c.bars = test_market::candles_of(bars);
  data::FundingSeries f;
  f.coin = "AAA";
  f.time = {kT0 + core::kHourMs, kT0 + 2 * core::kHourMs};
  f.rate = {0.0001, 0.0002};
  c.funding = f;
  return c;
}

TEST(MarketDrivesEngine, TheEngineTradesAgainstTheReplayedBookAndPaysHourlyFunding) {
  MarketConfig cfg;
  cfg.interval = *core::Interval::parse("15m");
  cfg.from = kT0 + 3 * k15m;
  cfg.steps_per_bar = 5;
  cfg.book_levels = 10;
  MarketReplay market({aaa()}, cfg);
  Engine engine(market.assets(), EngineConfig{});
  market.advance_to(market.now(), engine);

  // The engine shows the book the replay generated for the tick at 00:45 (price 103, the open).
  BookInputs in;
  in.seed = cfg.seed;
  in.time = cfg.from;
  in.price = 103;
  in.bar = {cfg.from, 103, 106, 101, 104, 13};
  in.steps_per_bar = 5;
  in.levels = 10;
  in.sz_decimals = 2;
  const auto expected = synthetic_book(in);
  const auto shown = engine.book(0);
  ASSERT_FALSE(shown.asks.empty());
  EXPECT_EQ(shown.asks[0].px, expected.asks[0].px);
  EXPECT_EQ(shown.bids[0].px, expected.bids[0].px);
  EXPECT_EQ(engine.last_price(0), to_units(103));
  // The market's own prints reach the trades feed: at 103, the market maker on both sides.
  std::size_t prints = 0;
  for (const auto& event : engine.drain_events()) {
    if (const auto* t = std::get_if<TradeEvent>(&event)) {
      EXPECT_EQ(t->trade.px, to_units(103));
      EXPECT_EQ(t->trade.time, cfg.from);
      EXPECT_EQ(t->trade.buyer, market_maker_address());
      EXPECT_EQ(t->trade.seller, market_maker_address());
      ++prints;
    }
  }
  EXPECT_GE(prints, 1u);

  const auto user = *Address::parse("0x1111111111111111111111111111111111111111");
  OrderRequest buy;
  buy.asset = 0;
  buy.is_buy = true;
  buy.px = to_units(110);
  buy.sz = to_units(1);
  buy.tif = Tif::Ioc;
  const std::vector<OrderRequest> orders{buy};
  const auto status = engine.place(user, orders, Grouping::Na, market.now()).at(0);
  ASSERT_EQ(status.kind, OrderStatus::Kind::Filled) << status.error;
  EXPECT_EQ(status.total_sz, to_units(1));
  EXPECT_DOUBLE_EQ(status.avg_px, static_cast<double>(expected.asks[0].px) / 1e8);

  // 01:00: the tick (AAA's 01:00 open, 104) then the funding: a long of 1 pays 104 x 0.0001.
  market.advance_to(kT0 + core::kHourMs + core::kMinuteMs, engine);
  auto paid = engine.fundings(user);
  ASSERT_EQ(paid.size(), 1u);
  EXPECT_EQ(paid[0].time, kT0 + core::kHourMs);
  EXPECT_DOUBLE_EQ(paid[0].rate, 0.0001);
  EXPECT_NEAR(paid[0].usdc, -104 * 0.0001, 1e-12);
  // Jumping over 02:00 and 03:00 settles each once; 03:00 has no row: 02:00's rate applies.
  market.advance_to(kT0 + 3 * core::kHourMs + 30 * core::kMinuteMs, engine);
  paid = engine.fundings(user);
  ASSERT_EQ(paid.size(), 3u);
  EXPECT_EQ(paid[1].time, kT0 + 2 * core::kHourMs);
  EXPECT_NEAR(paid[1].usdc, -108 * 0.0002, 1e-12);
  EXPECT_EQ(paid[2].time, kT0 + 3 * core::kHourMs);
  EXPECT_NEAR(paid[2].usdc, -112 * 0.0002, 1e-12);
}

}  // namespace
}  // namespace organism::exchange::sim

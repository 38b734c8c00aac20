// Matching and order handling of the simulated exchange: hand-computed fills, fees and balances,
// the exchange's exact error texts, cancel / cancelByCloid / modify, self-trade prevention.
#include <gtest/gtest.h>

#include "exchange/sim/sim_engine.hpp"
#include "exchange/sim_engine_fixture.hpp"

namespace organism::exchange::sim {
namespace {

using namespace testing;
using Kind = OrderStatus::Kind;

TEST(SimEngineOrders, IocBuyWalksTwoSyntheticLevels) {
  Engine e = make_engine();
  const OrderStatus st = place1(e, user_a(), limit(true, 2001, 1.5, Tif::Ioc));
  ASSERT_EQ(st.kind, Kind::Filled);
  EXPECT_EQ(st.oid, 1u);
  EXPECT_EQ(st.total_sz, u(1.5));
  // 1.0 @ 2000.5 + 0.5 @ 2001 = 3001 USDC for 1.5 ETH.
  EXPECT_NEAR(st.avg_px, 3001.0 / 1.5, 1e-9);

  const auto fills = e.fills(user_a());
  ASSERT_EQ(fills.size(), 2u);
  EXPECT_EQ(fills[0].px, u(2000.5));
  EXPECT_EQ(fills[0].sz, u(1));
  EXPECT_EQ(fills[1].px, u(2001));
  EXPECT_EQ(fills[1].sz, u(0.5));
  EXPECT_EQ(fills[1].start_position, u(1));
  EXPECT_EQ(fills[0].dir, "Open Long");
  EXPECT_TRUE(fills[0].crossed);
  EXPECT_NEAR(fills[0].fee, 2000.5 * 0.00045, 1e-12);
  EXPECT_NEAR(fills[1].fee, 1000.5 * 0.00045, 1e-12);
  EXPECT_EQ(fills[0].hash.size(), 66u);
  EXPECT_NE(fills[0].hash, fills[1].hash);

  const ClearinghouseState ch = e.clearinghouse(user_a(), kT0);
  ASSERT_EQ(ch.positions.size(), 1u);
  EXPECT_EQ(ch.positions[0].szi, u(1.5));
  EXPECT_NEAR(ch.positions[0].entry_px, 3001.0 / 1.5, 1e-9);
  // Mark 2000: upnl = 1.5 x 2000 - 3001 = -1; fees 3001 x 0.00045 = 1.35045.
  EXPECT_NEAR(ch.positions[0].unrealized_pnl, -1.0, 1e-9);
  EXPECT_NEAR(ch.margin_summary.account_value, 100000 - 1.35045 - 1.0, 1e-9);
  EXPECT_NEAR(ch.margin_summary.total_margin_used, 1.5 * 2000 / 20, 1e-9);
  EXPECT_NEAR(ch.withdrawable, 100000 - 1.35045 - 1.0 - 150, 1e-9);

  // The taken synthetic liquidity stays consumed: 1.5 left at 2001.
  const BookView book = e.book(0);
  ASSERT_EQ(book.asks.size(), 1u);
  EXPECT_EQ(book.asks[0].px, u(2001));
  EXPECT_EQ(book.asks[0].sz, u(1.5));

  const auto trades = events_of<TradeEvent>(e.drain_events());
  ASSERT_EQ(trades.size(), 2u);
  EXPECT_TRUE(trades[0].trade.buy_aggressor);
  EXPECT_EQ(trades[0].trade.buyer, user_a());
  EXPECT_EQ(trades[0].trade.seller, market_maker_address());
}

TEST(SimEngineOrders, GtcRestsThenFillsAsMakerWhenThePriceMovesThrough) {
  Engine e = make_engine();
  const OrderStatus st = place1(e, user_a(), limit(true, 1990, 1));
  ASSERT_EQ(st.kind, Kind::Resting);
  const BookView book = e.book(0);
  ASSERT_EQ(book.bids.size(), 3u);
  EXPECT_EQ(book.bids[2].px, u(1990));
  EXPECT_EQ(book.bids[2].n, 1);

  e.on_market(0, tick(kT0 + 1000, 1990.5, {{1990, 1}}, {{1991, 1}}));
  EXPECT_EQ(e.order(user_a(), st.oid)->state, OrderState::Open);
  e.on_market(0, tick(kT0 + 2000, 1989, {{1988.5, 1}}, {{1989.5, 1}}));
  const auto info = e.order(user_a(), st.oid);
  EXPECT_EQ(info->state, OrderState::Filled);
  const auto fills = e.fills(user_a());
  ASSERT_EQ(fills.size(), 1u);
  EXPECT_EQ(fills[0].px, u(1990));
  EXPECT_FALSE(fills[0].crossed);
  EXPECT_NEAR(fills[0].fee, 1990 * 0.00015, 1e-12);
  // Mark 1989: balance 100000 - 0.2985, upnl = 1989 - 1990 = -1.
  EXPECT_NEAR(e.clearinghouse(user_a(), kT0).margin_summary.account_value, 100000 - 0.2985 - 1,
              1e-9);
  EXPECT_TRUE(e.open_orders(user_a()).empty());
}

TEST(SimEngineOrders, AloThatWouldCrossIsRejectedWithTheBbo) {
  Engine e = make_engine();
  const OrderStatus st = place1(e, user_a(), limit(true, 2000.5, 1, Tif::Alo));
  EXPECT_EQ(st.kind, Kind::Error);
  EXPECT_EQ(st.error, "Post only order would have immediately matched, bbo was 1999.5@2000.5.");
  EXPECT_EQ(place1(e, user_a(), limit(true, 2000, 1, Tif::Alo)).kind, Kind::Resting);
}

TEST(SimEngineOrders, IocWithoutLiquidityAtItsPriceIsAnError) {
  Engine e = make_engine();
  const OrderStatus st = place1(e, user_a(), limit(true, 2000, 1, Tif::Ioc));
  EXPECT_EQ(st.kind, Kind::Error);
  EXPECT_EQ(st.error, "Order could not immediately match against any resting orders.");
  EXPECT_TRUE(e.open_orders(user_a()).empty());
}

TEST(SimEngineOrders, ReduceOnlyNeverIncreasesAndStopsAtFlat) {
  Engine e = make_engine();
  EXPECT_EQ(place1(e, user_a(), limit(false, 1999, 1, Tif::Ioc, true)).error,
            "Reduce only order would increase position.");
  ASSERT_EQ(place1(e, user_a(), limit(true, 2001, 1.5, Tif::Ioc)).kind, Kind::Filled);
  EXPECT_EQ(place1(e, user_a(), limit(true, 2001, 0.5, Tif::Ioc, true)).error,
            "Reduce only order would increase position.");
  // Sell 2 reduce-only: only 1.5 trade (1 @ 1999.5, 0.5 @ 1999), the position is flat.
  const OrderStatus st = place1(e, user_a(), limit(false, 1999, 2, Tif::Ioc, true));
  ASSERT_EQ(st.kind, Kind::Filled);
  EXPECT_EQ(st.total_sz, u(1.5));
  EXPECT_NEAR(st.avg_px, (1999.5 + 999.5) / 1.5, 1e-9);
  EXPECT_TRUE(e.clearinghouse(user_a(), kT0).positions.empty());
  const auto fills = e.fills(user_a());
  ASSERT_EQ(fills.size(), 4u);
  EXPECT_EQ(fills[2].dir, "Close Long");
  // Closed pnl: bought at 3001 / 1.5; 1 @ 1999.5 closes 1999.5 - 2000.6667.
  EXPECT_NEAR(fills[2].closed_pnl, 1999.5 - 3001.0 / 1.5, 1e-9);
  EXPECT_NEAR(fills[3].closed_pnl, 0.5 * (1999 - 3001.0 / 1.5), 1e-9);
}

TEST(SimEngineOrders, TickLotMinimumValueAndMarginRejectsUseTheExchangeTexts) {
  Engine e = make_engine();
  EXPECT_EQ(place1(e, user_a(), limit(true, 1990.123, 1)).error,
            "Price must be divisible by tick size.");
  EXPECT_EQ(place1(e, user_a(), limit(true, 1234.56, 1)).error,
            "Price must be divisible by tick size.");
  EXPECT_EQ(place1(e, user_a(), limit(true, 1990, 0.00001)).error, "Order has invalid size.");
  EXPECT_EQ(place1(e, user_a(), limit(true, 1990, 0.005)).error,
            "Order must have minimum value of $10.");
  // 1990 x 1005 / 20 = 99,997.5 fits 100,000; 1990 x 1006 / 20 = 100,097 does not.
  EXPECT_EQ(place1(e, user_a(), limit(true, 1990, 1006)).error,
            "Insufficient margin to place order.");
  const OrderStatus big = place1(e, user_a(), limit(true, 1990, 1005));
  ASSERT_EQ(big.kind, Kind::Resting);
  // The resting order's margin is held: another small order no longer fits.
  EXPECT_EQ(place1(e, user_a(), limit(true, 1990, 1)).error, "Insufficient margin to place order.");
  const std::vector<CancelRequest> cancel{{0, big.oid}};
  ASSERT_TRUE(e.cancel(user_a(), cancel, kT0).at(0).ok);
  EXPECT_EQ(place1(e, user_a(), limit(true, 1990, 1)).kind, Kind::Resting);
}

TEST(SimEngineOrders, CancelCancelByCloidAndModify) {
  Engine e = make_engine();
  OrderRequest r = limit(true, 1990, 1);
  r.cloid = "0x00000000000000000000000000000001";
  const OrderStatus placed = place1(e, user_a(), r);
  ASSERT_EQ(placed.kind, Kind::Resting);
  EXPECT_EQ(place1(e, user_a(), r).error, "Cloid is already used by an open order.");

  // Modify by cloid: the old order is canceled, the new one gets a new oid.
  const std::vector<ModifyRequest> mods{
      {std::string("0x00000000000000000000000000000001"), limit(true, 1980, 2)}};
  const auto modified = e.modify(user_a(), mods, kT0 + 1);
  ASSERT_EQ(modified.at(0).kind, Kind::Resting);
  EXPECT_GT(modified[0].oid, placed.oid);
  EXPECT_EQ(e.order(user_a(), placed.oid)->state, OrderState::Canceled);
  const auto open = e.open_orders(user_a());
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].limit_px, u(1980));
  EXPECT_EQ(open[0].sz, u(2));

  const std::vector<CancelRequest> by_oid{{0, modified[0].oid}, {0, modified[0].oid}, {0, 999}};
  const auto statuses = e.cancel(user_a(), by_oid, kT0 + 2);
  EXPECT_TRUE(statuses[0].ok);
  EXPECT_EQ(statuses[1].error, "Order was never placed, already canceled, or filled.");
  EXPECT_EQ(statuses[2].error, "Order was never placed, already canceled, or filled.");

  OrderRequest c = limit(false, 2010, 1);
  c.cloid = "0x000000000000000000000000000000ab";
  ASSERT_EQ(place1(e, user_a(), c).kind, Kind::Resting);
  const std::vector<CancelByCloidRequest> by_cloid{{0, "0x000000000000000000000000000000ab"}};
  EXPECT_TRUE(e.cancel_by_cloid(user_a(), by_cloid, kT0).at(0).ok);
  EXPECT_FALSE(e.cancel_by_cloid(user_a(), by_cloid, kT0).at(0).ok);
  EXPECT_EQ(e.order_by_cloid(user_a(), "0x000000000000000000000000000000ab")->state,
            OrderState::Canceled);
  // Another user cannot cancel A's order.
  const OrderStatus mine = place1(e, user_a(), limit(true, 1990, 1));
  const std::vector<CancelRequest> theirs{{0, mine.oid}};
  EXPECT_FALSE(e.cancel(user_b(), theirs, kT0).at(0).ok);
  EXPECT_EQ(e.order(user_a(), mine.oid)->state, OrderState::Open);
}

TEST(SimEngineOrders, UserOrdersGoFirstAndAUserNeverTradesWithThemself) {
  Engine e = make_engine();
  const OrderStatus own = place1(e, user_a(), limit(false, 2000.2, 1));
  const OrderStatus other = place1(e, user_b(), limit(false, 2000.3, 0.5));
  const OrderStatus st = place1(e, user_a(), limit(true, 2000.5, 1, Tif::Ioc));
  ASSERT_EQ(st.kind, Kind::Filled);
  EXPECT_EQ(e.order(user_a(), own.oid)->state, OrderState::SelfTradeCanceled);
  EXPECT_EQ(e.order(user_b(), other.oid)->state, OrderState::Filled);
  const auto fills = e.fills(user_a());
  ASSERT_EQ(fills.size(), 2u);
  EXPECT_EQ(fills[0].px, u(2000.3));  // B's ask, better than the synthetic 2000.5
  EXPECT_EQ(fills[1].px, u(2000.5));
  EXPECT_EQ(fills[1].sz, u(0.5));
  const auto b_fills = e.fills(user_b());
  ASSERT_EQ(b_fills.size(), 1u);
  EXPECT_FALSE(b_fills[0].crossed);
  EXPECT_EQ(b_fills[0].dir, "Open Short");
  EXPECT_NEAR(b_fills[0].fee, 0.5 * 2000.3 * 0.00015, 1e-12);
  EXPECT_EQ(b_fills[0].tid, fills[0].tid);
  const auto trades = events_of<TradeEvent>(e.drain_events());
  ASSERT_EQ(trades.size(), 2u);
  EXPECT_EQ(trades[0].trade.buyer, user_a());
  EXPECT_EQ(trades[0].trade.seller, user_b());
}

TEST(SimEngineOrders, EqualPriceUserOrderTradesBeforeSyntheticLiquidity) {
  Engine e = make_engine();
  ASSERT_EQ(place1(e, user_b(), limit(false, 2000.5, 0.5)).kind, Kind::Resting);
  const BookView book = e.book(0);
  EXPECT_EQ(book.asks[0].sz, u(1.5));  // merged: 0.5 of B + 1 synthetic
  EXPECT_EQ(book.asks[0].n, 2);
  ASSERT_EQ(place1(e, user_a(), limit(true, 2000.5, 0.5, Tif::Ioc)).kind, Kind::Filled);
  EXPECT_EQ(e.fills(user_b()).size(), 1u);
  EXPECT_EQ(e.book(0).asks[0].sz, u(1));
}

TEST(SimEngineOrders, OpenOrderCapPerUser) {
  EngineConfig c;
  c.max_open_orders = 2;
  Engine e(eth_only(), c);
  e.on_market(0, base_tick());
  EXPECT_EQ(place1(e, user_a(), limit(true, 1990, 1)).kind, Kind::Resting);
  EXPECT_EQ(place1(e, user_a(), limit(true, 1989, 1)).kind, Kind::Resting);
  EXPECT_EQ(place1(e, user_a(), limit(true, 1988, 1)).error, "Too many open orders.");
  EXPECT_EQ(place1(e, user_b(), limit(true, 1988, 1)).kind, Kind::Resting);  // per user
}

TEST(SimEngineOrders, EventsComeInTheOrderThingsHappened) {
  Engine e = make_engine();
  const OrderStatus st = place1(e, user_a(), limit(true, 1990, 1));
  auto events = e.drain_events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(std::get<OrderUpdateEvent>(events[0]).order.oid, st.oid);
  EXPECT_EQ(std::get<OrderUpdateEvent>(events[0]).order.state, OrderState::Open);
  EXPECT_EQ(std::get<BookEvent>(events[1]).asset, 0);
  EXPECT_TRUE(e.drain_events().empty());
}

}  // namespace
}  // namespace organism::exchange::sim

// The simulated clearinghouse: funding payments, the liquidation price and liquidation itself,
// isolated margin and leverage changes, all against hand-computed numbers.
#include <gtest/gtest.h>

#include "exchange/sim/sim_engine.hpp"
#include "exchange/sim_engine_fixture.hpp"

namespace organism::exchange::sim {
namespace {

using namespace testing;
using Kind = OrderStatus::Kind;

TEST(SimEngineMargin, FundingLongsPayWhenTheRateIsPositive) {
  Engine e = make_engine();
  ASSERT_EQ(place1(e, user_a(), limit(true, 2001, 1.5, Tif::Ioc)).kind, Kind::Filled);
  ASSERT_EQ(place1(e, user_b(), limit(false, 1999, 1, Tif::Ioc)).kind, Kind::Filled);
  e.drain_events();
  const double before_a = e.clearinghouse(user_a(), kT0).cross_margin_summary.account_value;
  const double before_b = e.clearinghouse(user_b(), kT0).cross_margin_summary.account_value;
  e.settle_funding(0, 0.0001, kT0 + 3'600'000);
  // Mark 2000: A (long 1.5) pays 1.5 x 2000 x 0.0001 = 0.3; B (short 1) receives 0.2.
  const auto fa = e.fundings(user_a()), fb = e.fundings(user_b());
  ASSERT_EQ(fa.size(), 1u);
  ASSERT_EQ(fb.size(), 1u);
  EXPECT_NEAR(fa[0].usdc, -0.3, 1e-12);
  EXPECT_NEAR(fb[0].usdc, 0.2, 1e-12);
  EXPECT_EQ(fa[0].szi, u(1.5));
  EXPECT_EQ(fb[0].szi, u(-1));
  EXPECT_DOUBLE_EQ(fa[0].rate, 0.0001);
  EXPECT_NEAR(e.clearinghouse(user_a(), kT0).cross_margin_summary.account_value, before_a - 0.3,
              1e-9);
  EXPECT_NEAR(e.clearinghouse(user_b(), kT0).cross_margin_summary.account_value, before_b + 0.2,
              1e-9);
  const auto pos = e.clearinghouse(user_a(), kT0).positions.at(0);
  EXPECT_NEAR(pos.cum_funding_all, 0.3, 1e-12);  // paid is positive
  EXPECT_NEAR(pos.cum_funding_since_open, 0.3, 1e-12);
  EXPECT_EQ(events_of<FundingEvent>(e.drain_events()).size(), 2u);
  EXPECT_DOUBLE_EQ(e.context(0).funding, 0.0001);
}

TEST(SimEngineMargin, CrossLiquidationAtTheComputedPrice) {
  Engine e = make_engine(1000);
  ASSERT_EQ(place1(e, user_a(), limit(true, 2000.5, 1, Tif::Ioc)).kind, Kind::Filled);
  const OrderStatus resting = place1(e, user_a(), limit(false, 2500, 0.01));
  ASSERT_EQ(resting.kind, Kind::Resting);
  // Balance 1000 - 2000.5 x 0.00045 = 999.099775; maintenance rate 1 / (2 x 50) = 0.01.
  // P = (1 x 2000.5 - 999.099775) / (1 - 0.01) = 1001.400225 / 0.99.
  const double balance = 1000 - 2000.5 * 0.00045;
  const double liq = (2000.5 - balance) / 0.99;
  const auto ch = e.clearinghouse(user_a(), kT0);
  ASSERT_TRUE(ch.positions.at(0).liquidation_px.has_value());
  EXPECT_NEAR(*ch.positions[0].liquidation_px, liq, 1e-9);
  EXPECT_NEAR(ch.cross_maintenance_margin_used, 2000 * 0.01, 1e-9);

  // 1012 > 1011.515...: value 999.099775 - 988.5 = 10.599775 >= 10.12, still open.
  e.on_market(0, tick(kT0 + 1000, 1012, {{1011.5, 5}}, {{1012.5, 5}}));
  ASSERT_EQ(e.clearinghouse(user_a(), kT0).positions.size(), 1u);
  e.drain_events();
  // 1011: value 9.599775 < 10.11: the position closes at the mark, a taker fill flagged
  // liquidation.
  e.on_market(0, tick(kT0 + 2000, 1011, {{1010.5, 5}}, {{1011.5, 5}}));
  EXPECT_TRUE(e.clearinghouse(user_a(), kT0).positions.empty());
  const auto fills = e.fills(user_a());
  ASSERT_EQ(fills.size(), 2u);
  EXPECT_TRUE(fills[1].liquidation);
  EXPECT_EQ(fills[1].px, u(1011));
  EXPECT_EQ(fills[1].dir, "Close Long");
  EXPECT_NEAR(fills[1].closed_pnl, 1011 - 2000.5, 1e-9);
  EXPECT_NEAR(e.clearinghouse(user_a(), kT0).margin_summary.account_value,
              balance + (1011 - 2000.5) - 1011 * 0.00045, 1e-9);
  EXPECT_EQ(e.order(user_a(), resting.oid)->state, OrderState::LiquidatedCanceled);
  const auto events = e.drain_events();
  const auto liquidations = events_of<LiquidationEvent>(events);
  ASSERT_EQ(liquidations.size(), 1u);
  EXPECT_NEAR(liquidations[0].ntl_pos, 1011, 1e-9);
  EXPECT_NEAR(liquidations[0].account_value, balance + (1011 - 2000.5), 1e-9);
}

TEST(SimEngineMargin, ShortLiquidationPriceFormula) {
  Engine e = make_engine(1000);
  ASSERT_EQ(place1(e, user_a(), limit(false, 1999.5, 1, Tif::Ioc)).kind, Kind::Filled);
  // Short: P = (szi entry - C) / (szi - |szi| r) = (-1999.5 - C) / (-1.01).
  const double balance = 1000 - 1999.5 * 0.00045;
  const auto ch = e.clearinghouse(user_a(), kT0);
  EXPECT_NEAR(*ch.positions.at(0).liquidation_px, (1999.5 + balance) / 1.01, 1e-9);
}

TEST(SimEngineMargin, IsolatedPositionCarriesItsOwnMargin) {
  Engine e = make_engine();
  EXPECT_EQ(e.update_leverage(user_a(), 0, false, 10), "");
  EXPECT_EQ(e.update_leverage(user_a(), 0, false, 51), "Invalid leverage value.");
  ASSERT_EQ(place1(e, user_a(), limit(true, 2000.5, 1, Tif::Ioc)).kind, Kind::Filled);
  auto ch = e.clearinghouse(user_a(), kT0);
  const PositionView& p = ch.positions.at(0);
  EXPECT_FALSE(p.cross);
  EXPECT_EQ(p.leverage, 10);
  // Margin 2000.5 / 10 = 200.05 moved out of the cross balance; rawUsd = 200.05 - 2000.5.
  EXPECT_NEAR(p.raw_usd, 200.05 - 2000.5, 1e-9);
  EXPECT_NEAR(p.margin_used, 200.05 - 0.5, 1e-9);  // mark 2000: upnl -0.5
  const double cross = 100000 - 200.05 - 2000.5 * 0.00045;
  EXPECT_NEAR(ch.cross_margin_summary.account_value, cross, 1e-9);
  EXPECT_NEAR(ch.margin_summary.account_value, cross + 199.55, 1e-9);
  EXPECT_NEAR(ch.margin_summary.total_margin_used, 199.55, 1e-9);
  EXPECT_NEAR(ch.cross_margin_summary.total_margin_used, 0, 1e-12);
  EXPECT_NEAR(ch.margin_summary.total_ntl_pos, 2000, 1e-9);
  // Isolated liquidation price: C = 200.05, P = (2000.5 - 200.05) / 0.99.
  EXPECT_NEAR(*p.liquidation_px, (2000.5 - 200.05) / 0.99, 1e-9);

  EXPECT_EQ(e.update_leverage(user_a(), 0, true, 10),
            "Cannot switch leverage type with open position.");
  EXPECT_EQ(e.update_isolated_margin(user_a(), 0, 100'000'000), "");  // +100 USDC
  ch = e.clearinghouse(user_a(), kT0);
  EXPECT_NEAR(ch.positions.at(0).raw_usd, 300.05 - 2000.5, 1e-9);
  EXPECT_NEAR(ch.cross_margin_summary.account_value, cross - 100, 1e-9);
  // Removing margin below the initial margin (2000 / 10 = 200 at mark) is refused.
  EXPECT_EQ(e.update_isolated_margin(user_a(), 0, -100'600'000),
            "Insufficient isolated margin to remove.");
  EXPECT_EQ(e.update_isolated_margin(user_b(), 0, 1'000'000),
            "No isolated position for this asset.");

  // Closing returns the isolated margin to the cross balance.
  ASSERT_EQ(place1(e, user_a(), limit(false, 1999.5, 1, Tif::Ioc, true)).kind, Kind::Filled);
  ch = e.clearinghouse(user_a(), kT0);
  EXPECT_TRUE(ch.positions.empty());
  EXPECT_NEAR(ch.margin_summary.account_value, 100000 - 1 - (2000.5 + 1999.5) * 0.00045, 1e-9);
}

TEST(SimEngineMargin, IsolatedPositionIsLiquidatedAloneAtItsOwnPrice) {
  Engine e = make_engine();
  EXPECT_EQ(e.update_leverage(user_a(), 0, false, 10), "");
  ASSERT_EQ(place1(e, user_a(), limit(true, 2000.5, 1, Tif::Ioc)).kind, Kind::Filled);
  // C = 200.05: P = (2000.5 - 200.05) / 0.99 = 1818.636...; 1819 holds, 1818 liquidates.
  e.on_market(0, tick(kT0 + 1000, 1819, {{1818.5, 5}}, {{1819.5, 5}}));
  ASSERT_EQ(e.clearinghouse(user_a(), kT0).positions.size(), 1u);
  e.on_market(0, tick(kT0 + 2000, 1818, {{1817.5, 5}}, {{1818.5, 5}}));
  const auto ch = e.clearinghouse(user_a(), kT0);
  EXPECT_TRUE(ch.positions.empty());
  // Only the isolated margin was at stake: the cross balance lost 200.05 - (200.05 + 1818 - 2000.5)
  // and both taker fees.
  EXPECT_NEAR(ch.margin_summary.account_value, 100000 + (1818 - 2000.5) - (2000.5 + 1818) * 0.00045,
              1e-9);
  EXPECT_TRUE(e.fills(user_a()).back().liquidation);
}

TEST(SimEngineMargin, NoLiquidationPriceWhenCollateralCoversTheWholeNotional) {
  Engine e = make_engine();
  ASSERT_EQ(place1(e, user_a(), limit(true, 2001, 1.5, Tif::Ioc)).kind, Kind::Filled);
  EXPECT_FALSE(e.clearinghouse(user_a(), kT0).positions.at(0).liquidation_px.has_value());
}

TEST(SimEngineMargin, UnknownAssetsAreHarmless) {
  Engine e = make_engine();
  EXPECT_TRUE(e.book(7).bids.empty());
  EXPECT_EQ(e.last_price(-1), 0);
  EXPECT_EQ(e.update_leverage(user_a(), 7, true, 5), "Invalid asset.");
  EXPECT_EQ(e.update_isolated_margin(user_a(), 7, 1), "No isolated position for this asset.");
  OrderRequest r = limit(true, 1990, 1);
  r.asset = 3;
  EXPECT_EQ(place1(e, user_a(), r).error, "Invalid asset.");
  EXPECT_THROW(e.on_market(3, base_tick()), std::out_of_range);
}

TEST(SimEngineMargin, CrossLeverageChangeMovesMarginUsed) {
  Engine e = make_engine();
  ASSERT_EQ(place1(e, user_a(), limit(true, 2000.5, 1, Tif::Ioc)).kind, Kind::Filled);
  EXPECT_NEAR(e.clearinghouse(user_a(), kT0).cross_margin_summary.total_margin_used, 100, 1e-9);
  EXPECT_EQ(e.update_leverage(user_a(), 0, true, 5), "");
  EXPECT_NEAR(e.clearinghouse(user_a(), kT0).cross_margin_summary.total_margin_used, 400, 1e-9);
  EXPECT_EQ(e.clearinghouse(user_a(), kT0).positions.at(0).leverage, 5);
}

TEST(SimEngineMargin, FlipReportsBothDirections) {
  Engine e = make_engine();
  ASSERT_EQ(place1(e, user_a(), limit(true, 2000.5, 1, Tif::Ioc)).kind, Kind::Filled);
  ASSERT_EQ(place1(e, user_a(), limit(false, 1999, 2, Tif::Ioc)).kind, Kind::Filled);
  const auto fills = e.fills(user_a());
  ASSERT_EQ(fills.size(), 3u);
  EXPECT_EQ(fills[1].dir, "Close Long");  // 1 @ 1999.5 closes the long exactly
  EXPECT_EQ(fills[2].dir, "Open Short");  // 1 @ 1999 opens the short
  const auto ch = e.clearinghouse(user_a(), kT0);
  EXPECT_EQ(ch.positions.at(0).szi, u(-1));
  EXPECT_NEAR(ch.positions[0].entry_px, 1999, 1e-9);
}

TEST(SimEngineMargin, OneFillThatCrossesZeroIsLongToShort) {
  Engine e = make_engine();
  ASSERT_EQ(place1(e, user_b(), limit(true, 1999.9, 2)).kind, Kind::Resting);
  ASSERT_EQ(place1(e, user_a(), limit(true, 2000.5, 1, Tif::Ioc)).kind, Kind::Filled);
  ASSERT_EQ(place1(e, user_a(), limit(false, 1999.9, 2, Tif::Ioc)).kind, Kind::Filled);
  const auto fills = e.fills(user_a());
  ASSERT_EQ(fills.size(), 2u);
  EXPECT_EQ(fills[1].dir, "Long > Short");
  EXPECT_NEAR(fills[1].closed_pnl, 1999.9 - 2000.5, 1e-9);
  EXPECT_EQ(e.clearinghouse(user_a(), kT0).positions.at(0).szi, u(-1));
}

}  // namespace
}  // namespace organism::exchange::sim

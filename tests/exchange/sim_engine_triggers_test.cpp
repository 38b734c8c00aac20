// TP/SL triggers on the mark, normalTpsl children waiting for their parent, position TP/SL, and
// the dead man's switch (scheduleCancel) of the simulated exchange.
#include <gtest/gtest.h>

#include "exchange/sim/sim_engine.hpp"
#include "exchange/sim_engine_fixture.hpp"

namespace organism::exchange::sim {
namespace {

using namespace testing;
using Kind = OrderStatus::Kind;

TEST(SimEngineTriggers, StopLossFiresOnTheMarkAndTakesLiquidity) {
  Engine e = make_engine();
  ASSERT_EQ(place1(e, user_a(), limit(true, 2000.5, 1, Tif::Ioc)).kind, Kind::Filled);
  const OrderStatus sl = place1(e, user_a(), trigger(false, 1900, 1800, 1, false));
  ASSERT_EQ(sl.kind, Kind::Resting);
  EXPECT_EQ(e.open_orders(user_a()).at(0).order_type(), "Stop Market");
  e.drain_events();
  // The mark decides, not the price: price 1899 with mark 1901 does not fire.
  e.on_market(0, tick(kT0 + 1000, 1899, {{1898.5, 5}}, {{1899.5, 5}}, 1901));
  EXPECT_EQ(e.order(user_a(), sl.oid)->state, OrderState::Open);
  e.on_market(0, tick(kT0 + 2000, 1899, {{1898.5, 5}}, {{1899.5, 5}}, 1900));
  EXPECT_EQ(e.order(user_a(), sl.oid)->state, OrderState::Filled);
  const auto fills = e.fills(user_a());
  ASSERT_EQ(fills.size(), 2u);
  EXPECT_EQ(fills[1].px, u(1898.5));
  EXPECT_TRUE(fills[1].crossed);
  EXPECT_EQ(fills[1].oid, sl.oid);
  std::vector<OrderState> states;
  for (const auto& ev : events_of<OrderUpdateEvent>(e.drain_events()))
    if (ev.order.oid == sl.oid) states.push_back(ev.order.state);
  EXPECT_EQ(states, (std::vector<OrderState>{OrderState::Triggered, OrderState::Filled}));
}

TEST(SimEngineTriggers, TakeProfitDirectionsForBuysAndSells) {
  Engine e = make_engine();
  ASSERT_EQ(place1(e, user_a(), limit(false, 1999.5, 1, Tif::Ioc)).kind, Kind::Filled);  // short 1
  // A buy's take-profit fires when the mark falls to it; its stop when the mark rises to it.
  const OrderStatus tp = place1(e, user_a(), trigger(true, 1950, 2100, 1, true));
  const OrderStatus sl = place1(e, user_a(), trigger(true, 2050, 2200, 1, false));
  e.on_market(0, tick(kT0 + 1000, 2049, {{2048.5, 5}}, {{2049.5, 5}}));
  EXPECT_EQ(e.order(user_a(), sl.oid)->state, OrderState::Open);
  e.on_market(0, tick(kT0 + 2000, 1950, {{1949.5, 5}}, {{1950.5, 5}}));
  EXPECT_EQ(e.order(user_a(), tp.oid)->state, OrderState::Filled);
  EXPECT_EQ(e.fills(user_a()).back().px, u(1950.5));
  // The position is flat: the stop, reduce-only, is canceled when it fires.
  e.on_market(0, tick(kT0 + 3000, 2050, {{2049.5, 5}}, {{2050.5, 5}}));
  EXPECT_EQ(e.order(user_a(), sl.oid)->state, OrderState::ReduceOnlyCanceled);
}

TEST(SimEngineTriggers, LimitTriggerRestsAtItsPriceOnceTriggered) {
  Engine e = make_engine();
  ASSERT_EQ(place1(e, user_a(), limit(true, 2000.5, 1, Tif::Ioc)).kind, Kind::Filled);
  const OrderStatus tp = place1(e, user_a(), trigger(false, 2050, 2060, 1, true, false));
  EXPECT_EQ(e.open_orders(user_a()).at(0).order_type(), "Take Profit Limit");
  e.on_market(0, tick(kT0 + 1000, 2050, {{2049.5, 5}}, {{2050.5, 5}}));
  EXPECT_EQ(e.order(user_a(), tp.oid)->state, OrderState::Open);  // triggered, resting at 2060
  EXPECT_EQ(e.book(0).asks.at(0).px, u(2050.5));
  e.on_market(0, tick(kT0 + 2000, 2060, {{2059.5, 5}}, {{2060.5, 5}}));
  EXPECT_EQ(e.order(user_a(), tp.oid)->state, OrderState::Filled);
  EXPECT_EQ(e.fills(user_a()).back().px, u(2060));
  EXPECT_FALSE(e.fills(user_a()).back().crossed);
}

TEST(SimEngineTriggers, NormalTpslChildrenWaitForTheParentThenOneCancelsTheOther) {
  Engine e = make_engine();
  const std::vector<OrderRequest> batch{limit(true, 1990, 1), trigger(false, 1900, 1800, 1, false),
                                        trigger(false, 2100, 2000, 1, true)};
  const auto st = e.place(user_a(), batch, Grouping::NormalTpsl, kT0);
  ASSERT_EQ(st.size(), 3u);
  EXPECT_EQ(st[0].kind, Kind::Resting);
  EXPECT_EQ(st[1].kind, Kind::WaitingForFill);
  EXPECT_EQ(st[2].kind, Kind::WaitingForFill);
  // The mark passing 1900 while the parent waits fires nothing.
  e.on_market(0, tick(kT0 + 1000, 1995, {{1994.5, 5}}, {{1995.5, 5}}, 1899));
  EXPECT_EQ(e.order(user_a(), st[1].oid)->state, OrderState::Open);
  e.on_market(0, tick(kT0 + 2000, 1989, {{1988.5, 5}}, {{1989.5, 5}}));
  EXPECT_EQ(e.order(user_a(), st[0].oid)->state, OrderState::Filled);
  e.on_market(0, tick(kT0 + 3000, 2100, {{2099.5, 5}}, {{2100.5, 5}}));
  EXPECT_EQ(e.order(user_a(), st[2].oid)->state, OrderState::Filled);
  EXPECT_EQ(e.order(user_a(), st[1].oid)->state, OrderState::SiblingFilledCanceled);
  EXPECT_EQ(e.fills(user_a()).back().px, u(2099.5));
  EXPECT_TRUE(e.clearinghouse(user_a(), kT0).positions.empty());
}

TEST(SimEngineTriggers, CancelingTheParentCancelsItsChildren) {
  Engine e = make_engine();
  const std::vector<OrderRequest> batch{limit(true, 1990, 1), trigger(false, 1900, 1800, 1, false)};
  const auto st = e.place(user_a(), batch, Grouping::NormalTpsl, kT0);
  const std::vector<CancelRequest> cancel{{0, st[0].oid}};
  ASSERT_TRUE(e.cancel(user_a(), cancel, kT0).at(0).ok);
  EXPECT_EQ(e.order(user_a(), st[1].oid)->state, OrderState::Canceled);
  EXPECT_TRUE(e.open_orders(user_a()).empty());
}

TEST(SimEngineTriggers, ParentFilledAtOnceLeavesChildrenWaitingForTheirTrigger) {
  Engine e = make_engine();
  const std::vector<OrderRequest> batch{limit(true, 2000.5, 1, Tif::Ioc),
                                        trigger(false, 1900, 1800, 1, false)};
  const auto st = e.place(user_a(), batch, Grouping::NormalTpsl, kT0);
  EXPECT_EQ(st[0].kind, Kind::Filled);
  EXPECT_EQ(st[1].kind, Kind::WaitingForTrigger);
  const std::vector<OrderRequest> miss{limit(true, 1000, 1, Tif::Ioc),
                                       trigger(false, 900, 800, 1, false)};
  const auto failed = e.place(user_a(), miss, Grouping::NormalTpsl, kT0);
  EXPECT_EQ(failed[1].error, "Parent order was not placed.");
}

TEST(SimEngineTriggers, PositionTpslOfSizeZeroClosesTheWholePosition) {
  Engine e = make_engine();
  ASSERT_EQ(place1(e, user_a(), limit(true, 2001, 1.5, Tif::Ioc)).kind, Kind::Filled);
  OrderRequest sl = trigger(false, 1900, 1800, 0, false);
  const std::vector<OrderRequest> batch{sl};
  const auto st = e.place(user_a(), batch, Grouping::PositionTpsl, kT0);
  ASSERT_EQ(st.at(0).kind, Kind::WaitingForTrigger);
  EXPECT_TRUE(e.open_orders(user_a()).at(0).is_position_tpsl);
  e.on_market(0, tick(kT0 + 1000, 1900, {{1899.5, 5}}, {{1900.5, 5}}));
  EXPECT_TRUE(e.clearinghouse(user_a(), kT0).positions.empty());
  EXPECT_EQ(e.fills(user_a()).back().sz, u(1.5));
}

TEST(SimEngineTriggers, ScheduledCancelRunsAtItsWallClockTime) {
  Engine e = make_engine();
  // The wall clock is far from the market's (kT0): the switch follows the wall clock alone.
  const TimeMs wall = kT0 + 400 * core::kDayMs;
  EXPECT_EQ(e.schedule_cancel(user_a(), wall + 4999, wall),
            "Scheduled cancel time must be at least 5 seconds in the future.");
  EXPECT_EQ(e.schedule_cancel(user_a(), wall + 10'000, wall), "");
  const OrderStatus a = place1(e, user_a(), limit(true, 1990, 1));
  const OrderStatus t = place1(e, user_a(), trigger(false, 1900, 1800, 1, false));
  const OrderStatus other = place1(e, user_b(), limit(true, 1990, 1));
  e.on_clock(wall + 20'000);  // market time passing the schedule does not fire it
  EXPECT_EQ(e.fire_scheduled_cancels(wall + 9'999, kT0), 0);
  EXPECT_EQ(e.order(user_a(), a.oid)->state, OrderState::Open);
  EXPECT_EQ(e.fire_scheduled_cancels(wall + 10'000, kT0), 1);
  EXPECT_EQ(e.order(user_a(), a.oid)->state, OrderState::ScheduledCancel);
  EXPECT_EQ(e.order(user_a(), t.oid)->state, OrderState::ScheduledCancel);
  EXPECT_EQ(e.order(user_a(), a.oid)->status_time, kT0);  // stamped with the market time
  EXPECT_EQ(e.order(user_b(), other.oid)->state, OrderState::Open);
  EXPECT_EQ(e.fire_scheduled_cancels(wall + 20'000, kT0), 0);  // fired once, then cleared
  // Cleared before its time, it does nothing.
  EXPECT_EQ(e.schedule_cancel(user_b(), wall + 20'000, wall), "");
  EXPECT_EQ(e.schedule_cancel(user_b(), std::nullopt, wall), "");
  EXPECT_EQ(e.fire_scheduled_cancels(wall + 30'000, kT0), 0);
  EXPECT_EQ(e.order(user_b(), other.oid)->state, OrderState::Open);
}

TEST(SimEngineTriggers, TenFiredScheduledCancelsPerUtcDayNotTenSets) {
  Engine e = make_engine();
  const TimeMs day_start = kT0 - kT0 % core::kDayMs + 400 * core::kDayMs;
  // Refreshing the switch is free: 100 sets in a day, none fired.
  for (int i = 1; i <= 100; ++i)
    ASSERT_EQ(e.schedule_cancel(user_a(), day_start + 100'000, day_start + i), "");
  // Ten fire in the day (each at the time of its schedule)...
  for (int i = 0; i < 10; ++i) {
    const TimeMs at = day_start + 200'000 + i * 10'000;
    ASSERT_EQ(e.schedule_cancel(user_a(), at, at - 5'000), "") << i;
    ASSERT_EQ(e.fire_scheduled_cancels(at, kT0), 1) << i;
  }
  // ...then the eleventh schedule of that UTC day is refused, for that account only.
  const TimeMs later = day_start + 400'000;
  EXPECT_EQ(e.schedule_cancel(user_a(), later + 10'000, later),
            "Too many scheduled cancels today (at most 10 per UTC day).");
  EXPECT_EQ(e.schedule_cancel(user_b(), later + 10'000, later), "");
  // The next UTC day starts again; the count survives a save and restore.
  Engine restored = Engine::from_json(e.to_json(), e.assets(), e.config());
  EXPECT_EQ(restored.schedule_cancel(user_a(), later + 20'000, later + 1),
            "Too many scheduled cancels today (at most 10 per UTC day).");
  const TimeMs next_day = day_start + core::kDayMs;
  EXPECT_EQ(restored.schedule_cancel(user_a(), next_day + 100'000, next_day), "");
}

}  // namespace
}  // namespace organism::exchange::sim

// The order manager against a scripted broker: rounding to lot and tick with the $10 minimum,
// one place per cloid whatever happens to the replies, unknown outcomes resolved by lookup or
// expiry, the post-only taker fallback, fills booked per strategy, reconciliation.
#include <gtest/gtest.h>

#include "exec/fake_broker.hpp"
#include "exec/order_manager.hpp"
#include "support/test_support.hpp"

namespace organism::exec {
namespace {

using test::FakeBroker;
using test::ScriptedReply;
using E = OrderEvent;
using S = OrderState;

constexpr Units kCoin = kUnitsPerCoin;

OrderIntent intent(const std::string& coin, Side side, Units size, std::uint32_t sequence = 0,
                   const std::string& strategy = "ema_cross_0_1a2b3c4d") {
  OrderIntent in;
  in.strategy_id = strategy;
  in.coin = coin;
  in.bar_time = 1'699'999'200'000;
  in.sequence = sequence;
  in.side = side;
  in.size = size;
  return in;
}

std::vector<OrderEvent> events(Journal& journal, const std::string& cloid) {
  std::vector<OrderEvent> out;
  for (const auto& [update, state] : journal.events_of(cloid)) out.push_back(update.event);
  return out;
}

struct Fixture {
  ::organism::test::TempDir dir;
  Journal journal = Journal::open((dir / "organism.journal.db").string());
  FakeBroker broker;
};

TEST(OrderManager, MarketOrdersAreRoundedDownToTheLotAndCollaredAtTheTick) {
  Fixture f;
  OrderManager manager(f.journal, f.broker);
  const SubmitReport report = manager.submit({intent("ETH", Side::buy, 12'345'678, 0),
                                              intent("ETH", Side::sell, 12'345'678, 1)});
  ASSERT_EQ(f.broker.place_calls.size(), 1u);
  const auto& sent = f.broker.place_calls[0];
  ASSERT_EQ(sent.size(), 2u);
  // szDecimals 4: 0.12345678 -> 0.1234. 1234.567 x 1.01 = 1246.91267 -> 1246.9 (5 significant
  // figures, 2 decimals); x 0.99 = 1222.22133 -> 1222.2.
  EXPECT_EQ(sent[0].spec.sz, 12'340'000);
  EXPECT_EQ(sent[0].spec.px, 124'690'000'000);
  EXPECT_EQ(sent[1].spec.px, 122'220'000'000);
  EXPECT_TRUE(sent[0].spec.is_buy);
  EXPECT_FALSE(sent[1].spec.is_buy);
  EXPECT_EQ(sent[0].spec.tif, exchange::hl::WireTif::Ioc);
  EXPECT_EQ(sent[0].spec.cloid, cloid_of(intent("ETH", Side::buy, 1, 0)));
  ASSERT_EQ(report.placed.size(), 2u);
  EXPECT_EQ(report.placed[0].state, S::filled);
  EXPECT_EQ(report.placed[0].intent.size, 12'340'000);  // the journal keeps what was sent
  EXPECT_EQ(report.placed[0].intent.price, 124'690'000'000);
  EXPECT_EQ(events(f.journal, report.placed[0].cloid), (std::vector<E>{E::sent, E::acked_filled}));
}

TEST(OrderManager, PostOnlyIsAnAloAtTheIntentPriceRoundedToTheTick) {
  Fixture f;
  f.broker.replies.push_back({ScriptedReply::Kind::rest});
  OrderManager manager(f.journal, f.broker);
  OrderIntent in = intent("ETH", Side::buy, 10 * kCoin);
  in.style = ExecStyle::post_only;
  in.price = 123'456'780'000;  // 1234.5678 -> 1234.6
  const SubmitReport report = manager.submit({in});
  ASSERT_EQ(f.broker.place_calls.size(), 1u);
  EXPECT_EQ(f.broker.place_calls[0][0].spec.tif, exchange::hl::WireTif::Alo);
  EXPECT_EQ(f.broker.place_calls[0][0].spec.px, 123'460'000'000);
  ASSERT_EQ(report.placed.size(), 1u);
  EXPECT_EQ(report.placed[0].state, S::resting);
  EXPECT_EQ(manager.open_orders().size(), 1u);
}

TEST(OrderManager, OrdersUnderTenDollarsAfterRoundingAreNeverSent) {
  Fixture f;
  OrderManager manager(f.journal, f.broker);
  // ETH at the 1246.9 collar: 0.0081 x 1246.9 = 10.09989 is sent, 0.0080 -> 9.9752 is not.
  // BTC at the 30300 collar, lot 0.00001: 0.000349 -> 0.00034 = 10.302; 0.000339 -> 0.00033 = 9.999.
  const SubmitReport report = manager.submit({intent("ETH", Side::buy, 810'000, 0), intent("ETH", Side::buy, 800'000, 1),
                                              intent("BTC", Side::buy, 34'900, 2), intent("BTC", Side::buy, 33'900, 3),
                                              intent("ETH", Side::buy, 9'999, 4)});
  ASSERT_EQ(f.broker.place_calls.size(), 1u);
  ASSERT_EQ(f.broker.place_calls[0].size(), 2u);
  EXPECT_EQ(f.broker.place_calls[0][1].spec.sz, 34'000);
  EXPECT_EQ(f.broker.place_calls[0][1].spec.px, 3'030'000'000'000);
  ASSERT_EQ(report.too_small.size(), 3u);
  EXPECT_EQ(report.too_small[0].sequence, 1u);
  EXPECT_EQ(report.too_small[1].sequence, 3u);
  EXPECT_EQ(report.too_small[1].size, 33'000);
  EXPECT_EQ(report.too_small[2].size, 0);  // under one lot
  EXPECT_EQ(f.journal.load().cloids.size(), 2u);  // the small ones are not journaled
}

TEST(OrderManager, AJournaledCloidIsLookedUpNeverPlacedAgainEvenAfterARestart) {
  Fixture f;
  f.broker.replies.push_back({ScriptedReply::Kind::rest});
  const OrderIntent in = intent("ETH", Side::buy, kCoin);
  {
    OrderManager manager(f.journal, f.broker);
    manager.submit({in});
    OrderIntent remade = in;
    remade.size = 2 * kCoin;  // a different size: the same decision, the same cloid
    const SubmitReport again = manager.submit({remade});
    EXPECT_TRUE(again.placed.empty());
    ASSERT_EQ(again.looked_up.size(), 1u);
    EXPECT_EQ(again.looked_up[0].state, S::resting);
  }
  f.broker.fill(cloid_of(in), kCoin, 124'000'000'000, 0);
  OrderManager restarted(f.journal, f.broker);
  const SubmitReport after = restarted.submit({in});
  ASSERT_EQ(after.looked_up.size(), 1u);
  EXPECT_EQ(after.looked_up[0].state, S::filled);
  EXPECT_EQ(f.broker.place_count.at(cloid_of(in)), 1);
  EXPECT_EQ(f.broker.place_calls.size(), 1u);
}

TEST(OrderManager, AReplyLostAfterTheExchangeAppliedItIsResolvedByLookup) {
  Fixture f;
  ScriptedReply lost;
  lost.lose_reply_after_applying = true;
  f.broker.replies.push_back(lost);
  OrderManager manager(f.journal, f.broker);
  const OrderIntent in = intent("ETH", Side::buy, kCoin);
  const SubmitReport report = manager.submit({in});
  ASSERT_EQ(report.placed.size(), 1u);
  // The fill came through userFills at once, so the order is already filled by its fill.
  EXPECT_EQ(report.placed[0].state, S::filled);
  EXPECT_EQ(events(f.journal, cloid_of(in)), (std::vector<E>{E::sent, E::unknown_outcome, E::fill}));
  manager.poll();
  manager.submit({in});
  EXPECT_EQ(f.broker.place_count.at(cloid_of(in)), 1);
}

TEST(OrderManager, AnUnknownOutcomeWithHiddenFillsIsFoundByOrderStatusAtThePoll) {
  Fixture f;
  ScriptedReply lost;
  lost.lose_reply_after_applying = true;
  f.broker.replies.push_back(lost);
  f.broker.hide_fills = true;
  OrderManager manager(f.journal, f.broker);
  const OrderIntent in = intent("ETH", Side::buy, kCoin);
  EXPECT_EQ(manager.submit({in}).placed[0].state, S::sent);
  f.broker.clock += 1'000;
  manager.poll();
  const auto journaled = f.journal.find_order(cloid_of(in));
  ASSERT_TRUE(journaled);
  EXPECT_EQ(journaled->state, S::filled);
  EXPECT_EQ(journaled->filled_size, kCoin);
  EXPECT_EQ(events(f.journal, cloid_of(in)), (std::vector<E>{E::sent, E::unknown_outcome, E::acked_filled}));
  EXPECT_EQ(f.broker.place_count.at(cloid_of(in)), 1);
}

// Lost before the exchange saw it: "sent" until the deadline (expiresAfter + the margin), then
// expired, and the decision is placed again once under the resend leg's cloid; the first cloid is
// never placed twice, and a re-made decision finds both and places nothing.
TEST(OrderManager, AnOrderLostBeforeTheExchangeExpiresAfterTheDeadlineAndIsResentOnceUnderANewCloid) {
  Fixture f;
  ScriptedReply lost;
  lost.lose_reply_before_applying = true;
  f.broker.replies.push_back(lost);
  OrderManagerOptions options;
  options.expiry_ms = 30'000;
  options.expiry_margin_ms = 2'000;
  OrderManager manager(f.journal, f.broker, options);
  const OrderIntent in = intent("ETH", Side::buy, kCoin);
  const core::TimeMs sent_at = f.broker.clock;
  manager.submit({in});
  f.broker.clock = sent_at + 31'999;  // may still appear: stays sent
  manager.poll();
  EXPECT_EQ(manager.open_orders().at(0).state, S::sent);
  EXPECT_EQ(f.broker.place_calls.size(), 1u);
  f.broker.clock = sent_at + 32'000;
  manager.poll();
  EXPECT_EQ(events(f.journal, cloid_of(in)), (std::vector<E>{E::sent, E::unknown_outcome, E::expired}));
  const std::string resend = cloid_of(in, OrderLeg::resend);
  ASSERT_EQ(f.broker.place_calls.size(), 2u);
  EXPECT_EQ(f.broker.place_calls[1].at(0).spec.cloid, resend);
  EXPECT_EQ(f.broker.place_calls[1].at(0).spec.sz, in.size);
  EXPECT_EQ(f.broker.place_count.at(resend), 1);
  EXPECT_FALSE(f.broker.place_count.contains(cloid_of(in)));  // the lost one never reached it
  const SubmitReport again = manager.submit({in});
  ASSERT_EQ(again.looked_up.size(), 1u);
  EXPECT_EQ(again.looked_up[0].state, S::expired);
  EXPECT_EQ(f.broker.place_calls.size(), 2u);
}

TEST(OrderManager, ARefusedOrderIsRejectedWithTheExchangesText) {
  Fixture f;
  f.broker.replies.push_back({ScriptedReply::Kind::reject});
  OrderManager manager(f.journal, f.broker);
  const SubmitReport report = manager.submit({intent("ETH", Side::buy, kCoin)});
  ASSERT_EQ(report.placed.size(), 1u);
  EXPECT_EQ(report.placed[0].state, S::rejected);
  ASSERT_EQ(report.refused.size(), 1u);
  EXPECT_EQ(report.refused[0], "ETH buy 1: Insufficient margin to place order.");
}

TEST(OrderManager, FillsAreBookedPerStrategyAndForTheAccountInExactUnits) {
  Fixture f;
  f.broker.replies.push_back({ScriptedReply::Kind::fill, 0, 200'000'000'000, 100'000'000});
  f.broker.replies.push_back({ScriptedReply::Kind::fill, 0, 210'000'000'000, 50'000'000});
  OrderManager manager(f.journal, f.broker);
  manager.submit({intent("ETH", Side::buy, kCoin, 0)});
  f.broker.clock += 3'600'000;
  OrderIntent sell = intent("ETH", Side::sell, 40'000'000, 0);
  sell.bar_time += 3'600'000;
  manager.submit({sell});
  const std::vector<AttributedFill> fills = manager.take_fills();
  ASSERT_EQ(fills.size(), 2u);
  EXPECT_EQ(fills[0].strategy_id, "ema_cross_0_1a2b3c4d");
  EXPECT_EQ(fills[1].cloid, cloid_of(sell));
  EXPECT_TRUE(manager.take_fills().empty());
  EXPECT_EQ(manager.position("ETH"), 60'000'000);
  const JournalState state = f.journal.load();
  ASSERT_EQ(state.positions.size(), 2u);  // the account's ("") and the strategy's
  for (const PositionChange& p : state.positions) {
    EXPECT_EQ(p.size, 60'000'000);
    EXPECT_EQ(p.entry_price, 200'000'000'000);
    EXPECT_EQ(p.realized_pnl, 4'000'000'000);  // 0.4 x (2100 - 2000) = 40
    EXPECT_EQ(p.fees, 150'000'000);
  }
  const std::vector<LedgerEntry> ledger = f.journal.ledger();
  ASSERT_EQ(ledger.size(), 2u);
  EXPECT_EQ(ledger[1].size, -40'000'000);
  EXPECT_EQ(ledger[1].price, 210'000'000'000);
}

TEST(OrderManager, RestingFillsArePartialThenFullEvents) {
  Fixture f;
  f.broker.replies.push_back({ScriptedReply::Kind::partial_then_rest, 30'000'000, 0, 1'000});
  OrderManager manager(f.journal, f.broker);
  OrderIntent in = intent("ETH", Side::buy, kCoin);
  in.style = ExecStyle::post_only;
  in.price = 120'000'000'000;
  const SubmitReport report = manager.submit({in});
  EXPECT_EQ(report.placed.at(0).state, S::partially_filled);
  f.broker.clock += 10;
  f.broker.fill(cloid_of(in), 70'000'000, 120'000'000'000, 2'000);
  manager.poll();
  const auto order = f.journal.find_order(cloid_of(in));
  EXPECT_EQ(order->state, S::filled);
  EXPECT_EQ(order->filled_size, kCoin);
  EXPECT_EQ(order->fees, 3'000);
  EXPECT_EQ(events(f.journal, cloid_of(in)),
            (std::vector<E>{E::sent, E::acked_resting, E::partial_fill, E::fill}));
}

TEST(OrderManager, PostOnlyPastItsFallbackTimeIsCanceledAndTheRestGoesTaker) {
  Fixture f;
  f.broker.replies.push_back({ScriptedReply::Kind::partial_then_rest, 30'000'000, 0, 0});
  OrderManager manager(f.journal, f.broker);
  OrderIntent in = intent("ETH", Side::buy, kCoin);
  in.style = ExecStyle::post_only;
  in.price = 120'000'000'000;
  in.taker_fallback_ms = 5'000;
  const core::TimeMs sent_at = f.broker.clock;
  manager.submit({in});
  f.broker.clock = sent_at + 4'999;
  manager.poll();
  EXPECT_TRUE(f.broker.cancel_calls.empty());
  f.broker.clock = sent_at + 5'000;
  manager.poll();
  EXPECT_EQ(f.broker.cancel_calls, (std::vector<std::string>{cloid_of(in)}));
  EXPECT_EQ(f.journal.find_order(cloid_of(in))->state, S::canceled);
  const std::string taker = cloid_of(in, OrderLeg::taker_fallback);
  ASSERT_EQ(f.broker.place_calls.size(), 2u);
  EXPECT_EQ(f.broker.place_calls[1][0].spec.cloid, taker);
  EXPECT_EQ(f.broker.place_calls[1][0].spec.sz, 70'000'000);
  EXPECT_EQ(f.broker.place_calls[1][0].spec.tif, exchange::hl::WireTif::Ioc);
  EXPECT_EQ(f.journal.find_order(taker)->state, S::filled);
  EXPECT_EQ(manager.position("ETH"), kCoin);
  f.broker.clock += 60'000;
  manager.poll();
  EXPECT_EQ(f.broker.place_calls.size(), 2u);
}

TEST(OrderManager, NoFallbackWhenTheCancelFindsTheOrderFilled) {
  Fixture f;
  OrderManagerOptions options;
  options.taker_fallback_ms = 1'000;
  f.broker.replies.push_back({ScriptedReply::Kind::rest});
  OrderManager manager(f.journal, f.broker, options);
  OrderIntent in = intent("ETH", Side::buy, kCoin);
  in.style = ExecStyle::post_only;
  in.price = 120'000'000'000;
  manager.submit({in});
  f.broker.hide_fills = true;  // userFills lags behind the book
  f.broker.fill(cloid_of(in), kCoin, 120'000'000'000, 0);
  f.broker.clock += 1'000;
  manager.poll();
  EXPECT_EQ(f.broker.cancel_calls.size(), 1u);
  EXPECT_EQ(f.journal.find_order(cloid_of(in))->state, S::filled);
  EXPECT_EQ(f.broker.place_calls.size(), 1u);
  EXPECT_FALSE(f.journal.find_order(cloid_of(in, OrderLeg::taker_fallback)));
}

TEST(OrderManager, ReconcileFindsFillsMissedForeignOrdersAndPositionMismatches) {
  Fixture f;
  f.broker.replies.push_back({ScriptedReply::Kind::rest});
  const OrderIntent in = intent("ETH", Side::buy, kCoin);
  {
    OrderManager manager(f.journal, f.broker);
    manager.submit({in});
  }
  // While the process was down: our order filled, a trade by hand, an order placed by hand.
  f.broker.clock += 1'000;
  f.broker.fill(cloid_of(in), kCoin, 124'000'000'000, 0);
  f.broker.foreign_fill("BTC", true, 100'000, 3'000'000'000'000);
  OrderStatusInfo foreign;
  foreign.order.coin = "BTC";
  foreign.order.oid = 77;
  foreign.status = "open";
  f.broker.orders["by-hand"] = foreign;
  OrderManager manager(f.journal, f.broker);
  const ReconcileReport report = manager.reconcile();
  EXPECT_EQ(report.orders_checked, 1);
  EXPECT_EQ(report.orders_closed, 1);
  EXPECT_EQ(report.fills_recovered, 2);
  ASSERT_EQ(report.foreign_orders.size(), 1u);
  EXPECT_EQ(report.foreign_orders[0].oid, 77u);
  EXPECT_TRUE(report.position_mismatches.empty());  // the hand trade's fill is the account's too
  EXPECT_EQ(manager.position("ETH"), kCoin);
  EXPECT_EQ(manager.position("BTC"), 100'000);
  f.broker.foreign_fill("ETH", false, 10'000'000, 124'000'000'000);
  f.broker.hide_fills = true;  // a fill the journal cannot see: reported, not papered over
  const ReconcileReport again = OrderManager(f.journal, f.broker).reconcile();
  ASSERT_EQ(again.position_mismatches.size(), 1u);
  EXPECT_EQ(again.position_mismatches.at("ETH"), (std::pair<Units, Units>{90'000'000, kCoin}));
}

TEST(OrderManager, CancelAllCancelsRestingOrders) {
  Fixture f;
  f.broker.replies.push_back({ScriptedReply::Kind::rest});
  f.broker.replies.push_back({ScriptedReply::Kind::rest});
  OrderManager manager(f.journal, f.broker);
  OrderIntent a = intent("ETH", Side::buy, kCoin, 0);
  OrderIntent b = intent("ETH", Side::buy, kCoin, 1);
  a.style = b.style = ExecStyle::post_only;
  a.price = b.price = 120'000'000'000;
  manager.submit({a, b});
  EXPECT_EQ(manager.open_orders().size(), 2u);
  EXPECT_EQ(manager.open_orders()[0].cloid, cloid_of(a));
  EXPECT_EQ(manager.cancel_all(), 2);
  EXPECT_TRUE(manager.open_orders().empty());
  EXPECT_EQ(f.journal.find_order(cloid_of(b))->state, S::canceled);
}

TEST(OrderManager, ATakerLegJournaledButNeverSentIsSentOnceByReconcile) {
  Fixture f;
  f.broker.replies.push_back({ScriptedReply::Kind::partial_then_rest, 30'000'000, 0, 0});
  OrderIntent in = intent("ETH", Side::buy, kCoin);
  in.style = ExecStyle::post_only;
  in.price = 120'000'000'000;
  {
    OrderManager manager(f.journal, f.broker);
    manager.submit({in});
  }
  // A crash right after the fallback's batch: the primary canceled, its taker leg "new".
  f.broker.orders.at(cloid_of(in)).status = "canceled";
  const Order primary = *f.journal.find_order(cloid_of(in));
  OrderIntent taker = in;
  taker.style = ExecStyle::market;
  taker.size = 70'000'000;
  taker.price = 0;
  f.journal.batch([&] {
    f.journal.record_event(primary, {E::cancel_acked, f.broker.clock, std::nullopt, 0, 0, 0, ""});
    f.journal.record_intent(make_order(taker, OrderLeg::taker_fallback, f.broker.clock));
  });
  const std::string leg = cloid_of(in, OrderLeg::taker_fallback);
  for (int restart = 0; restart < 2; ++restart) {
    OrderManager manager(f.journal, f.broker);
    manager.reconcile();
  }
  EXPECT_EQ(f.broker.place_count.at(leg), 1);
  ASSERT_EQ(f.broker.place_calls.size(), 2u);
  EXPECT_EQ(f.broker.place_calls[1][0].spec.sz, 70'000'000);
  EXPECT_EQ(f.journal.find_order(leg)->state, S::filled);
  EXPECT_EQ(events(f.journal, leg), (std::vector<E>{E::sent, E::acked_filled}));
}

TEST(OrderManager, ALostCancelIsJournaledUnknownAndTheFallbackIsTriedAgain) {
  Fixture f;
  OrderManagerOptions options;
  options.taker_fallback_ms = 1'000;
  f.broker.replies.push_back({ScriptedReply::Kind::rest});
  OrderManager manager(f.journal, f.broker, options);
  OrderIntent in = intent("ETH", Side::buy, kCoin);
  in.style = ExecStyle::post_only;
  in.price = 120'000'000'000;
  manager.submit({in});
  f.broker.clock += 1'000;
  f.broker.throw_on_cancel = true;
  manager.poll();
  EXPECT_EQ(events(f.journal, cloid_of(in)), (std::vector<E>{E::sent, E::acked_resting, E::unknown_outcome}));
  EXPECT_EQ(manager.open_orders().at(0).state, S::resting);
  f.broker.throw_on_cancel = false;
  manager.poll();
  EXPECT_EQ(f.journal.find_order(cloid_of(in))->state, S::canceled);
  EXPECT_EQ(f.broker.place_count.at(cloid_of(in, OrderLeg::taker_fallback)), 1);
}

TEST(OrderManager, EveryOrderIsDurablyJournaledSentBeforeThePlace) {
  Fixture f;
  std::vector<std::string> states_seen;
  f.broker.on_place = [&](const std::vector<BrokerOrder>& batch) {
    Journal reader = Journal::open(f.journal.path());  // another connection: committed rows only
    for (const BrokerOrder& order : batch) {
      const auto journaled = reader.find_order(*order.spec.cloid);
      states_seen.push_back(journaled ? std::string(name_of(journaled->state)) : "missing");
    }
  };
  OrderManager manager(f.journal, f.broker);
  manager.submit({intent("ETH", Side::buy, kCoin, 0), intent("BTC", Side::sell, kCoin / 100, 1)});
  EXPECT_EQ(states_seen, (std::vector<std::string>{"sent", "sent"}));
}

// userFillsByTime costs 20 of the 1200 REST weight a minute: poll() asks for fills while orders
// are open or just placed, and an idle account only every idle_fill_sync_ms.
TEST(OrderManager, AnIdleAccountAsksForFillsOnlyEveryIdleSyncInterval) {
  Fixture f;
  OrderManagerOptions options;  // fills_after_place_ms 10 s, idle_fill_sync_ms 30 s
  OrderManager manager(f.journal, f.broker, options);
  const auto polls_asking = [&](int polls) {
    const int before = f.broker.fills_since_calls;
    for (int i = 0; i < polls; ++i) {
      f.broker.clock += 1000;
      manager.poll();
    }
    return f.broker.fills_since_calls - before;
  };
  EXPECT_EQ(polls_asking(1), 1);   // the first poll always asks
  EXPECT_EQ(polls_asking(29), 0);  // idle: nothing for 29 s
  EXPECT_EQ(polls_asking(1), 1);   // 30 s after the last: asks again
  // A market order: every poll asks for the next 10 s (its fills may lag the reply), then idle.
  manager.submit({intent("ETH", Side::buy, 12'345'678, 0)});
  const int after_submit = f.broker.fills_since_calls;
  EXPECT_EQ(polls_asking(9), 9);    // 1 to 9 s after the place
  EXPECT_EQ(polls_asking(29), 0);   // from 10 s: idle again
  EXPECT_EQ(polls_asking(1), 1);    // 30 s after the last ask
  EXPECT_EQ(after_submit, 3);       // the submit itself asked once (the fills of its replies)
}

}  // namespace
}  // namespace organism::exec

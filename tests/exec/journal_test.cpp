// The journal: what is written is what load() returns after reopening, duplicates by tid and
// by cloid write nothing, refused events and failed batches leave no trace.
#include <gtest/gtest.h>

#include <fstream>

#include "core/error.hpp"
#include "data/sqlite.hpp"
#include "exec/journal.hpp"
#include "support/test_support.hpp"

namespace organism::exec {
namespace {

using E = OrderEvent;

OrderIntent intent_for(const std::string& coin, std::uint32_t sequence, Units size) {
  OrderIntent intent;
  intent.strategy_id = "ema_cross_0_1a2b3c4d";
  intent.coin = coin;
  intent.bar_time = 1704067200000;
  intent.sequence = sequence;
  intent.side = sequence % 2 == 0 ? Side::buy : Side::sell;
  intent.size = size;
  intent.price = 230'000'000'000;
  intent.style = sequence == 1 ? ExecStyle::post_only : ExecStyle::market;
  intent.taker_fallback_ms = sequence == 1 ? 30'000 : 0;
  intent.reduce_only = sequence == 2;
  return intent;
}

exchange::client::Fill fill_of(const Order& order, std::uint64_t tid, Units sz, core::TimeMs time) {
  exchange::client::Fill fill;
  fill.coin = order.intent.coin;
  fill.px = order.intent.price;
  fill.sz = sz;
  fill.buy = order.intent.side == Side::buy;
  fill.time = time;
  fill.dir = "Open Long";
  fill.hash = "0xabc";
  fill.oid = order.oid.value_or(0);
  fill.crossed = true;
  fill.fee = 1'150'000;
  fill.tid = tid;
  fill.cloid = order.cloid;
  fill.fee_token = "USDC";
  return fill;
}

TEST(Journal, ReopenedLoadReturnsOpenOrdersPositionsLastFillsAndEveryCloid) {
  test::TempDir dir;
  const std::string path = (dir / "organism.journal.db").string();
  Order resting, partial, filled, rejected;
  {
    Journal journal = Journal::open(path);
    resting = make_order(intent_for("ETH", 0, 100'000'000), OrderLeg::primary, 10);
    partial = make_order(intent_for("BTC", 1, 2'000'000), OrderLeg::primary, 11);
    filled = make_order(intent_for("ETH", 2, 50'000'000), OrderLeg::primary, 12);
    rejected = make_order(intent_for("SOL", 3, 10'000'000'000), OrderLeg::taker_fallback, 13);
    for (const Order* o : {&resting, &partial, &filled, &rejected}) EXPECT_TRUE(journal.record_intent(*o));
    resting = journal.record_event(resting, {E::sent, 20, std::nullopt, 0, 0, 0, ""});
    resting = journal.record_event(resting, {E::acked_resting, 21, 501, 0, 0, 0, ""});
    partial = journal.record_event(partial, {E::sent, 22, std::nullopt, 0, 0, 0, ""});
    partial = journal.record_event(partial, {E::unknown_outcome, 23, std::nullopt, 0, 0, 0, "timeout"});
    partial = journal.record_event(partial, {E::partial_fill, 24, 502, 1'000'000, 4'200'000'000'000, 2'100'000, ""});
    filled = journal.record_event(filled, {E::sent, 25, std::nullopt, 0, 0, 0, ""});
    filled = journal.record_event(filled, {E::acked_filled, 26, 503, 50'000'000, 230'010'000'000, 0, ""});
    rejected = journal.record_event(rejected, {E::rejected, 27, std::nullopt, 0, 0, 0, "under $10"});
    EXPECT_TRUE(journal.record_fill(fill_of(partial, 9001, 1'000'000, 1704067260000)));
    EXPECT_TRUE(journal.record_fill(fill_of(filled, 9003, 20'000'000, 1704067270000)));
    EXPECT_TRUE(journal.record_fill(fill_of(filled, 9002, 30'000'000, 1704067270000)));  // same ms, lower tid
    EXPECT_FALSE(journal.record_fill(fill_of(filled, 9002, 30'000'000, 1704067270000)));
    journal.record_position({"ema_cross_0_1a2b3c4d", "ETH", 20'000'000, 230'000'000'000, 0, 1'150'000, 0, 30, "fill 9003"});
    journal.record_position({"ema_cross_0_1a2b3c4d", "ETH", 50'000'000, 230'010'000'000, 0, 2'300'000, -40'000, 31, "fill 9002"});
    journal.record_position({"", "BTC", 1'000'000, 4'200'000'000'000, 0, 2'100'000, 0, 32, "fill 9001"});
  }
  Journal journal = Journal::open(path);
  const JournalState state = journal.load();
  ASSERT_EQ(state.open_orders.size(), 2u);
  EXPECT_EQ(state.open_orders[0], resting);
  EXPECT_EQ(state.open_orders[1], partial);
  EXPECT_EQ(state.open_orders[0].state, OrderState::resting);
  EXPECT_EQ(state.open_orders[0].oid, 501u);
  EXPECT_EQ(state.open_orders[1].filled_size, 1'000'000);
  EXPECT_EQ(state.open_orders[1].intent.style, ExecStyle::post_only);
  EXPECT_EQ(state.open_orders[1].intent.taker_fallback_ms, 30'000);
  ASSERT_EQ(state.positions.size(), 2u);
  EXPECT_EQ(state.positions[0], (PositionChange{"", "BTC", 1'000'000, 4'200'000'000'000, 0, 2'100'000, 0, 32, "fill 9001"}));
  EXPECT_EQ(state.positions[1],
            (PositionChange{"ema_cross_0_1a2b3c4d", "ETH", 50'000'000, 230'010'000'000, 0, 2'300'000, -40'000, 31, "fill 9002"}));
  ASSERT_EQ(state.last_fill_by_coin.size(), 2u);
  EXPECT_EQ(state.last_fill_by_coin.at("BTC"), (LastFill{1704067260000, 9001}));
  EXPECT_EQ(state.last_fill_by_coin.at("ETH"), (LastFill{1704067270000, 9003}));
  EXPECT_EQ(state.cloids, (std::set<std::string>{resting.cloid, partial.cloid, filled.cloid, rejected.cloid}));
  EXPECT_EQ(state.duplicate_fills, 1);

  const auto events = journal.events_of(partial.cloid);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[1].first, (OrderUpdate{E::unknown_outcome, 23, std::nullopt, 0, 0, 0, "timeout"}));
  EXPECT_EQ(events[1].second, OrderState::sent);
  EXPECT_EQ(events[2].first, (OrderUpdate{E::partial_fill, 24, 502, 1'000'000, 4'200'000'000'000, 2'100'000, ""}));
  EXPECT_EQ(events[2].second, OrderState::partially_filled);
  EXPECT_EQ(journal.integrity_check(), "ok");
}

TEST(Journal, AnIntentJournaledBeforeIsNotWrittenAgainWhateverItsNewSize) {
  test::TempDir dir;
  Journal journal = Journal::open((dir / "j.db").string());
  const Order first = make_order(intent_for("ETH", 0, 100'000'000), OrderLeg::primary, 1);
  EXPECT_TRUE(journal.record_intent(first));
  Order redecided = make_order(intent_for("ETH", 0, 99'000'000), OrderLeg::primary, 2);  // after a restart
  EXPECT_FALSE(journal.record_intent(redecided));
  const JournalState state = journal.load();
  ASSERT_EQ(state.open_orders.size(), 1u);
  EXPECT_EQ(state.open_orders[0], first);
  EXPECT_EQ(state.cloids.size(), 1u);
}

TEST(Journal, RefusedEventsWriteNothing) {
  test::TempDir dir;
  Journal journal = Journal::open((dir / "j.db").string());
  Order order = make_order(intent_for("ETH", 0, 100'000'000), OrderLeg::primary, 1);
  journal.record_intent(order);
  EXPECT_THROW(journal.record_event(order, {E::fill, 2, std::nullopt, 1, 1, 0, ""}), core::Error);  // illegal
  const Order sent = journal.record_event(order, {E::sent, 3, std::nullopt, 0, 0, 0, ""});
  try {  // the caller's record is stale: the journal says sent, not new
    journal.record_event(order, {E::rejected, 4, std::nullopt, 0, 0, 0, ""});
    FAIL() << "a stale record was accepted";
  } catch (const core::Error& error) {
    EXPECT_NE(std::string(error.what()).find("is not journaled in state 'new'"), std::string::npos) << error.what();
  }
  EXPECT_EQ(journal.events_of(order.cloid).size(), 1u);
  EXPECT_EQ(journal.load().open_orders.at(0), sent);
  // The cached statements still work after the failures.
  EXPECT_EQ(journal.record_event(sent, {E::acked_resting, 5, 8, 0, 0, 0, ""}).state, OrderState::resting);
}

TEST(Journal, AFailedBatchLeavesNothingAndACommittedOneEverything) {
  test::TempDir dir;
  Journal journal = Journal::open((dir / "j.db").string());
  const Order a = make_order(intent_for("ETH", 0, 100'000'000), OrderLeg::primary, 1);
  const Order b = make_order(intent_for("BTC", 1, 1'000'000), OrderLeg::primary, 1);
  EXPECT_THROW(journal.batch([&] {
    journal.record_intent(a);
    journal.record_fill(fill_of(a, 1, 1, 1));
    journal.record_position({"s", "ETH", 1, 1, 0, 0, 0, 1, "fill 1"});
    throw core::Error("the decision failed half-way");
  }),
               core::Error);
  JournalState state = journal.load();
  EXPECT_TRUE(state.cloids.empty());
  EXPECT_TRUE(state.positions.empty());
  EXPECT_TRUE(state.last_fill_by_coin.empty());
  journal.batch([&] {
    journal.record_intent(a);
    journal.batch([&] { journal.record_intent(b); });  // nested: joins the outer one
    journal.record_event(a, {E::sent, 2, std::nullopt, 0, 0, 0, ""});
  });
  state = journal.load();
  EXPECT_EQ(state.cloids.size(), 2u);
  EXPECT_EQ(state.open_orders.at(0).state, OrderState::sent);
  EXPECT_EQ(state.open_orders.at(1).state, OrderState::created);
}

TEST(Journal, AWriteThatFailedInsideABatchStopsItsCommitEvenWhenCaught) {
  test::TempDir dir;
  Journal journal = Journal::open((dir / "j.db").string());
  const Order a = make_order(intent_for("ETH", 0, 100'000'000), OrderLeg::primary, 1);
  journal.record_intent(a);
  const Order b = make_order(intent_for("BTC", 1, 1'000'000), OrderLeg::primary, 1);
  try {
    journal.batch([&] {
      journal.record_intent(b);
      const Order sent = journal.record_event(a, {E::sent, 2, std::nullopt, 0, 0, 0, ""});
      try {
        journal.record_event(a, {E::sent, 3, std::nullopt, 0, 0, 0, ""});  // stale: a is sent now
      } catch (const core::Error&) {  // swallowed by a careless caller
      }
      journal.record_event(sent, {E::acked_resting, 4, 1, 0, 0, 0, ""});
    });
    FAIL() << "the batch committed after a failed write";
  } catch (const core::Error& error) {
    EXPECT_NE(std::string(error.what()).find("a write of the batch failed"), std::string::npos) << error.what();
  }
  const JournalState state = journal.load();
  EXPECT_EQ(state.cloids, (std::set<std::string>{a.cloid}));
  EXPECT_EQ(state.open_orders.at(0), a);
  EXPECT_TRUE(journal.events_of(a.cloid).empty());
  // The next batch works.
  journal.batch([&] { journal.record_intent(b); });
  EXPECT_EQ(journal.load().cloids.size(), 2u);
}

TEST(Journal, AnotherDatabaseIsRefusedAndThePathFollowsTheStore) {
  test::TempDir dir;
  const std::string other = (dir / "other.db").string();
  {
    data::sqlite::Db db(other, data::sqlite::Db::Mode::ReadWrite);
    db.exec("CREATE TABLE candles (t INTEGER)");
  }
  try {
    Journal::open(other);
    FAIL() << "a foreign database was opened as a journal";
  } catch (const core::Error& error) {
    EXPECT_NE(std::string(error.what()).find("is not an organism trading journal"), std::string::npos) << error.what();
  }
  EXPECT_EQ(Journal::path_for_store("/data/organism.db"), "/data/organism.journal.db");
  EXPECT_EQ(Journal::path_for_store("store"), "store.journal.db");
}

}  // namespace
}  // namespace organism::exec

// JournalReader, what `organism orders | positions | fills` read: open orders oldest first or every
// order newest first, the latest position per strategy and coin, fills newest first with their
// strategy, all while the writer keeps its connection open; a missing or foreign file is an error
// and nothing is created.
#include <filesystem>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "data/sqlite.hpp"
#include "exec/journal.hpp"
#include "exec/journal_reader.hpp"
#include "support/test_support.hpp"

namespace organism::exec {
namespace {

OrderIntent intent_of(const std::string& coin, std::uint32_t sequence) {
  OrderIntent intent;
  intent.strategy_id = "ema_cross_0_5c085782";
  intent.coin = coin;
  intent.bar_time = 1'704'067'200'000;
  intent.sequence = sequence;
  intent.size = 50'000'000;
  intent.price = 230'000'000'000;
  return intent;
}

TEST(JournalReader, ReadsOrdersPositionsAndFillsWhileTheWriterIsOpen) {
  test::TempDir dir;
  const std::string path = (dir / "s.journal.db").string();
  Journal journal = Journal::open(path);
  Order open = make_order(intent_of("ETH", 0), OrderLeg::primary, 10);
  Order done = make_order(intent_of("BTC", 1), OrderLeg::primary, 20);
  ASSERT_TRUE(journal.record_intent(open));
  ASSERT_TRUE(journal.record_intent(done));
  open = journal.record_event(open, {OrderEvent::sent, 11, std::nullopt, 0, 0, 0, ""});
  done = journal.record_event(done, {OrderEvent::sent, 21, std::nullopt, 0, 0, 0, ""});
  done = journal.record_event(done, {OrderEvent::acked_filled, 22, 9, 50'000'000, 230'000'000'000, 0, ""});
  exchange::client::Fill f;
  f.coin = "BTC";
  f.px = 230'000'000'000;
  f.sz = 50'000'000;
  f.buy = true;
  f.time = 22;
  f.tid = 77;
  f.oid = 9;
  f.fee = 5'175'000;
  f.cloid = done.cloid;
  ASSERT_TRUE(journal.record_fill(f));
  f.tid = 78;
  f.time = 30;
  f.cloid.reset();  // a trade made by hand
  ASSERT_TRUE(journal.record_fill(f));
  journal.record_position({"ema_cross_0_5c085782", "BTC", 50'000'000, 230'000'000'000, 0, 5'175'000, 0, 22, "fill 77"});
  journal.record_position({"ema_cross_0_5c085782", "BTC", 0, 0, 1'000, 5'175'000, 0, 40, "fill 79"});

  auto reader = JournalReader::open(path);
  const auto open_orders = reader.orders(false, 100);
  ASSERT_EQ(open_orders.size(), 1u);
  EXPECT_EQ(open_orders[0], open);
  const auto all = reader.orders(true, 100);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0], done);  // newest first
  EXPECT_EQ(all[0].state, OrderState::filled);
  EXPECT_EQ(reader.orders(true, 1).size(), 1u);

  const auto positions = reader.positions();
  ASSERT_EQ(positions.size(), 1u);
  EXPECT_EQ(positions[0].size, 0);
  EXPECT_EQ(positions[0].realized_pnl, 1'000);
  EXPECT_EQ(positions[0].cause, "fill 79");

  const auto fills = reader.fills(0, 100);
  ASSERT_EQ(fills.size(), 2u);
  EXPECT_EQ(fills[0].fill.tid, 78u);
  EXPECT_EQ(fills[0].strategy_id, "");
  EXPECT_EQ(fills[1].fill.tid, 77u);
  EXPECT_EQ(fills[1].strategy_id, "ema_cross_0_5c085782");
  EXPECT_EQ(fills[1].cloid, done.cloid);
  EXPECT_EQ(fills[1].fill.fee, 5'175'000);
  EXPECT_EQ(reader.fills(25, 100).size(), 1u);
}

TEST(JournalReader, RefusesAMissingOrForeignFileAndCreatesNothing) {
  test::TempDir dir;
  const std::string missing = (dir / "none.journal.db").string();
  EXPECT_THROW(JournalReader::open(missing), core::Error);
  EXPECT_FALSE(std::filesystem::exists(missing));
  const std::string foreign = (dir / "other.db").string();
  { data::sqlite::Db db(foreign, data::sqlite::Db::Mode::ReadWrite); db.exec("CREATE TABLE t (x INTEGER)"); }
  try {
    JournalReader::open(foreign);
    FAIL() << "a foreign file was read";
  } catch (const core::Error& e) {
    EXPECT_NE(std::string(e.what()).find("not an organism trading journal"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace organism::exec

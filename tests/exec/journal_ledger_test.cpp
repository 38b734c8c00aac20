// The journal's ledger: fills of our orders (with their strategies) and funding payments in the
// order they were journaled, surviving a reopen; fills of no order of ours stay off it. And the
// schema version: a journal of an older development build is refused, not misread.
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "data/sqlite.hpp"
#include "exec/journal.hpp"
#include "support/test_support.hpp"

namespace organism::exec {
namespace {

exchange::client::Fill fill(std::uint64_t tid, const std::optional<std::string>& cloid, bool buy, Units sz) {
  exchange::client::Fill f;
  f.coin = "ETH";
  f.px = 200'000'000'000;
  f.sz = sz;
  f.buy = buy;
  f.time = 1'000 + static_cast<core::TimeMs>(tid);
  f.fee = 7'000;
  f.tid = tid;
  f.cloid = cloid;
  return f;
}

TEST(JournalLedger, FillsOfOurOrdersAndFundingComeBackInJournalOrder) {
  test::TempDir dir;
  const std::string path = (dir / "organism.journal.db").string();
  OrderIntent intent;
  intent.strategy_id = "rsi_3_deadbeef";
  intent.coin = "ETH";
  intent.size = 100'000'000;
  const Order order = make_order(intent, OrderLeg::primary, 5);
  {
    Journal journal = Journal::open(path);
    ASSERT_TRUE(journal.record_intent(order));
    EXPECT_TRUE(journal.record_fill(fill(1, order.cloid, true, 60'000'000)));
    journal.record_funding("rsi_3_deadbeef", "ETH", 1'234, 3'600'000);
    EXPECT_TRUE(journal.record_fill(fill(2, std::nullopt, false, 5'000'000)));  // by hand: not ours
    EXPECT_TRUE(journal.record_fill(fill(3, order.cloid, false, 10'000'000)));
    EXPECT_FALSE(journal.record_fill(fill(3, order.cloid, false, 10'000'000)));  // once only
    journal.record_funding("rsi_3_deadbeef", "ETH", -55, 7'200'000);
  }
  Journal journal = Journal::open(path);
  const std::vector<LedgerEntry> expected{
      {"rsi_3_deadbeef", "ETH", 1'001, 60'000'000, 200'000'000'000, 7'000, 0},
      {"rsi_3_deadbeef", "ETH", 3'600'000, 0, 0, 0, 1'234},
      {"rsi_3_deadbeef", "ETH", 1'003, -10'000'000, 200'000'000'000, 7'000, 0},
      {"rsi_3_deadbeef", "ETH", 7'200'000, 0, 0, 0, -55},
  };
  EXPECT_EQ(journal.ledger(), expected);
  EXPECT_EQ(journal.find_order(order.cloid), order);
  EXPECT_FALSE(journal.find_order("0x00000000000000000000000000000000"));
}

TEST(JournalLedger, AJournalOfAnOlderSchemaIsRefusedWithItsVersion) {
  test::TempDir dir;
  const std::string path = (dir / "old.journal.db").string();
  { Journal::open(path); }
  {
    data::sqlite::Db db(path, data::sqlite::Db::Mode::ReadWrite);
    db.exec("PRAGMA user_version = 1;");
  }
  try {
    Journal::open(path);
    FAIL() << "an older journal was opened";
  } catch (const core::Error& e) {
    EXPECT_NE(std::string(e.what()).find("schema version 1 from a development build"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace organism::exec

// The daemon's session plans and marks: a strategy leaving a session keeps a closing slot while
// its book holds a position and is dropped once flat; marks chain returns within a session run
// and start again (NaN) at a restart; the paper journal sits beside the store.
#include "daemon/daemon_sessions.hpp"
#include "monitor/store_files.hpp"

#include <cmath>

#include <gtest/gtest.h>

namespace organism::daemon {
namespace {

TEST(PlanSlots, ALeavingStrategyClosesWhileHeldAndIsDroppedWhenFlat) {
  const std::vector<PlannedSlot> current{{"a", false}, {"b", false}, {"c", true}};
  // b left the wanted set holding a position: closing; c (closing) is flat now: dropped; d is new.
  const auto plan = plan_slots({"a", "d"}, current, {{"a", true}, {"b", true}, {"c", false}});
  const std::vector<PlannedSlot> expected{{"a", false}, {"d", false}, {"b", true}};
  EXPECT_EQ(plan, expected);
  // No status yet (the session has not decided a bar): held, so kept as closing.
  const auto unknown = plan_slots({}, {{"x", false}}, {});
  EXPECT_EQ(unknown, (std::vector<PlannedSlot>{{"x", true}}));
  // Wanted again while closing: an ordinary slot.
  EXPECT_EQ(plan_slots({"c"}, current, {{"a", false}, {"b", false}, {"c", true}}),
            (std::vector<PlannedSlot>{{"c", false}}));
  // Nothing changes: the same plan (no restart).
  EXPECT_EQ(plan_slots({"a", "b"}, {{"a", false}, {"b", false}}, {{"a", true}}),
            (std::vector<PlannedSlot>{{"a", false}, {"b", false}}));
}

exec::StrategyStatus status(const std::string& id, double equity, std::vector<double> exposure) {
  exec::StrategyStatus s;
  s.id = id;
  s.equity = equity;
  s.exposure = std::move(exposure);
  return s;
}

TEST(MarkBook, ReturnsChainWithinASessionRunAndStartAgainAtARestart) {
  MarkBook book;
  const auto first = book.marks_at("paper", 1000, {status("a", 5000, {0.5, -0.25})});
  ASSERT_EQ(first.size(), 1u);
  EXPECT_TRUE(std::isnan(first[0].ret));
  EXPECT_EQ(first[0].session, "paper");
  EXPECT_EQ(first[0].time, 1000);
  EXPECT_DOUBLE_EQ(first[0].gross_exposure, 0.75);
  const auto second = book.marks_at("paper", 2000, {status("a", 5100, {})});
  EXPECT_DOUBLE_EQ(second[0].ret, 5100.0 / 5000.0 - 1);  // 0.02
  // Another session's book of the same id is its own series.
  EXPECT_TRUE(std::isnan(book.marks_at("production", 2000, {status("a", 9000, {})})[0].ret));
  book.new_epoch("paper");
  EXPECT_TRUE(std::isnan(book.marks_at("paper", 3000, {status("a", 5200, {})})[0].ret));
  EXPECT_DOUBLE_EQ(book.marks_at("paper", 4000, {status("a", 5148, {})})[0].ret, 5148.0 / 5200.0 - 1);
  EXPECT_EQ(format_mark(second[0]), "mark a paper 1970-01-01 00:00:02 equity 5100.0000 ret 0.02000000 gross 0.0000");
}

TEST(PaperJournal, SitsBesideTheStoreLikeTheDefaultJournal) {
  EXPECT_EQ(monitor::paper_journal_path("/x/organism.db"), "/x/organism.paper-journal.db");
  EXPECT_EQ(monitor::paper_journal_path("/x/store"), "/x/store.paper-journal.db");
}

}  // namespace
}  // namespace organism::daemon

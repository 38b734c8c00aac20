// The dead man's switch against a scripted broker and a test clock: armed at start at now + N s,
// refreshed every N/3 s from the poll, retried at the next poll after a failure (which is
// reported), cleared at a clean end, off at 0, and never shorter than 10 s.
#include "exec/dead_man_switch.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "exec/fake_broker.hpp"

namespace organism::exec {
namespace {

constexpr core::TimeMs kT0 = 1'700'000'000'000;

// A broker that records every scheduleCancel and fails the ones it is told to.
class SwitchBroker : public test::FakeBroker {
 public:
  std::vector<std::optional<core::TimeMs>> schedules;
  int fail_next = 0;
  void schedule_cancel(std::optional<core::TimeMs> at) override {
    if (fail_next > 0) {
      --fail_next;
      throw core::Error("HTTP 502");
    }
    schedules.push_back(at);
  }
};

TEST(DeadManSwitch, ArmsAtStartAndRefreshesEveryThirdOfItsPeriod) {
  SwitchBroker broker;
  core::FixedClock clock(kT0);
  DeadManSwitch dms(broker, clock, 15);
  dms.start();
  ASSERT_EQ(broker.schedules.size(), 1u);
  EXPECT_EQ(broker.schedules[0], kT0 + 15'000);
  EXPECT_EQ(dms.armed_until(), kT0 + 15'000);
  clock.advance(4'999);  // a third of 15 s is 5 s
  dms.refresh();
  EXPECT_EQ(broker.schedules.size(), 1u);
  clock.advance(1);
  dms.refresh();
  ASSERT_EQ(broker.schedules.size(), 2u);
  EXPECT_EQ(broker.schedules[1], kT0 + 5'000 + 15'000);
  clock.advance(5'000);
  dms.refresh();
  ASSERT_EQ(broker.schedules.size(), 3u);
  EXPECT_EQ(broker.schedules[2], kT0 + 10'000 + 15'000);
  EXPECT_EQ(dms.refreshes(), 3);
  // A clean end clears it: the time is omitted.
  dms.clear();
  ASSERT_EQ(broker.schedules.size(), 4u);
  EXPECT_EQ(broker.schedules[3], std::nullopt);
  EXPECT_EQ(dms.armed_until(), std::nullopt);
}

TEST(DeadManSwitch, AFailedRefreshIsReportedAndRetriedAtTheNextPoll) {
  SwitchBroker broker;
  core::FixedClock clock(kT0);
  std::vector<std::string> reported;
  DeadManSwitch dms(broker, clock, 30, [&](const std::string& what) { reported.push_back(what); });
  dms.start();
  clock.advance(10'000);
  broker.fail_next = 1;
  dms.refresh();
  ASSERT_EQ(reported.size(), 1u);
  EXPECT_NE(reported[0].find("HTTP 502"), std::string::npos) << reported[0];
  EXPECT_EQ(dms.failures(), 1);
  EXPECT_EQ(dms.armed_until(), kT0 + 30'000);  // the exchange still holds the old time
  clock.advance(1'000);  // the next poll, long before another third has passed
  dms.refresh();
  ASSERT_EQ(broker.schedules.size(), 2u);
  EXPECT_EQ(broker.schedules[1], kT0 + 11'000 + 30'000);
  EXPECT_EQ(reported.size(), 1u);
}

TEST(DeadManSwitch, StartFailsAfterThreeRefusalsSoNoSessionTradesWithoutIt) {
  SwitchBroker broker;
  core::FixedClock clock(kT0);
  int reports = 0;
  DeadManSwitch dms(broker, clock, 10, [&](const std::string&) { ++reports; });
  broker.fail_next = 3;
  EXPECT_THROW(dms.start(), core::Error);
  EXPECT_EQ(reports, 3);
  EXPECT_TRUE(broker.schedules.empty());
  // Two refusals then an answer: started.
  DeadManSwitch again(broker, clock, 10);
  broker.fail_next = 2;
  again.start();
  EXPECT_EQ(broker.schedules, (std::vector<std::optional<core::TimeMs>>{kT0 + 10'000}));
}

TEST(DeadManSwitch, ZeroIsOffAndUnderTenSecondsIsRefused) {
  SwitchBroker broker;
  core::FixedClock clock(kT0);
  DeadManSwitch off(broker, clock, 0);
  off.start();
  clock.advance(100'000);
  off.refresh();
  off.clear();
  EXPECT_FALSE(off.enabled());
  EXPECT_TRUE(broker.schedules.empty());
  EXPECT_THROW(DeadManSwitch(broker, clock, 9.9), core::UsageError);
  EXPECT_THROW(DeadManSwitch(broker, clock, -1), core::UsageError);
  EXPECT_NO_THROW(DeadManSwitch(broker, clock, 10));
}

}  // namespace
}  // namespace organism::exec

// Signal files: both layouts, every bad-input rule, and alignment to bars by time.
#include "data/signals.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "support/test_support.hpp"

namespace organism::data {
namespace {

using test::TempDir;

std::string error_of(const std::string& body, std::span<const TimeMs> bars = {}) {
  TempDir dir;
  const auto p = dir / "sig.csv";
  test::write_file(p, body);
  try {
    const auto s = read_signals(p.string());
    if (!bars.empty()) require_aligned(s, bars);
  } catch (const core::Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(Signals, TargetAndEventLayouts) {
  TempDir dir;
  const auto p = dir / "sig.csv";
  test::write_file(p, "time,target\n1704067200000,0.5\n1704070800000,-1\n");
  auto s = read_signals(p.string());
  EXPECT_FALSE(s.events);
  EXPECT_EQ(s.target, (std::vector<double>{0.5, -1}));
  test::write_file(p, "time,entry,exit\n1704067200000,1,0\n1704070800000,false,TRUE\n");
  s = read_signals(p.string());
  EXPECT_TRUE(s.events);
  EXPECT_EQ(s.entry, (std::vector<std::uint8_t>{1, 0}));
  EXPECT_EQ(s.exit, (std::vector<std::uint8_t>{0, 1}));
}

TEST(Signals, BadRowsNameTheLine) {
  EXPECT_NE(error_of("time,target\n1704067200000,1.5\n").find("sig.csv:2: target 1.5 is outside [-1, 1]"), std::string::npos);
  EXPECT_NE(error_of("time,target\n1704067200000,nan\n").find(":2: target 'nan' is not a finite number"), std::string::npos);
  EXPECT_NE(error_of("time,entry,exit\n1704067200000,2,0\n").find(":2: entry '2' is not 0, 1"), std::string::npos);
  EXPECT_NE(error_of("time,target\n1704067200000,1\n1704067200000,1\n").find(":3: duplicate time"), std::string::npos);
  EXPECT_NE(error_of("time,target\n1704067200000\n").find(":2: expected 2 columns"), std::string::npos);
  EXPECT_NE(error_of("when,what\n").find(":1: unrecognised header"), std::string::npos);
  EXPECT_NE(error_of("").find("empty file"), std::string::npos);
  EXPECT_NE(error_of("time,target\n").find("no signal rows"), std::string::npos);
}

TEST(Signals, AlignmentNamesTheMissingOrExtraTime) {
  const std::vector<TimeMs> bars{1704067200000, 1704070800000};
  EXPECT_EQ(error_of("time,target\n1704067200000,1\n1704070800000,0\n", bars), "no error");
  EXPECT_NE(error_of("time,target\n1704067200000,1\n", bars).find("no signal for the bar at 1704070800000"), std::string::npos);
  EXPECT_NE(error_of("time,target\n1704067200000,1\n1704070800000,0\n1704074400000,0\n", bars)
                .find("sig.csv:4: time 1704074400000 (2024-01-01 02:00:00 UTC) has no bar"),
            std::string::npos);
  EXPECT_NE(error_of("time,target\n1704063600000,1\n1704067200000,1\n1704070800000,0\n", bars).find("sig.csv:2: time 1704063600000"),
            std::string::npos);
}

}  // namespace
}  // namespace organism::data

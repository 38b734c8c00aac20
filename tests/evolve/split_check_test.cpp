// The split check on hand-computed lengths: a split whose later segments the embargo empties, or
// leaves shorter than the minimum, is a usage error naming every length; the minimum itself passes.
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "evolve/split_check.hpp"
#include "evolve/universe.hpp"

namespace organism::evolve {
namespace {

std::string refusal(std::size_t bars, std::size_t embargo, std::size_t min_bars) {
  try {
    check_segment_lengths("test:ETH:1h", bars, embargo, split_bars(bars, embargo), min_bars);
  } catch (const core::UsageError& e) {
    return e.what();
  }
  return "";
}

TEST(SplitCheck, AnEmbargoThatEmptiesTheLaterSegmentsIsRefusedWithEveryLength) {
  // floor(54613 * 0.6) = 32767, floor(54613 * 0.8) = 43690; 43690 + 20000 and 32767 + 20000 are
  // both past their segment's end.
  EXPECT_EQ(refusal(54613, 20000, 500),
            "test:ETH:1h: the split leaves too few bars to test on (54613 bars, embargo 20000: in-sample 32767, "
            "out-of-sample 0, walk-forward 0 bars); the out-of-sample and walk-forward segments need at least 500 "
            "bars each (the longest indicator lookback): lower evolve.embargo (--embargo) or use a longer series");
}

TEST(SplitCheck, SegmentsShorterThanTheMinimumAreRefusedAndTheMinimumPasses) {
  // 3000 bars, embargo 100: out-of-sample [1900, 2400) and walk-forward [2500, 3000), 500 each.
  EXPECT_EQ(refusal(3000, 100, 500), "");
  EXPECT_NE(refusal(3000, 100, 501).find("(3000 bars, embargo 100: in-sample 1800, out-of-sample 500, "
                                         "walk-forward 500 bars)"),
            std::string::npos);
  // 1000 bars, embargo 50: out-of-sample [650, 800) = 150, walk-forward [850, 1000) = 150.
  EXPECT_NE(refusal(1000, 50, 151).find("out-of-sample 150, walk-forward 150 bars"), std::string::npos);
  EXPECT_EQ(refusal(1000, 50, 150), "");
}

TEST(SplitCheck, TheMinimumOfRunsIsTheLongestLookback) {
  // vwap_reversion's period reaches 500 bars, the longest lookback of any family (rule trees:
  // period 200 + lag 50).
  EXPECT_EQ(default_embargo(), 500u);
}

}  // namespace
}  // namespace organism::evolve

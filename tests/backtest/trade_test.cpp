#include "backtest/trade.hpp"

#include <gtest/gtest.h>

namespace organism::backtest {
namespace {

TEST(Trade, ExitReasonNamesAreStable) {
  EXPECT_EQ(exit_reason_name(ExitReason::Signal), "signal");
  EXPECT_EQ(exit_reason_name(ExitReason::StopLoss), "stop_loss");
  EXPECT_EQ(exit_reason_name(ExitReason::TakeProfit), "take_profit");
  EXPECT_EQ(exit_reason_name(ExitReason::TrailingStop), "trailing_stop");
  EXPECT_EQ(exit_reason_name(ExitReason::Liquidation), "liquidation");
  EXPECT_EQ(exit_reason_name(ExitReason::EndOfData), "end_of_data");
}

TEST(Trade, DefaultsAreAClosedSignalTrade) {
  const Trade t;
  EXPECT_FALSE(t.open);
  EXPECT_EQ(t.reason, ExitReason::Signal);
  EXPECT_EQ(t.size, 0);
}

}  // namespace
}  // namespace organism::backtest

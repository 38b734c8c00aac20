// One round-trip trade as the simulator records it, and why it ended.
// Produced by the backtest simulator; read by metrics, reports and post-mortems.
#pragma once

#include <string_view>

#include "core/time.hpp"

namespace organism::backtest {

enum class ExitReason { Signal, StopLoss, TakeProfit, TrailingStop, Liquidation, EndOfData };

// "signal", "stop_loss", "take_profit", "trailing_stop", "liquidation", "end_of_data": the names
// JSON, reports and the store use, so they never change once written.
std::string_view exit_reason_name(ExitReason reason);

struct Trade {
  core::TimeMs entry_time = 0;
  core::TimeMs exit_time = 0;
  double entry_price = 0;  // fill prices include slippage, so price pnl is what the trader got
  double exit_price = 0;
  int side = 0;        // +1 long, -1 short
  double size = 0;     // units of the coin, > 0 (side carries the direction)
  double pnl = 0;      // net, quote currency: price pnl - fees - funding
  double fees = 0;     // entry + exit fees
  double funding = 0;  // funding paid; negative when the position received funding
  ExitReason reason = ExitReason::Signal;
  // Still open after the last bar: marked to the last close with no exit costs. Metrics that
  // judge finished trades (win rate, profit factor, average trade) leave it out.
  bool open = false;
};

}  // namespace organism::backtest

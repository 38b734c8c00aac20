#include "backtest/trade.hpp"

namespace organism::backtest {

std::string_view exit_reason_name(ExitReason reason) {
  switch (reason) {
    case ExitReason::Signal:
      return "signal";
    case ExitReason::StopLoss:
      return "stop_loss";
    case ExitReason::TakeProfit:
      return "take_profit";
    case ExitReason::TrailingStop:
      return "trailing_stop";
    case ExitReason::Liquidation:
      return "liquidation";
    case ExitReason::EndOfData:
      return "end_of_data";
  }
  return "unknown";  // unreachable for valid enumerators; keeps -Wreturn-type quiet
}

}  // namespace organism::backtest

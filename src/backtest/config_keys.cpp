// The backtest layer's configuration keys (config_keys.hpp).
#include "backtest/config_keys.hpp"

#include <string>

#include "backtest/models.hpp"
#include "core/config.hpp"
#include "core/text.hpp"

namespace organism::backtest {

std::vector<core::ConfigKey> config_keys() {
  namespace check = core::check;
  using core::format_number;
  const BacktestConfig defaults;
  // A fee or slippage of 100% or more would take a whole fill.
  const auto fraction = [] { return check::number(core::closed_open(0, 1)); };
  return {
      {"backtest.taker_fee", format_number(defaults.fees.taker),
       "taker fee, a fraction of fill value: every simulated fill is a market order and pays it",
       fraction()},
      {"backtest.maker_fee", format_number(defaults.fees.maker),
       "maker fee, a fraction of fill value (reported; market fills pay taker)", fraction()},
      {"backtest.slippage", format_number(defaults.slippage.fraction),
       "slippage, a fraction of price against the trader on every market fill", fraction()},
      {"backtest.fill", std::string(fill_model_name(defaults.fill)),
       "fill model: next_open (decision at t's close fills at t+1's open) or close",
       check::one_of({"next_open", "close"})},
      {"backtest.funding", defaults.funding ? "on" : "off",
       "pay and receive hourly funding when the series has funding rates (on/off)",
       check::boolean()},
  };
}

}  // namespace organism::backtest

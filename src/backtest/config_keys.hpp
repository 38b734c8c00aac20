// The configuration keys of the backtest layer: backtest.* (fees, slippage, fill model, funding).
// Their defaults are BacktestConfig's member initializers, read by the key table, so each is
// written once. The CLI assembles them with the other layers' keys.
#pragma once

#include <vector>

namespace organism::core {
struct ConfigKey;
}

namespace organism::backtest {

// backtest.taker_fee, maker_fee, slippage (fractions in [0, 1)), fill and funding.
std::vector<core::ConfigKey> config_keys();

}  // namespace organism::backtest

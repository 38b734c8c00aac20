// The real ETH 1h series of one venue from ../shared with its funding, cut to its last bars:
// the market the replay tests compare the trading loop and the backtest on.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "data/market.hpp"
#include "exec/replay.hpp"
#include "support/test_support.hpp"

namespace organism::exec::testing {

// nullopt when ../shared is absent (the caller skips with a message).
inline std::optional<data::Market> shared_eth_market(const std::string& venue, std::size_t last_bars) {
  const auto dir = organism::test::shared_dir();
  if (!dir) return std::nullopt;
  const data::CoinFiles files{(*dir / ("data/ohlcv/" + venue + "/ETH-1h.csv.gz")).string(),
                              (*dir / ("data/funding/" + venue + "/ETH.csv.gz")).string(),
                              "",
                              venue,
                              "ETH",
                              "1h"};
  const auto full = data::market_from_files(files, true, std::nullopt);
  const auto times = full.coins.front().bars.time();
  return market_window(full, times[times.size() - last_bars], times.back());
}

}  // namespace organism::exec::testing

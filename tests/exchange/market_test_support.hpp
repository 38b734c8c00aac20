// Helpers of the market replay tests: an independent check of Hyperliquid's price rule, bars
// from literals, and recording listeners.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "data/series.hpp"
#include "exchange/sim/market_replay.hpp"

namespace organism::exchange::sim::test_market {

// PROTOCOL §6.2 checked on the decimal digits themselves (not through price_ticks): an integer
// price, or at most 5 significant figures and at most 6 - szDecimals decimals.
inline bool valid_perp_price(std::int64_t units, int sz_decimals) {
  if (units <= 0) return false;
  if (units % 100'000'000 == 0) return true;
  std::string digits = std::to_string(units);
  int decimals = 8;
  while (!digits.empty() && digits.back() == '0') {
    digits.pop_back();
    --decimals;
  }
  // Significant figures: the digits without leading zeros (none: units > 0) nor trailing ones.
  return static_cast<int>(digits.size()) <= 5 && decimals <= 6 - sz_decimals;
}

inline data::Candles candles_of(const std::vector<data::Bar>& bars) {
  data::Candles c;
  for (const auto& b : bars) c.push_back(b);
  return c;
}

struct Recorded {
  struct Tick {
    int asset;
    MarketTick tick;
  };
  struct Funding {
    int asset;
    double rate;
    core::TimeMs hour;
  };
  std::vector<Tick> ticks;
  std::vector<Funding> fundings;
  MarketListener listener() {
    return {[this](int a, const MarketTick& t) {
              ticks.push_back({a, t});
            },
            [this](int a, double r, core::TimeMs h) {
              fundings.push_back({a, r, h});
            }};
  }
};

}  // namespace organism::exchange::sim::test_market

// A small synthetic universe for engine tests: two coins, 3,000 hourly bars, with funding.
#pragma once

#include "data/align.hpp"
#include "backtest/simulator.hpp"
#include "data/synth.hpp"
#include "evolve/universe.hpp"

namespace organism::test {

inline evolve::Universe small_universe(std::size_t bars = 3000, std::uint64_t seed = 7) {
  data::SynthOptions o;
  o.coins = {"BTC", "ETH"};
  o.bars = bars;
  o.seed = seed;
  const auto market = data::generate_market(o);
  evolve::Universe u;
  u.interval = o.interval;
  for (std::size_t i = 0; i < market.candles.size(); ++i) {
    evolve::CoinMarket c;
    c.label = market.candles[i].key.label();
    c.bars = market.candles[i].bars;
    c.funding_per_bar = data::funding_per_bar(c.bars.time(), o.interval.nominal_ms(), market.funding[i]);
    u.coins.push_back(std::move(c));
  }
  evolve::split_universe(u, 100);
  return u;
}

}  // namespace organism::test

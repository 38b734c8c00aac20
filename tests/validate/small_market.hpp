// The market of the validation tests: the small synthetic universe (2 coins, 2,400 hourly bars)
// with its indicator cache and an evaluator at default costs.
#pragma once

#include "evolve/engine_support.hpp"
#include "evolve/engine.hpp"

namespace organism::test {

struct SmallMarket {
  explicit SmallMarket(std::uint64_t seed, int threads = 2)
      : universe(small_universe(2400, seed)), evaluator(universe, backtest::BacktestConfig{}, cache, threads) {}
  evolve::Universe universe;
  indicators::IndicatorCache cache{64 << 20};
  evolve::Evaluator evaluator;
};

// Evolution options small enough for a test: a few trades per coin are enough to be feasible.
inline evolve::EvolveOptions small_options(std::uint64_t seed, int population, int generations) {
  evolve::EvolveOptions o;
  o.seed = seed;
  o.population = population;
  o.generations = generations;
  o.constraints.min_trades = 2;
  return o;
}

}  // namespace organism::test

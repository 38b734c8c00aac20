// The market of the validation tests: the small synthetic universe (2 coins, 2,400 hourly bars)
// with its indicator cache and an evaluator at default costs; and a planted-trend or pure-noise
// universe for tests that need an edge to be there or not.
#pragma once

#include <cmath>

#include "core/random.hpp"
#include "evolve/engine_support.hpp"
#include "evolve/engine.hpp"

namespace organism::test {

// Two coins of hourly candles whose highs and lows are the extremes of a 12-step path inside
// each bar. Noise: log-steps of 1%/bar, no drift. Trend: +-0.2% a bar of drift whose sign flips
// every 150-450 bars, 0.3%/bar noise (the recipe of tests/cli/validate_command_test.cpp).
inline evolve::Universe planted_universe(bool trend, std::size_t bars, std::uint64_t seed) {
  evolve::Universe u;
  for (const char* coin : {"BTC", "ETH"}) {
    core::Rng rng(seed++);
    evolve::CoinMarket c;
    c.label = std::string("test:") + coin + ":1h";
    double x = 100, sign = 1;
    int left = 0;
    constexpr int kSteps = 12;
    for (std::size_t i = 0; i < bars; ++i) {
      if (trend && left-- <= 0) {
        sign = -sign;
        left = 150 + static_cast<int>(rng.below(301));
      }
      const double mu = trend ? 0.002 * sign : 0, sd = trend ? 0.003 : 0.01;
      data::Bar bar;
      bar.time = 1'704'067'200'000 + static_cast<std::int64_t>(i) * 3'600'000;
      bar.open = bar.high = bar.low = x;
      for (int k = 0; k < kSteps; ++k) {
        x *= std::exp(mu / kSteps + sd / std::sqrt(double{kSteps}) * rng.normal());
        bar.high = std::max(bar.high, x);
        bar.low = std::min(bar.low, x);
      }
      bar.close = x;
      bar.volume = 1000;
      c.bars.push_back(bar);
    }
    u.coins.push_back(std::move(c));
  }
  evolve::split_universe(u, 100);
  return u;
}

struct SmallMarket {
  explicit SmallMarket(std::uint64_t seed, int threads = 2)
      : universe(small_universe(2400, seed)), evaluator(universe, backtest::BacktestConfig{}, cache, threads) {}
  SmallMarket(evolve::Universe u, int threads)
      : universe(std::move(u)), evaluator(universe, backtest::BacktestConfig{}, cache, threads) {}
  evolve::Universe universe;
  indicators::IndicatorCache cache{64 << 20};
  evolve::BacktestProblem evaluator;
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

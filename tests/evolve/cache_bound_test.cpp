// The indicator cache's bound (--cache-mb) under a real evolution: whatever the population, the
// bytes the cache holds, columns being computed included, never pass the capacity (the issue
// allows 10%), and a small cache changes no result, only what is recomputed.
#include <gtest/gtest.h>

#include "engine_support.hpp"
#include "evolve/engine.hpp"

namespace organism::evolve {
namespace {

struct Outcome {
  std::string state;  // the engine's checkpoint after the last generation: the whole state
  indicators::CacheStats cache;
};

Outcome evolve_with_cache(const Universe& u, int population, std::size_t cache_bytes) {
  indicators::IndicatorCache cache(cache_bytes);
  const BacktestProblem evaluator(u, backtest::BacktestConfig{}, cache, 2);
  EvolveOptions o;
  o.seed = 5;
  o.population = population;
  o.generations = 1;
  o.constraints.min_trades = 3;
  Engine engine(o, evaluator);
  engine.initialize();
  while (!engine.done()) engine.step();
  return {engine.checkpoint().dump(), cache.stats()};
}

TEST(CacheBound, HeldAndComputingBytesStayWithinCapacityAtEveryPopulation) {
  // Columns of 12,000 in-sample bars (96 KB): an 8 MiB cache holds about 85 of them, fewer than
  // the larger populations ask for, so it evicts.
  const auto u = test::small_universe(20'000);
  constexpr std::size_t kCap = std::size_t{8} << 20;
  for (const int population : {10, 100, 400}) {
    SCOPED_TRACE(population);
    const auto small = evolve_with_cache(u, population, kCap);
    EXPECT_LE(small.cache.high_water, kCap + kCap / 10);
    EXPECT_LE(small.cache.high_water, kCap);  // what the cache enforces; the 10% is the slack
    EXPECT_EQ(small.cache.pending, 0u);
    if (population >= 100) {
      EXPECT_GT(small.cache.evictions, 0u);
    }
    const auto large = evolve_with_cache(u, population, std::size_t{1} << 30);
    EXPECT_EQ(large.cache.evictions, 0u);
    EXPECT_EQ(small.state, large.state);  // eviction recomputes columns, never changes them
    std::printf("population %d: cap 8 MiB high-water %.2f MiB, %zu evictions, %zu misses; uncapped %.2f MiB\n",
                population, static_cast<double>(small.cache.high_water) / (1 << 20), small.cache.evictions,
                small.cache.misses, static_cast<double>(large.cache.high_water) / (1 << 20));
  }
}

}  // namespace
}  // namespace organism::evolve

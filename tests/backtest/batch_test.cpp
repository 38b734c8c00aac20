// The batch runner gives every input the same result as a lone run, on any number of threads.
#include "backtest/batch.hpp"

#include <gtest/gtest.h>

#include "core/random.hpp"

namespace organism::backtest {
namespace {

TEST(Batch, SameResultsAsSequentialOnAnyThreadCount) {
  core::Rng rng(3);
  data::Candles bars;
  double p = 100;
  for (int i = 0; i < 5000; ++i) {
    const double o = p;
    p *= std::exp(0.01 * rng.normal());
    bars.push_back({1704067200000 + i * 3'600'000LL, o, std::max(o, p) * 1.002, std::min(o, p) * 0.998, p, 1});
  }
  std::vector<std::vector<double>> targets(64, std::vector<double>(bars.size()));
  for (auto& t : targets) {
    double v = 0;
    for (auto& x : t) x = rng.bernoulli(0.03) ? (v = rng.uniform(-1, 1)) : v;
  }
  std::vector<BacktestInput> inputs;
  for (const auto& t : targets) inputs.push_back({bars.view(), t});
  BacktestConfig c;
  c.stops.trailing = 0.04;
  std::vector<std::vector<double>> expected;
  for (const auto& in : inputs) expected.push_back(run_backtest(in, c).equity);
  for (int threads : {1, 2, 4}) {
    std::vector<std::vector<double>> got(inputs.size());
    run_batch(inputs, c, [&](std::size_t i, const BacktestResult& r) { got[i] = r.equity; }, threads);
    EXPECT_EQ(got, expected) << threads << " threads";
  }
}

}  // namespace
}  // namespace organism::backtest

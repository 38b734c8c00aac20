// Property: no genome the program can generate stops an evaluation. Random genomes of every
// family (seed families, rule trees, ML families; risk block and regime filter drawn too) are
// evaluated through the real path (exposures, backtest, metrics) on real Hyperliquid SOL 1h
// bars; each either gets finite metrics or is marked failed with its reason.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "backtest/metrics.hpp"
#include "core/random.hpp"
#include "data/align.hpp"
#include "data/import.hpp"
#include "evolve/backtest_problem.hpp"
#include "evolve/universe.hpp"
#include "indicators/cache.hpp"
#include "strategy/genome.hpp"
#include "support/test_support.hpp"

namespace organism::evolve {
namespace {

constexpr std::size_t kGenomes = 20'000;
// The last 2,000 bars: 1,200 in sample, where ML genomes whose training window (200..5,000
// rows) fits train and trade, the others stay flat as they would in a run.
constexpr std::size_t kBars = 2'000;

// The last `bars` bars of Hyperliquid SOL 1h with its funding and Fear & Greed, split as evolve
// splits a universe (no embargo: the segments are short).
std::optional<Universe> real_sol(std::size_t bars) {
  const auto dir = organism::test::shared_dir();
  if (!dir) return std::nullopt;
  const auto data = *dir / "data";
  const auto interval = *core::Interval::parse("1h");
  auto all =
      data::parse_file((data / "ohlcv/hyperliquid/SOL-1h.csv.gz").string(), {}).candles->bars;
  CoinMarket coin;
  coin.label = "hyperliquid:SOL:1h";
  coin.bars.reserve(bars);
  for (std::size_t i = all.size() - bars; i < all.size(); ++i) coin.bars.push_back(all.bar(i));
  const auto funding =
      data::parse_file((data / "funding/hyperliquid/SOL.csv.gz").string(), {}).funding;
  coin.funding_per_bar = data::funding_per_bar(coin.bars.time(), interval.nominal_ms(), *funding);
  const auto fg = data::parse_file((data / "sentiment/fear_greed.csv.gz").string(), {}).sentiment;
  coin.sentiment = data::sentiment_per_bar(coin.bars.time(), *fg);
  Universe u;
  u.interval = interval;
  u.coins.push_back(std::move(coin));
  split_universe(u, 0, 200);
  return u;
}

bool all_finite(const backtest::Metrics& m) {
  bool finite = true;
  backtest::for_each_metric(
      m, [&](std::string_view, double v) { finite = finite && std::isfinite(v); });
  return finite;
}

TEST(RandomGenomeProperty, TwentyThousandRandomGenomesOfEveryFamilyNeverStopAnEvaluation) {
  const auto market = real_sol(kBars);
  if (!market) GTEST_SKIP() << "../shared/data is absent: no real SOL bars";
  indicators::IndicatorCache cache(64 << 20);
  const BacktestProblem problem(*market, {}, cache, 0);

  const auto families = strategy::genome_families();
  std::vector<strategy::Genome> genomes;
  for (std::size_t i = 0; i < kGenomes; ++i) {
    core::Rng rng(20'000, {i});
    genomes.push_back(strategy::random_genome(families[i % families.size()], rng));
  }

  std::vector<std::string> reasons;
  const auto metrics = problem.evaluate(genomes, Stage::InSample, nullptr, reasons);
  ASSERT_EQ(metrics.size(), kGenomes);
  ASSERT_EQ(reasons.size(), kGenomes);
  std::size_t evaluated = 0, failed = 0, finite = 0;
  std::vector<std::size_t> trading(families.size());  // genomes with a closed trade, per family
  for (std::size_t g = 0; g < kGenomes; ++g) {
    ++evaluated;
    const auto& m = metrics[g][0];
    if (m.evaluation_failed) {
      ++failed;
      EXPECT_FALSE(reasons[g].empty()) << strategy::canonical_json(genomes[g]);
      ADD_FAILURE() << reasons[g] << "\n" << strategy::canonical_json(genomes[g]);
      continue;
    }
    EXPECT_TRUE(reasons[g].empty());
    EXPECT_TRUE(all_finite(m)) << strategy::canonical_json(genomes[g]);
    finite += all_finite(m) ? 1 : 0;
    trading[g % families.size()] += m.trades > 0 ? 1 : 0;
  }
  // Every family, the ML ones and rule trees included, really traded on these bars: the
  // property is about genomes that reach the backtest and its metrics.
  for (std::size_t f = 0; f < families.size(); ++f) {
    EXPECT_GT(trading[f], 0u) << families[f];
    RecordProperty(families[f] + "_trading", static_cast<int>(trading[f]));
  }
  EXPECT_EQ(evaluated, kGenomes);
  // Every genome the program generates is one it can evaluate: none fails once the sizing bug
  // is fixed; a failure would be a new defect, reported with its genome above.
  EXPECT_EQ(failed, 0u);
  EXPECT_EQ(finite, kGenomes);
}

}  // namespace
}  // namespace organism::evolve

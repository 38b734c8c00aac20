#include "validate/pbo.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <span>
#include <vector>

#include "core/error.hpp"
#include "core/random.hpp"

namespace organism::validate {
namespace {

using Matrix = std::vector<std::vector<double>>;  // [strategy][bar]

PboResult run(const Matrix& returns, int blocks) {
  std::vector<std::span<const double>> columns(returns.begin(), returns.end());
  PboOptions options;
  options.blocks = blocks;
  return probability_of_backtest_overfitting(columns, options);
}

// A block of 4 bars at `level` with a +-0.5 wiggle: every such block has the same sample
// standard deviation, so Sharpe order is level order. The values are exact in binary, which
// makes equal levels give bit-identical Sharpes (ties are then real ties).
void append_block(std::vector<double>& series, double level) {
  for (double wiggle : {0.5, -0.5, 0.5, -0.5}) series.push_back(level + wiggle);
}

Matrix from_levels(const std::vector<std::vector<double>>& levels) {  // [strategy][block]
  Matrix returns(levels.size());
  for (std::size_t n = 0; n < levels.size(); ++n) {
    for (double level : levels[n]) append_block(returns[n], level);
  }
  return returns;
}

TEST(CscvCombinations, IsTheCentralBinomialCoefficient) {
  EXPECT_EQ(cscv_combinations(2), 2);
  EXPECT_EQ(cscv_combinations(4), 6);
  EXPECT_EQ(cscv_combinations(8), 70);
  EXPECT_EQ(cscv_combinations(16), 12870);
  EXPECT_EQ(cscv_combinations(24), 2704156);
  EXPECT_EQ(cscv_combinations(60), 118264581564861424);
  EXPECT_THROW(cscv_combinations(7), core::UsageError);
}

TEST(Pbo, RunsEveryCombinationOnce) {
  core::Rng rng(7);
  Matrix returns(3, std::vector<double>(64));
  for (auto& series : returns) {
    for (double& r : series) r = 0.01 * rng.normal();
  }
  for (int s : {2, 4, 6, 16}) {
    const PboResult result = run(returns, s);
    EXPECT_EQ(result.combinations, cscv_combinations(s)) << s;
    EXPECT_EQ(result.logits.size(), static_cast<std::size_t>(cscv_combinations(s))) << s;
    EXPECT_EQ(result.selected.size(), result.logits.size());
  }
}

TEST(Pbo, OneStrategyDominatingEverywhereGivesZero) {
  // Levels 3 > 2 > 1 in every block: strategy 0 wins in sample and is best out of sample, so
  // rank N = 3, w = 3/4 and lambda = log 3 in all 6 combinations.
  const Matrix returns = from_levels({{3, 3, 3, 3}, {2, 2, 2, 2}, {1, 1, 1, 1}});
  const PboResult result = run(returns, 4);
  EXPECT_EQ(result.pbo, 0.0);
  EXPECT_EQ(result.probability_of_loss, 0.0);
  for (std::size_t c = 0; c < result.logits.size(); ++c) {
    EXPECT_EQ(result.selected[c], 0u);
    EXPECT_NEAR(result.logits[c], std::log(3.0), 1e-15);
  }
  EXPECT_NEAR(result.logit_mean, std::log(3.0), 1e-15);
  EXPECT_NEAR(result.logit_median, std::log(3.0), 1e-15);
}

TEST(Pbo, TwoBlocksEachWinnerFailsOutOfSampleGivesOne) {
  // S = 2: IS {0} picks strategy 0 (level 1 vs -1), which is worst in block 1; IS {1} picks
  // strategy 1, worst in block 0. Both ranks are 1 of 2: w = 1/3, lambda = log(1/2).
  const Matrix returns = from_levels({{1, -1}, {-1, 1}});
  const PboResult result = run(returns, 2);
  ASSERT_EQ(result.combinations, 2);
  EXPECT_EQ(result.pbo, 1.0);
  EXPECT_EQ(result.selected, (std::vector<std::size_t>{0, 1}));
  EXPECT_NEAR(result.logits[0], std::log(0.5), 1e-15);
  EXPECT_NEAR(result.logits[1], std::log(0.5), 1e-15);
  EXPECT_EQ(result.probability_of_loss, 1.0);
  // Sharpe of a block at level +-1 with the +-0.5 wiggle: 1 / sqrt(1/3).
  EXPECT_NEAR(result.selected_is[0], std::sqrt(3.0), 1e-14);
  EXPECT_NEAR(result.selected_oos[0], -std::sqrt(3.0), 1e-14);
}

TEST(Pbo, HalfTheCombinationsOverfitGivesOneHalf) {
  // Four strategies, two blocks (levels = rank - 2.5).
  //   block 0: A 1.5, B 0.5, C -0.5, D -1.5     block 1: D 1.5, A 0.5, B -0.5, C -1.5
  // IS {0}: A wins; in block 1 A ranks 3 of 4 -> w = 3/5, lambda = log 1.5 > 0.
  // IS {1}: D wins; in block 0 D ranks 1 of 4 -> w = 1/5, lambda = log 0.25 <= 0.
  const Matrix returns = from_levels({{1.5, 0.5}, {0.5, -0.5}, {-0.5, -1.5}, {-1.5, 1.5}});
  const PboResult result = run(returns, 2);
  EXPECT_EQ(result.pbo, 0.5);
  EXPECT_EQ(result.selected, (std::vector<std::size_t>{0, 3}));
  EXPECT_NEAR(result.logits[0], std::log(1.5), 1e-15);
  EXPECT_NEAR(result.logits[1], std::log(0.25), 1e-15);
  EXPECT_NEAR(result.logit_mean, 0.5 * (std::log(1.5) + std::log(0.25)), 1e-15);
  EXPECT_NEAR(result.logit_median, result.logit_mean, 1e-15);  // two values: their mean
  EXPECT_EQ(result.probability_of_loss, 0.5);                  // D is at -1.5 in block 0
  // Both winners score 1.5 sqrt 3 in sample: no spread, so no degradation line.
  EXPECT_EQ(result.degradation_slope, 0.0);
  EXPECT_EQ(result.degradation_intercept, 0.0);
}

TEST(Pbo, WinnerAtTheMedianCountsAsOverfit) {
  // Three strategies: IS {0} picks A (level 3), which ranks 2 of 3 in block 1: w = 1/2 and
  // lambda = 0 exactly, counted as overfit as in the paper (lambda <= 0). IS {1} picks C,
  // worst in block 0.
  const Matrix returns = from_levels({{3, 2}, {2, 1}, {1, 3}});
  const PboResult result = run(returns, 2);
  EXPECT_EQ(result.logits[0], 0.0);
  EXPECT_EQ(result.pbo, 1.0);
}

TEST(Pbo, GoodInOneBlockOnlyIsOverfitInEveryCombinationAndKeepsLexicographicOrder) {
  // Strategy n is good (level +1) in block n only. IS {a, b} (a < b) ties a and b at Sharpe 0;
  // the lowest index a wins. Out of sample a and b have only bad blocks and tie for the bottom:
  // average rank 1.5 of 4, w = 0.3, lambda = log(3/7).
  std::vector<std::vector<double>> levels(4, std::vector<double>(4, -1.0));
  for (std::size_t n = 0; n < 4; ++n) levels[n][n] = 1.0;
  const PboResult result = run(from_levels(levels), 4);
  // IS sets in order {0,1} {0,2} {0,3} {1,2} {1,3} {2,3}.
  EXPECT_EQ(result.selected, (std::vector<std::size_t>{0, 0, 0, 1, 1, 2}));
  for (double logit : result.logits) EXPECT_NEAR(logit, std::log(3.0 / 7.0), 1e-15);
  EXPECT_EQ(result.pbo, 1.0);
  EXPECT_EQ(result.probability_of_loss, 1.0);
}

TEST(Pbo, DropsTheRemainderBarsAtTheEnd) {
  const Matrix base = from_levels({{1.5, 0.5}, {0.5, -0.5}, {-0.5, -1.5}, {-1.5, 1.5}});
  Matrix padded = base;
  for (std::size_t n = 0; n < padded.size(); ++n) padded[n].push_back(1000.0 * (n + 1.0));
  const PboResult a = run(base, 2);
  const PboResult b = run(padded, 2);
  EXPECT_EQ(b.bars_per_block, 4u);
  EXPECT_EQ(b.dropped_bars, 1u);
  EXPECT_EQ(a.logits, b.logits);
  EXPECT_EQ(a.selected_oos, b.selected_oos);
}

// Pure noise: no strategy has an edge, so the in-sample winner is a random draw out of sample
// and PBO should be near 1/2. One CSCV run's combinations are strongly dependent (they reuse
// the same blocks), so the test averages 20 independent seeds. Over 200 seeds one run's PBO had
// a standard deviation of 0.19 here (mean 0.48), so a mean of 20 has about 0.042: 0.5 +- 0.15
// is 3.5 sigma.
TEST(Pbo, PureNoiseGivesAboutOneHalf) {
  double total = 0.0;
  constexpr int kSeeds = 20;
  for (int seed = 0; seed < kSeeds; ++seed) {
    core::Rng rng(1000 + seed);
    Matrix returns(50, std::vector<double>(800));
    for (auto& series : returns) {
      for (double& r : series) r = 0.01 * rng.normal();
    }
    const PboResult result = run(returns, 8);
    EXPECT_GE(result.pbo, 0.0);
    EXPECT_LE(result.pbo, 1.0);
    total += result.pbo;
  }
  EXPECT_NEAR(total / kSeeds, 0.5, 0.15);
}

// Overfit by construction: each strategy drifts up in a random half of the blocks and down in
// the other half. In sample the winner is the one whose good half best matches the chosen
// blocks, and out of sample it then holds mostly its bad blocks.
TEST(Pbo, StrategiesGoodInOneHalfAndBadInTheOtherAreOverfit) {
  core::Rng rng(42);
  constexpr std::size_t kBlocks = 16, kBlockBars = 50, kStrategies = 30;
  Matrix returns(kStrategies);
  for (auto& series : returns) {
    std::vector<double> drift(kBlocks, -0.002);
    for (std::size_t k = 0; k < kBlocks / 2;) {  // a random half of the blocks is good
      const std::size_t b = rng.below(kBlocks);
      if (drift[b] < 0) {
        drift[b] = 0.002;
        ++k;
      }
    }
    for (std::size_t b = 0; b < kBlocks; ++b) {
      for (std::size_t t = 0; t < kBlockBars; ++t) series.push_back(drift[b] + 0.01 * rng.normal());
    }
  }
  const PboResult result = run(returns, 16);
  EXPECT_GT(result.pbo, 0.9);
  EXPECT_GT(result.probability_of_loss, 0.9);
  EXPECT_LT(result.degradation_slope, 0.0);  // the better in sample, the worse out of sample
  EXPECT_LT(result.logit_mean, 0.0);
}

TEST(Pbo, BadInputsThrowWithClearMessages) {
  const Matrix ok = from_levels({{1, -1, 1, -1}, {-1, 1, -1, 1}});
  EXPECT_THROW(run(ok, 3), core::UsageError);  // odd
  EXPECT_THROW(run(ok, 0), core::UsageError);
  EXPECT_THROW(run(ok, 26), core::UsageError);                           // above kMaxPboBlocks
  EXPECT_THROW(run(ok, 18), core::UsageError);                           // S > T = 16
  EXPECT_THROW(run(Matrix{ok[0]}, 2), core::UsageError);                 // one strategy
  EXPECT_THROW(run(Matrix{{1, 2, 3}, {1, 2, 3}}, 2), core::UsageError);  // halves of 1 bar
  Matrix ragged = ok;
  ragged[1].pop_back();
  EXPECT_THROW(run(ragged, 2), core::UsageError);
  Matrix with_nan = ok;
  with_nan[1][5] = std::numeric_limits<double>::quiet_NaN();
  try {
    run(with_nan, 2);
    FAIL() << "expected core::Error";
  } catch (const core::Error& e) {
    EXPECT_NE(std::string(e.what()).find("strategy 1, bar 5"), std::string::npos) << e.what();
  }
  try {
    run(ok, 5);
    FAIL() << "expected core::UsageError";
  } catch (const core::UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("even"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace organism::validate

// Walk-forward folds and training windows on hand cases, and a small re-optimization on the
// synthetic universe: folds tile the last segment, training ends an embargo before each fold,
// the stitched curve is the folds' curves end to end, and one seed gives one result.
#include <gtest/gtest.h>

#include <cmath>

#include "validate/small_market.hpp"
#include "validate/robustness.hpp"
#include "validate/walk_forward.hpp"

namespace organism::validate {
namespace {

TEST(WalkForwardFolds, TileTheSegment) {
  const auto f = fold_segments({100, 200}, 4);
  ASSERT_EQ(f.size(), 4u);
  EXPECT_EQ(f[0].begin, 100u);
  EXPECT_EQ(f[0].end, 125u);
  EXPECT_EQ(f[3].begin, 175u);
  EXPECT_EQ(f[3].end, 200u);
  const auto g = fold_segments({0, 10}, 3);  // 3, 3, 4 bars
  EXPECT_EQ(g[0].size(), 3u);
  EXPECT_EQ(g[1].size(), 3u);
  EXPECT_EQ(g[2].size(), 4u);
  EXPECT_THROW(fold_segments({0, 10}, 0), core::UsageError);
}

TEST(WalkForwardFolds, TrainingWindowEndsAnEmbargoBeforeTheFold) {
  const auto w = training_window({1000, 1100}, 600, 50);
  EXPECT_EQ(w.begin, 350u);
  EXPECT_EQ(w.end, 950u);
  const auto clipped = training_window({300, 400}, 600, 50);
  EXPECT_EQ(clipped.begin, 0u);
  EXPECT_EQ(clipped.end, 250u);
  EXPECT_EQ(training_window({30, 40}, 600, 50).size(), 0u);
}

TEST(WalkForwardFolds, BarReturnsStartFromTheInitialEquity) {
  const double equity[] = {110, 99, 99};
  const auto r = bar_returns(equity, 100);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_NEAR(r[0], 0.1, 1e-15);
  EXPECT_NEAR(r[1], -0.1, 1e-15);
  EXPECT_EQ(r[2], 0);
}

TEST(WalkForwardReoptimization, StitchesTheFoldsAndIsDeterministic) {
  const test::SmallMarket market(3);
  const auto& u = market.universe;
  const auto& evaluator = market.evaluator;
  const auto base = test::small_options(11, 200, 50);  // population and generations replaced
  WalkForwardOptions o{3, 8, 1};
  std::vector<std::string> lines;
  const auto r = walk_forward_reoptimize(evaluator, base, o, [&](const std::string& l) { lines.push_back(l); });
  ASSERT_EQ(r.folds.size(), 3u);
  EXPECT_EQ(lines.size(), 3u);
  std::size_t bars = 0;
  const auto& coin = u.coins[0];
  const auto folds = fold_segments(coin.splits.walk_forward, 3);
  const auto t = coin.bars.time();
  for (std::size_t i = 0; i < 3; ++i) {
    const auto& f = r.folds[i];
    bars += f.bars;
    EXPECT_EQ(f.bars, folds[i].size());
    EXPECT_EQ(f.begin_time, t[folds[i].begin]);
    EXPECT_EQ(f.end_time, t[folds[i].end - 1]);
    EXPECT_EQ(f.train_end_time, t[folds[i].begin - u.embargo - 1]);
    EXPECT_FALSE(f.chosen_id.empty());
    EXPECT_EQ(f.chosen_id, strategy::genome_id(f.chosen));
  }
  ASSERT_EQ(r.stitched_returns.size(), bars);
  ASSERT_EQ(r.stitched_equity.size(), bars + 1);
  double e = 1;
  for (double x : r.stitched_returns) e *= 1 + x;
  EXPECT_NEAR(r.stitched_equity.back(), e, 1e-12);
  EXPECT_NEAR(r.stitched_annualized, annualized_log_return(e - 1, static_cast<double>(bars), 8760), 1e-12);
  EXPECT_DOUBLE_EQ(r.efficiency, ratio_or_zero(r.stitched_annualized, r.in_sample_annualized));
  EXPECT_GT(r.evaluations, 0);

  const auto again = walk_forward_reoptimize(evaluator, base, o);
  EXPECT_EQ(again.stitched_returns, r.stitched_returns);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(again.folds[i].chosen_id, r.folds[i].chosen_id);
}

}  // namespace
}  // namespace organism::validate

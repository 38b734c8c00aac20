// The block sums validate_front keeps of each front member's held-out returns instead of the
// series: clustering them gives exactly (bit for bit) the clustering of the series.
#include "validate/correlation_blocks.hpp"

#include <gtest/gtest.h>

#include "core/random.hpp"
#include "validate/clustering.hpp"

namespace organism::validate {
namespace {

std::vector<std::span<const double>> spans_of(const std::vector<std::vector<double>>& series) {
  return {series.begin(), series.end()};
}

TEST(CorrelationBlocks, BlockBarsAndSumsByHand) {
  EXPECT_EQ(correlation_block_bars(1024, 1024), 1u);
  EXPECT_EQ(correlation_block_bars(1025, 1024), 2u);
  EXPECT_EQ(correlation_block_bars(21845, 1024), 22u);  // ceil(21845 / 1024)
  const std::vector<double> x = {1, 2, 3, 4, 5, 6, 7};
  EXPECT_EQ(correlation_block_sums(x, 3), (std::vector<double>{6, 15}));  // the 7th bar dropped
  EXPECT_EQ(correlation_block_sums(x, 1), x);
}

TEST(CorrelationBlocks, ClusteringTheBlockSumsEqualsClusteringTheSeries) {
  // 3 groups of 10 series of 21,845 bars (a held-out segment of 1h data): 22 bars a block.
  core::Rng rng(11);
  std::vector<std::vector<double>> series;
  constexpr std::size_t kBars = 21845;
  for (int g = 0; g < 3; ++g) {
    std::vector<double> base(kBars);
    for (double& r : base) r = 0.01 * rng.normal();
    for (int k = 0; k < 10; ++k) {
      auto own = base;
      for (double& r : own) r += 0.006 * rng.normal();
      series.push_back(std::move(own));
    }
  }
  const ClusteringOptions options;
  const auto full = cluster_by_correlation(spans_of(series), options);
  std::vector<std::vector<double>> blocks;
  for (const auto& s : series) blocks.push_back(correlation_block_sums(s, correlation_block_bars(kBars, 1024)));
  const auto blocked = cluster_by_correlation(spans_of(blocks), options);
  EXPECT_EQ(full.block_bars, 22u);
  EXPECT_EQ(blocked.block_bars, 1u);
  EXPECT_EQ(full.clusters, 3u);
  EXPECT_EQ(blocked.labels, full.labels);
  EXPECT_EQ(blocked.clusters, full.clusters);
  EXPECT_EQ(blocked.silhouette, full.silhouette);  // exact: the same numbers in the same order
  EXPECT_EQ(blocked.structure, full.structure);
}

}  // namespace
}  // namespace organism::validate

// Clusters of return series by correlation, and the effective number of independent trials they
// give the deflated Sharpe ratio (López de Prado & Lewis 2019). Used by validate_front for the
// run's trials (in-sample) and for the front members (held-out). Pure.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace organism::validate {

struct ClusteringOptions {
  // Series longer than this are summed over equal blocks of ceil(T / max_blocks) bars (the last
  // T mod block bars dropped) before correlating: the correlation of block sums is the bars'
  // correlation when returns are serially uncorrelated, and it bounds the O(n^2 T) cost.
  std::size_t max_blocks = 1024;
  // Kaufman & Rousseeuw's floor: a best mean silhouette at or below 0.25 is "no substantial
  // structure", and the series are then one cluster or all separate (see cluster_by_correlation).
  double min_silhouette = 0.25;
  // Correlation at which series count as alike when there is no structure: the mean pairwise
  // correlation at or above it makes one cluster, below it every series is its own.
  double alike_correlation = 0.5;
};

struct Clustering {
  std::vector<std::size_t> labels;  // cluster of each series, numbered 0.. by first member
  std::size_t clusters = 0;
  double silhouette = 0;       // mean silhouette of the chosen cut; 0 when none had structure
  bool structure = false;      // a cut with 2..n-1 clusters beat min_silhouette
  std::size_t block_bars = 1;  // bars summed per block before correlating
};

// Average-linkage (UPGMA) agglomerative clustering on the distance d = sqrt((1 - rho) / 2)
// between series (rho: Pearson correlation; two constant series have rho = 1, a constant and a
// varying one rho = 0), built with the nearest-neighbour chain in O(n^2). The dendrogram is cut
// where the mean silhouette over the series is highest among 2..n-1 clusters (a singleton's
// silhouette is 0, a tie goes to fewer clusters). When that best is <= min_silhouette, or n <= 2,
// there is no structure to cut: one cluster if the mean pairwise correlation is >=
// alike_correlation, else n. Deterministic (ties by index); typically O(n^2 blocks) time.
// All series must have the same length; throws core::UsageError otherwise.
Clustering cluster_by_correlation(std::span<const std::span<const double>> series,
                                  const ClusteringOptions& options = {});

// What a set of trials amounts to for the DSR: K = the clusters of their return series and V =
// the sample variance (ddof 1) of the per-bar Sharpe ratios of the clusters' representatives.
// A representative is its members' inverse-variance weighted mean return per bar (members with
// zero variance are left out unless all are, then equal weights), as in López de Prado & Lewis.
struct EffectiveTrials {
  Clustering clustering;
  std::vector<double> representative_sharpes;  // per bar, one per cluster
  double sharpe_variance_per_bar = 0;          // 0 for fewer than 2 clusters
};

EffectiveTrials effective_trials(std::span<const std::span<const double>> series,
                                 const ClusteringOptions& options = {});

}  // namespace organism::validate

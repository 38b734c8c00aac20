// Hierarchical risk parity (Lopez de Prado 2016, "Building diversified portfolios that outperform
// out of sample"): weights from a covariance matrix without inverting it. One of the baselines
// the walk-forward portfolio backtest compares the allocator with; pure computation.
#pragma once

#include <cstddef>
#include <vector>

namespace organism::portfolio {

// The three steps, exposed so that each can be checked by hand.
struct HrpSteps {
  // Single-linkage merges on the distance d_ij = sqrt((1 - rho_ij) / 2): merge k joins clusters
  // `left` and `right` (ids: 0..n-1 the assets with a variance, in input order, n + k the k-th
  // merge) at `distance`.
  struct Merge {
    std::size_t left = 0, right = 0;
    double distance = 0;
  };
  std::vector<Merge> merges;
  std::vector<std::size_t> order;  // quasi-diagonal order of the assets (leaves left to right)
  std::vector<double> weights;     // per asset, summing to 1 (0 for an asset without variance)
};

// HRP on the covariance matrix `cov` (n x n). Ties in the linkage go to the lower pair of ids, and
// a merge lists its lower cluster id first, so the order is deterministic. Assets with a variance
// <= 0 (a strategy that never traded) get weight 0 and take no part; none left: every weight 0.
HrpSteps hrp(const std::vector<std::vector<double>>& cov);

// Sample covariance (ddof = 1) of the series [asset][bar] over bars [begin, end).
std::vector<std::vector<double>> sample_covariance(const std::vector<std::vector<double>>& series,
                                                   std::size_t begin, std::size_t end);

}  // namespace organism::portfolio

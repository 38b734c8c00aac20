// Principal component analysis of standardized features: keeps the leading components that reach
// a share of the variance, optionally whitened. Used by family 12 (pca_tree_quantile).
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace organism::strategy::ml {

struct Pca {
  std::size_t inputs = 0;           // columns of the data it was fitted on
  std::vector<double> mean;         // per input, of the training rows
  std::vector<double> scale;        // per input: std (ddof 0) of the training rows; 0 = constant
  std::vector<double> eigenvalues;  // of the standardized covariance (ddof 0), all, descending
  std::size_t kept = 0;             // components kept (>= 1)
  std::vector<double> components;   // kept x inputs, row-major, unit length
  bool whiten = false;              // scores divided by sqrt(eigenvalue)

  // Scores of one raw row (inputs values) into out (kept values).
  void transform(std::span<const double> row, std::span<double> out) const;
};

// x: n rows x cols, row-major, all finite, n >= 1, cols >= 1. Each column is standardized with its
// own mean and std (a constant column becomes 0), the covariance of the result is decomposed, and
// the fewest leading components whose eigenvalues reach `variance_share` (in (0, 1]) of the total
// are kept (at least one). Each component's sign makes its largest-magnitude loading positive (the
// first such on ties), so a refit on the same data gives the same scores.
// Throws std::invalid_argument on bad input.
Pca fit_pca(std::span<const double> x, std::size_t n, std::size_t cols, double variance_share,
            bool whiten);

}  // namespace organism::strategy::ml

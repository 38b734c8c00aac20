// Ledoit-Wolf (2004) shrinkage of a sample covariance towards a scaled identity, and a small
// Cholesky solve. Used by the allocator's Kelly step, where p (strategies) is small and n (bars)
// is not much larger, so the sample covariance alone is too noisy to invert.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <vector>

namespace organism::portfolio {

// A p x p symmetric matrix, row-major.
struct SquareMatrix {
  std::size_t p = 0;
  std::vector<double> values;
  double operator()(std::size_t i, std::size_t j) const { return values[i * p + j]; }
  double& operator()(std::size_t i, std::size_t j) { return values[i * p + j]; }
};

struct ShrunkCovariance {
  SquareMatrix matrix;   // delta mu I + (1 - delta) S
  SquareMatrix sample;   // S, the sample covariance with 1 / n (the paper's)
  double target = 0;     // mu = trace(S) / p
  double shrinkage = 0;  // delta = min(1, b2 / d2), in [0, 1]
};

// Ledoit & Wolf, "A well-conditioned estimator for large-dimensional covariance matrices",
// J. Multivariate Analysis 88 (2004), Lemma 3.2 / Theorem 3.3, with ||A||^2 = tr(A A') / p:
//   x_k the de-meaned observations, S = 1/n sum x_k x_k', mu = tr(S) / p,
//   d2 = ||S - mu I||^2, b2bar = 1/n^2 sum_k ||x_k x_k' - S||^2, b2 = min(b2bar, d2),
//   delta = b2 / d2 (0 when d2 = 0: S is already mu I).
// series: p >= 1 columns of the same length n >= 1 (not checked: the allocator's own input).
// The result is positive definite whenever mu > 0 and delta > 0, or S is.
ShrunkCovariance ledoit_wolf(std::span<const std::vector<double>> series);

// x with A x = b for a symmetric positive definite A (Cholesky); nullopt when a pivot is not
// positive (A not positive definite).
std::optional<std::vector<double>> solve_positive_definite(const SquareMatrix& a,
                                                           std::span<const double> b);

}  // namespace organism::portfolio

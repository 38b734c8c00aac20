// Linear quantile regression with an L1 penalty on the slopes, solved exactly as a linear program
// (COIN-OR CLP). Used by family 12 (pca_tree_quantile) for the quantiles of the forward return.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace organism::strategy::ml {

struct QuantileFit {
  bool ok = false;  // false: the solver did not prove optimality (coefficients are then 0)
  double intercept = 0;
  std::vector<double> slopes;
  // Mean check loss plus penalty at the returned coefficients, and the LP's dual bound: equal at
  // the optimum (strong duality), which is how the tests certify the answer.
  double objective = 0;
  double dual_objective = 0;

  double predict(std::span<const double> row) const;
};

// Minimizes (1/n) sum_i rho_tau(y_i - b0 - x_i . beta) + l1 * sum_j |beta_j| over b0 (not
// penalized) and beta, where rho_tau(r) = tau * r for r >= 0 and (tau - 1) * r below.
// Multiplied by n this is the textbook LP min tau 1'u+ + (1 - tau) 1'u- + n l1 1'(b+ + b-) with
// b0 + X (b+ - b-) + u+ - u- = y; CLP solves its dual, which has one row per coefficient instead
// of one per sample (fast for n >> cols):
//   max y'd  subject to  1'd = 0,  -n l1 <= X_j'd <= n l1,  tau - 1 <= d_i <= tau,
// and the coefficients are the dual values of those rows. Exact: no smoothing, no iteration cap
// that changes the answer. x: n rows x cols row-major; cols may be 0 (intercept only).
// Throws std::invalid_argument on bad input (n = 0, sizes, non-finite values, tau outside (0, 1),
// l1 < 0).
QuantileFit fit_quantile(std::span<const double> x, std::size_t n, std::size_t cols,
                         std::span<const double> y, double tau, double l1);

}  // namespace organism::strategy::ml

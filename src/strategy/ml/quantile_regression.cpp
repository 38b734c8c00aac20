#include "strategy/ml/quantile_regression.hpp"

#include <cmath>
#include <coin/ClpSimplex.hpp>
#include <coin/CoinPackedMatrix.hpp>
#include <stdexcept>

namespace organism::strategy::ml {

double QuantileFit::predict(std::span<const double> row) const {
  double value = intercept;
  for (std::size_t j = 0; j < slopes.size(); ++j) value += slopes[j] * row[j];
  return value;
}

namespace {

double check_loss(double residual, double tau) {
  return residual >= 0 ? tau * residual : (tau - 1) * residual;
}

void check_inputs(std::span<const double> x, std::size_t n, std::size_t cols, std::span<const double> y,
              double tau, double l1) {
  if (n == 0 || x.size() != n * cols || y.size() != n)
    throw std::invalid_argument("fit_quantile: need n >= 1 rows, n x cols features, n targets");
  if (!(tau > 0 && tau < 1)) throw std::invalid_argument("fit_quantile: tau must be in (0, 1)");
  if (!(l1 >= 0) || !std::isfinite(l1))
    throw std::invalid_argument("fit_quantile: l1 must be finite and >= 0");
  for (double v : x) {
    if (!std::isfinite(v)) throw std::invalid_argument("fit_quantile: non-finite feature");
  }
  for (double v : y) {
    if (!std::isfinite(v)) throw std::invalid_argument("fit_quantile: non-finite target");
  }
}

}  // namespace

QuantileFit fit_quantile(std::span<const double> x, std::size_t n, std::size_t cols,
                         std::span<const double> y, double tau, double l1) {
  check_inputs(x, n, cols, y, tau, l1);
  QuantileFit fit;
  fit.slopes.assign(cols, 0.0);
  const double rows = static_cast<double>(n);

  // The dual LP, column-ordered: column i (sample i) has 1 in row 0 and x_ij in row j + 1.
  std::vector<double> elements;
  std::vector<int> row_index;
  std::vector<CoinBigIndex> starts;
  std::vector<int> lengths;
  elements.reserve(n * (cols + 1));
  row_index.reserve(n * (cols + 1));
  starts.reserve(n + 1);
  lengths.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    starts.push_back(static_cast<CoinBigIndex>(elements.size()));
    elements.push_back(1.0);
    row_index.push_back(0);
    for (std::size_t j = 0; j < cols; ++j) {
      const double v = x[i * cols + j];
      if (v == 0) continue;  // sparse: an exact zero is no entry
      elements.push_back(v);
      row_index.push_back(static_cast<int>(j + 1));
    }
    lengths.push_back(static_cast<int>(elements.size()) - starts.back());
  }
  starts.push_back(static_cast<CoinBigIndex>(elements.size()));
  const int lp_rows = static_cast<int>(cols + 1), lp_cols = static_cast<int>(n);
  const CoinPackedMatrix matrix(true, lp_rows, lp_cols, static_cast<CoinBigIndex>(elements.size()),
                                elements.data(), row_index.data(), starts.data(), lengths.data());
  const std::vector<double> col_lower(n, tau - 1), col_upper(n, tau);
  std::vector<double> objective(n);
  for (std::size_t i = 0; i < n; ++i) objective[i] = -y[i];  // CLP minimizes: max y'd = -min -y'd
  const double bound = rows * l1;
  std::vector<double> row_lower(cols + 1, -bound), row_upper(cols + 1, bound);
  row_lower[0] = row_upper[0] = 0;

  ClpSimplex model;
  model.setLogLevel(0);
  model.loadProblem(matrix, col_lower.data(), col_upper.data(), objective.data(), row_lower.data(),
                    row_upper.data());
  // Every column is boxed, so with the all-slack basis each nonbasic d_i can sit at the bound its
  // cost prefers (tau when y_i > 0, tau - 1 otherwise): the start is dual feasible and the dual
  // simplex only has the cols + 1 rows to repair, a few dozen pivots on a tiny basis.
  model.dual();
  if (!model.isProvenOptimal()) return fit;

  // For min c'd with row activities A d, optimality gives c = A' pi on the free columns, i.e.
  // -y_i = pi_0 + x_i . pi_{1..}: the regression coefficients are -pi.
  const double* pi = model.dualRowSolution();
  fit.intercept = -pi[0];
  for (std::size_t j = 0; j < cols; ++j) fit.slopes[j] = -pi[j + 1];
  double loss = 0, penalty = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double r = y[i] - fit.predict(x.subspan(i * cols, cols));
    loss += check_loss(r, tau);
  }
  for (double b : fit.slopes) penalty += std::abs(b);
  fit.objective = loss / rows + l1 * penalty;
  fit.dual_objective = -model.objectiveValue() / rows;
  fit.ok = true;
  return fit;
}

}  // namespace organism::strategy::ml

// Long-only fractional Kelly (kelly.hpp).
#include "portfolio/kelly.hpp"

#include <cstddef>
#include <utility>

namespace organism::portfolio {

namespace {

// S^-1 mu on the entries in `active`.
std::vector<double> solve_active(std::span<const double> mean, const SquareMatrix& covariance,
                                 const std::vector<std::size_t>& active) {
  const std::size_t q = active.size();
  SquareMatrix sub{q, std::vector<double>(q * q)};
  std::vector<double> rhs(q);
  double diagonal = 0;
  for (std::size_t i = 0; i < q; ++i) {
    rhs[i] = mean[active[i]];
    diagonal += covariance(active[i], active[i]);
    for (std::size_t j = 0; j < q; ++j) sub(i, j) = covariance(active[i], active[j]);
  }
  if (auto x = solve_positive_definite(sub, rhs)) return *x;
  // Singular (exact linear dependence, e.g. two identical streams kept by a correlation cap of 1):
  // a ridge far below any real variance makes it solvable without changing a regular solve.
  const double ridge = 1e-12 * (diagonal > 0 ? diagonal / static_cast<double>(q) : 1.0);
  for (int attempt = 0; attempt < 8; ++attempt) {
    SquareMatrix ridged = sub;
    for (std::size_t i = 0; i < q; ++i)
      ridged(i, i) += ridge * static_cast<double>(1 << (4 * attempt));
    if (auto x = solve_positive_definite(ridged, rhs)) return *x;
  }
  return std::vector<double>(q, 0.0);  // nothing solvable: no position
}

}  // namespace

std::vector<double> long_only_kelly(std::span<const double> mean, const SquareMatrix& covariance,
                                    double kelly_fraction) {
  const std::size_t p = mean.size();
  std::vector<double> f(p, 0.0);
  std::vector<std::size_t> active(p);
  for (std::size_t i = 0; i < p; ++i) active[i] = i;
  while (!active.empty()) {
    const std::vector<double> x = solve_active(mean, covariance, active);
    std::vector<std::size_t> kept;
    for (std::size_t i = 0; i < active.size(); ++i) {
      if (x[i] > 0) kept.push_back(active[i]);
    }
    if (kept.size() == active.size()) {
      for (std::size_t i = 0; i < active.size(); ++i) f[active[i]] = kelly_fraction * x[i];
      break;
    }
    active = std::move(kept);
  }
  return f;
}

}  // namespace organism::portfolio

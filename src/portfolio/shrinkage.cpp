// Ledoit-Wolf shrinkage and the Cholesky solve (shrinkage.hpp).
#include "portfolio/shrinkage.hpp"

#include <algorithm>
#include <cmath>

#include "backtest/compensated_sum.hpp"

namespace organism::portfolio {

ShrunkCovariance ledoit_wolf(std::span<const std::vector<double>> series) {
  const std::size_t p = series.size();
  const std::size_t n = p == 0 ? 0 : series[0].size();
  ShrunkCovariance out;
  out.sample = SquareMatrix{p, std::vector<double>(p * p, 0.0)};
  if (p == 0 || n == 0) {
    out.matrix = out.sample;
    return out;
  }
  // De-meaned columns (the paper assumes mean zero; like scikit-learn, we subtract the sample
  // mean).
  std::vector<std::vector<double>> x(p, std::vector<double>(n));
  for (std::size_t i = 0; i < p; ++i) {
    backtest::CompensatedSum sum;
    for (double v : series[i]) sum.add(v);
    const double mean = sum.value() / static_cast<double>(n);
    for (std::size_t k = 0; k < n; ++k) x[i][k] = series[i][k] - mean;
  }
  SquareMatrix& s = out.sample;
  for (std::size_t i = 0; i < p; ++i) {
    for (std::size_t j = i; j < p; ++j) {
      backtest::CompensatedSum sum;
      for (std::size_t k = 0; k < n; ++k) sum.add(x[i][k] * x[j][k]);
      s(i, j) = s(j, i) = sum.value() / static_cast<double>(n);
    }
  }
  double trace = 0;
  for (std::size_t i = 0; i < p; ++i) trace += s(i, i);
  const double pd = static_cast<double>(p);
  out.target = trace / pd;

  double d2 = 0;  // ||S - mu I||^2
  for (std::size_t i = 0; i < p; ++i) {
    for (std::size_t j = 0; j < p; ++j) {
      const double e = s(i, j) - (i == j ? out.target : 0.0);
      d2 += e * e;
    }
  }
  d2 /= pd;
  backtest::CompensatedSum b2bar;  // sum_k ||x_k x_k' - S||^2 (times p)
  for (std::size_t k = 0; k < n; ++k) {
    for (std::size_t i = 0; i < p; ++i) {
      for (std::size_t j = 0; j < p; ++j) {
        const double e = x[i][k] * x[j][k] - s(i, j);
        b2bar.add(e * e);
      }
    }
  }
  const double b2 =
      std::min(b2bar.value() / pd / (static_cast<double>(n) * static_cast<double>(n)), d2);
  out.shrinkage = d2 > 0 ? b2 / d2 : 0.0;

  out.matrix = s;
  for (std::size_t i = 0; i < p; ++i) {
    for (std::size_t j = 0; j < p; ++j) {
      out.matrix(i, j) =
          (1 - out.shrinkage) * s(i, j) + (i == j ? out.shrinkage * out.target : 0.0);
    }
  }
  return out;
}

std::optional<std::vector<double>> solve_positive_definite(const SquareMatrix& a,
                                                           std::span<const double> b) {
  const std::size_t p = a.p;
  SquareMatrix l{p, std::vector<double>(p * p, 0.0)};  // A = L L'
  for (std::size_t j = 0; j < p; ++j) {
    double d = a(j, j);
    for (std::size_t k = 0; k < j; ++k) d -= l(j, k) * l(j, k);
    if (!(d > 0)) return std::nullopt;
    l(j, j) = std::sqrt(d);
    for (std::size_t i = j + 1; i < p; ++i) {
      double v = a(i, j);
      for (std::size_t k = 0; k < j; ++k) v -= l(i, k) * l(j, k);
      l(i, j) = v / l(j, j);
    }
  }
  std::vector<double> y(p);  // L y = b
  for (std::size_t i = 0; i < p; ++i) {
    double v = b[i];
    for (std::size_t k = 0; k < i; ++k) v -= l(i, k) * y[k];
    y[i] = v / l(i, i);
  }
  std::vector<double> x(p);  // L' x = y
  for (std::size_t i = p; i-- > 0;) {
    double v = y[i];
    for (std::size_t k = i + 1; k < p; ++k) v -= l(k, i) * x[k];
    x[i] = v / l(i, i);
  }
  return x;
}

}  // namespace organism::portfolio

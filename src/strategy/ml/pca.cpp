#include "strategy/ml/pca.hpp"

#include <Eigen/Dense>
#include <cmath>
#include <stdexcept>

namespace organism::strategy::ml {

using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

void Pca::transform(std::span<const double> row, std::span<double> out) const {
  for (std::size_t k = 0; k < kept; ++k) {
    const double* loading = components.data() + k * inputs;
    double score = 0;
    for (std::size_t j = 0; j < inputs; ++j) {
      if (scale[j] > 0) score += loading[j] * (row[j] - mean[j]) / scale[j];
    }
    // A zero-variance direction carries no information: its whitened score is 0, not inf.
    if (whiten) score = eigenvalues[k] > 0 ? score / std::sqrt(eigenvalues[k]) : 0.0;
    out[k] = score;
  }
}

Pca fit_pca(std::span<const double> x, std::size_t n, std::size_t cols, double variance_share,
            bool whiten) {
  if (n == 0 || cols == 0 || x.size() != n * cols)
    throw std::invalid_argument("fit_pca: need n >= 1 rows and cols >= 1 columns of data");
  if (!(variance_share > 0 && variance_share <= 1))
    throw std::invalid_argument("fit_pca: variance share must be in (0, 1]");
  for (double v : x) {
    if (!std::isfinite(v)) throw std::invalid_argument("fit_pca: non-finite value");
  }
  Pca pca;
  pca.inputs = cols;
  pca.whiten = whiten;
  Eigen::Map<const RowMatrix> data(x.data(), static_cast<Eigen::Index>(n),
                                   static_cast<Eigen::Index>(cols));
  const Eigen::RowVectorXd mean = data.colwise().mean();
  RowMatrix z = data.rowwise() - mean;
  const double rows = static_cast<double>(n);
  pca.mean.assign(mean.data(), mean.data() + cols);
  pca.scale.resize(cols);
  for (std::size_t j = 0; j < cols; ++j) {
    const auto c = static_cast<Eigen::Index>(j);
    const double sd = std::sqrt(z.col(c).squaredNorm() / rows);
    // Tiny relative spread is rounding noise around a constant column.
    pca.scale[j] = sd > 1e-12 * std::max(1.0, std::abs(mean(c))) ? sd : 0.0;
    if (pca.scale[j] > 0) {
      z.col(c) /= pca.scale[j];
    } else {
      z.col(c).setZero();
    }
  }
  const Eigen::MatrixXd cov = (z.transpose() * z) / rows;
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(cov);
  // Ascending from Eigen; walk it backwards for descending order. Rounding can leave tiny
  // negative eigenvalues of a singular covariance: they are 0.
  const Eigen::VectorXd& values = solver.eigenvalues();
  const Eigen::MatrixXd& vectors = solver.eigenvectors();
  double total = 0;
  pca.eigenvalues.resize(cols);
  for (std::size_t k = 0; k < cols; ++k) {
    pca.eigenvalues[k] = std::max(0.0, values(static_cast<Eigen::Index>(cols - 1 - k)));
    total += pca.eigenvalues[k];
  }
  pca.kept = 1;
  if (total > 0) {
    double running = pca.eigenvalues[0];
    // The small tolerance keeps a share met exactly (e.g. 1.0 with rounding) from taking one more.
    while (pca.kept < cols && running < variance_share * total * (1 - 1e-12)) {
      running += pca.eigenvalues[pca.kept];
      ++pca.kept;
    }
  }
  pca.components.resize(pca.kept * cols);
  for (std::size_t k = 0; k < pca.kept; ++k) {
    const auto v = vectors.col(static_cast<Eigen::Index>(cols - 1 - k));
    std::size_t largest = 0;
    for (std::size_t j = 1; j < cols; ++j) {
      if (std::abs(v(static_cast<Eigen::Index>(j))) >
          std::abs(v(static_cast<Eigen::Index>(largest))) * (1 + 1e-12))
        largest = j;
    }
    const double sign = v(static_cast<Eigen::Index>(largest)) < 0 ? -1.0 : 1.0;
    for (std::size_t j = 0; j < cols; ++j)
      pca.components[k * cols + j] = sign * v(static_cast<Eigen::Index>(j));
  }
  return pca;
}

}  // namespace organism::strategy::ml

// Family 12's model: standardized features -> PCA -> regression tree -> three quantile
// regressions -> exposure, as a RollingModel refit by walk_forward. Used by the family
// (seeds/pca_tree_quantile.cpp), its tests and the benchmarks.
#pragma once

#include <array>
#include <span>
#include <vector>

#include "strategy/ml/pca.hpp"
#include "strategy/ml/quantile_regression.hpp"
#include "strategy/ml/regression_tree.hpp"
#include "strategy/ml/training.hpp"

namespace organism::strategy::ml {

struct PcaTreeQuantileOptions {
  double variance_share = 0.9;
  bool whiten = false;
  TreeOptions tree{};
  std::array<double, 3> quantiles{0.25, 0.5, 0.75};  // lower, median, upper levels
  double l1 = 0.01;                                  // L1 strength on the quantile slopes
  double entry = 0;      // threshold, in units of the training labels' std
  double size_gain = 2;  // exposure = size_gain x median / (upper - lower)
};

// Labels are divided by their training std (sigma) so the L1 strength and the entry threshold
// mean the same on any coin, interval or horizon.
//
// How tree and quantiles combine: the quantile regressions read the PCA scores plus the tree's
// forecast as one more regressor, so the tree supplies non-linear structure and the quantile
// regressions decide how much of it to trust and how wide the distribution around it is. A tree
// grown to depth 20 with min_split 2 reproduces its own training labels almost exactly, so its
// in-sample forecast would look perfect to the quantile regressions; they are therefore trained
// on out-of-fold forecasts (a tree fitted on the first half of the window forecasts the second
// half, and vice versa), while prediction uses the tree fitted on the whole window.
//
// Exposure of a row with quantile forecasts lo <= med <= hi (crossing forecasts are sorted):
//   lo >  entry x sigma  ->  clamp(size_gain x med / (hi - lo), -1, 1)   (long)
//   hi < -entry x sigma  ->  clamp(size_gain x med / (hi - lo), -1, 1)   (short)
//   otherwise 0; a zero spread gives the full +-1.
class PcaTreeQuantileModel final : public RollingModel {
 public:
  explicit PcaTreeQuantileModel(const PcaTreeQuantileOptions& options) : options_(options) {}

  // False (flat until the next refit) with fewer than 4 rows, constant labels, or a quantile LP
  // the solver could not prove optimal.
  bool fit(std::span<const double> x, std::size_t n, std::size_t cols,
           std::span<const double> y) override;
  double predict(std::span<const double> row) const override;

  // The last prediction's sorted quantile forecasts, in label units (for tests and reports).
  const std::array<double, 3>& last_quantiles() const { return last_; }
  const Pca& pca() const { return pca_; }

 private:
  PcaTreeQuantileOptions options_;
  double sigma_ = 0;
  Pca pca_{};
  RegressionTree tree_{};
  std::array<QuantileFit, 3> quantiles_{};
  mutable std::vector<double> row_{};  // scores and tree forecast of the row being predicted
  mutable std::array<double, 3> last_{};
};

}  // namespace organism::strategy::ml

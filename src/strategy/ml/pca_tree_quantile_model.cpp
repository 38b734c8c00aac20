#include "strategy/ml/pca_tree_quantile_model.hpp"

#include <algorithm>
#include <cmath>
#include <exception>

namespace organism::strategy::ml {

bool PcaTreeQuantileModel::fit(std::span<const double> x, std::size_t n, std::size_t cols,
                               std::span<const double> y) {
  if (n < 4) return false;
  double mean = 0, sq = 0;
  for (double v : y) mean += v / static_cast<double>(n);
  for (double v : y) sq += (v - mean) * (v - mean);
  sigma_ = std::sqrt(sq / static_cast<double>(n));
  // Constant labels (up to the rounding of their mean) leave nothing to forecast.
  if (!(sigma_ > 1e-9 * std::abs(mean)) || !std::isfinite(sigma_)) return false;
  try {
    pca_ = fit_pca(x, n, cols, options_.variance_share, options_.whiten);
    const std::size_t k = pca_.kept, width = k + 1;
    std::vector<double> scores(n * k), labels(n), stacked(n * width);
    for (std::size_t i = 0; i < n; ++i) {
      pca_.transform(x.subspan(i * cols, cols), std::span(scores).subspan(i * k, k));
      labels[i] = y[i] / sigma_;
    }
    // Out-of-fold tree forecasts: each half forecast by a tree grown on the other half.
    const std::size_t half = n / 2;
    RegressionTree fold;
    const auto out_of_fold = [&](std::size_t train_from, std::size_t train_n, std::size_t pred_from,
                                 std::size_t pred_n) {
      fold.fit(std::span(scores).subspan(train_from * k, train_n * k), train_n, k,
               std::span(labels).subspan(train_from, train_n), options_.tree);
      for (std::size_t i = pred_from; i < pred_from + pred_n; ++i)
        stacked[i * width + k] = fold.predict(std::span(scores).subspan(i * k, k));
    };
    out_of_fold(0, half, half, n - half);
    out_of_fold(half, n - half, 0, half);
    tree_.fit(scores, n, k, labels, options_.tree);
    for (std::size_t i = 0; i < n; ++i)
      std::copy_n(scores.begin() + static_cast<std::ptrdiff_t>(i * k), k,
                  stacked.begin() + static_cast<std::ptrdiff_t>(i * width));
    for (std::size_t q = 0; q < 3; ++q) {
      quantiles_[q] = fit_quantile(stacked, n, width, labels, options_.quantiles[q], options_.l1);
      if (!quantiles_[q].ok) return false;
    }
  } catch (const std::exception&) {
    return false;  // inputs walk_forward guarantees finite; a failure here means flat, not a crash
  }
  row_.resize(pca_.kept + 1);
  return true;
}

double PcaTreeQuantileModel::predict(std::span<const double> row) const {
  const std::size_t k = pca_.kept;
  pca_.transform(row, std::span(row_).first(k));
  row_[k] = tree_.predict(std::span(row_).first(k));
  std::array<double, 3> q{};
  for (std::size_t i = 0; i < 3; ++i) q[i] = quantiles_[i].predict(row_) * sigma_;
  // Separately fitted quantiles may cross; sorting them (rearrangement) restores the order
  // without favouring one of them.
  std::sort(q.begin(), q.end());
  last_ = q;
  const double spread = q[2] - q[0], threshold = options_.entry * sigma_;
  const auto sized = [&](double side) {
    if (!(spread > 0)) return side;
    return std::clamp(options_.size_gain * q[1] / spread, -1.0, 1.0);
  };
  if (q[0] > threshold) return sized(1.0);
  if (q[2] < -threshold) return sized(-1.0);
  return 0.0;
}

}  // namespace organism::strategy::ml

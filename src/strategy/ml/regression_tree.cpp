#include "strategy/ml/regression_tree.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace organism::strategy::ml {

void RegressionTree::fit(std::span<const double> x, std::size_t n, std::size_t cols,
                         std::span<const double> y, const TreeOptions& options) {
  if (n == 0 || cols == 0 || x.size() != n * cols || y.size() != n)
    throw std::invalid_argument("RegressionTree::fit: need n >= 1 rows, cols >= 1, n targets");
  for (double v : x) {
    if (!std::isfinite(v)) throw std::invalid_argument("RegressionTree::fit: non-finite feature");
  }
  for (double v : y) {
    if (!std::isfinite(v)) throw std::invalid_argument("RegressionTree::fit: non-finite target");
  }
  nodes_.clear();
  x_ = x;
  y_ = y;
  cols_ = cols;
  options_ = options;
  std::vector<std::size_t> rows(n);
  for (std::size_t i = 0; i < n; ++i) rows[i] = i;
  grow(rows, 0);
  x_ = {};
  y_ = {};
}

RegressionTree::Split RegressionTree::best_split(std::span<const std::size_t> rows,
                                                 double sum) const {
  const std::size_t n = rows.size();
  const double parent = sum * sum / static_cast<double>(n);
  // A gain this small relative to the node's scale is rounding, not structure.
  double sum_sq = 0;
  for (std::size_t r : rows) sum_sq += y_[r] * y_[r];
  const double tolerance = 1e-12 * std::max(sum_sq, 1e-300);
  Split best;
  // (value, target) pairs sorted by (value, row): contiguous, so the sort and the scan stay in
  // cache; the row order among equal values keeps the sums, hence the tree, deterministic.
  struct Entry {
    double value;
    std::size_t row;
    double target;
  };
  std::vector<Entry> sorted(n);
  for (std::size_t f = 0; f < cols_; ++f) {
    for (std::size_t i = 0; i < n; ++i)
      sorted[i] = {x_[rows[i] * cols_ + f], rows[i], y_[rows[i]]};
    std::sort(sorted.begin(), sorted.end(), [](const Entry& a, const Entry& b) {
      return a.value < b.value || (a.value == b.value && a.row < b.row);
    });
    double left = 0;
    for (std::size_t i = 0; i + 1 < n; ++i) {
      left += sorted[i].target;
      const double here = sorted[i].value, next = sorted[i + 1].value;
      if (here == next) continue;  // a threshold must separate distinct values
      const double nl = static_cast<double>(i + 1), nr = static_cast<double>(n - i - 1);
      const double right = sum - left;
      const double gain = left * left / nl + right * right / nr - parent;
      // Strictly better only: the first feature, then the lowest threshold, wins a tie.
      if (gain > tolerance && gain > best.gain) {
        best.feature = static_cast<int>(f);
        const double mid = here + (next - here) / 2;
        best.threshold = mid < next ? mid : here;  // adjacent doubles: the midpoint rounds up
        best.gain = gain;
      }
    }
  }
  return best;
}

int RegressionTree::grow(std::span<std::size_t> rows, int depth) {
  double sum = 0;
  for (std::size_t r : rows) sum += y_[r];
  const int index = static_cast<int>(nodes_.size());
  nodes_.push_back({});
  nodes_[index].value = sum / static_cast<double>(rows.size());
  nodes_[index].depth = depth;
  if (depth >= options_.max_depth || rows.size() < static_cast<std::size_t>(options_.min_split) ||
      rows.size() < 2)
    return index;
  const Split split = best_split(rows, sum);
  if (split.feature < 0) return index;
  const auto f = static_cast<std::size_t>(split.feature);
  // Stable partition keeps row order within each side, so children see rows as the parent did.
  const auto middle = std::stable_partition(rows.begin(), rows.end(), [&](std::size_t r) {
    return x_[r * cols_ + f] <= split.threshold;
  });
  const auto n_left = static_cast<std::size_t>(middle - rows.begin());
  nodes_[index].feature = split.feature;
  nodes_[index].threshold = split.threshold;
  const int left = grow(rows.first(n_left), depth + 1);
  const int right = grow(rows.subspan(n_left), depth + 1);
  nodes_[index].left = left;  // nodes_ may have moved: index, never a reference
  nodes_[index].right = right;
  return index;
}

double RegressionTree::predict(std::span<const double> row) const {
  if (nodes_.empty()) return 0.0;
  int i = 0;
  while (nodes_[i].feature >= 0) {
    i = row[static_cast<std::size_t>(nodes_[i].feature)] <= nodes_[i].threshold ? nodes_[i].left
                                                                                 : nodes_[i].right;
  }
  return nodes_[i].value;
}

std::size_t RegressionTree::leaf_count() const {
  return static_cast<std::size_t>(
      std::count_if(nodes_.begin(), nodes_.end(), [](const Node& n) { return n.feature < 0; }));
}

int RegressionTree::depth() const {
  int d = 0;
  for (const Node& n : nodes_) d = std::max(d, n.depth);
  return d;
}

}  // namespace organism::strategy::ml

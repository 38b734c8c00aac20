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
  rows_ = n;
  options_ = options;
  order_.resize(n * cols);
  for (std::size_t f = 0; f < cols; ++f) {
    const auto first = order_.begin() + static_cast<std::ptrdiff_t>(f * n);
    for (std::size_t i = 0; i < n; ++i)
      first[static_cast<std::ptrdiff_t>(i)] = static_cast<std::uint32_t>(i);
    // Equal values stay in row order: deterministic sums, hence a deterministic tree.
    std::sort(first, first + static_cast<std::ptrdiff_t>(n), [&](std::uint32_t a, std::uint32_t b) {
      const double va = x[a * cols + f], vb = x[b * cols + f];
      return va < vb || (va == vb && a < b);
    });
  }
  scratch_.resize(n);
  goes_left_.assign(n, 0);
  grow(0, n, 0);
  x_ = {};
  y_ = {};
  order_ = {};
  scratch_ = {};
  goes_left_ = {};
}

RegressionTree::Split RegressionTree::best_split(std::size_t begin, std::size_t end,
                                                 double sum) const {
  const std::size_t n = end - begin;
  const double parent = sum * sum / static_cast<double>(n);
  // A gain this small relative to the node's scale is rounding, not structure.
  double sum_sq = 0;
  for (std::size_t i = begin; i < end; ++i) sum_sq += y_[order_[i]] * y_[order_[i]];
  const double tolerance = 1e-12 * std::max(sum_sq, 1e-300);
  Split best;
  for (std::size_t f = 0; f < cols_; ++f) {
    const std::uint32_t* sorted = order_.data() + f * rows_ + begin;
    double left = 0;
    for (std::size_t i = 0; i + 1 < n; ++i) {
      left += y_[sorted[i]];
      const double here = x_[sorted[i] * cols_ + f], next = x_[sorted[i + 1] * cols_ + f];
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

int RegressionTree::grow(std::size_t begin, std::size_t end, int depth) {
  const std::size_t n = end - begin;
  // Summed in feature 0's (value, row) order: the same rows always give the same sum.
  double sum = 0;
  for (std::size_t i = begin; i < end; ++i) sum += y_[order_[i]];
  const int index = static_cast<int>(nodes_.size());
  nodes_.push_back({});
  nodes_[index].value = sum / static_cast<double>(n);
  nodes_[index].depth = depth;
  if (depth >= options_.max_depth || n < static_cast<std::size_t>(options_.min_split) || n < 2)
    return index;
  const Split split = best_split(begin, end, sum);
  if (split.feature < 0) return index;
  const auto f = static_cast<std::size_t>(split.feature);
  std::size_t n_left = 0;
  for (std::size_t i = begin; i < end; ++i) {
    const std::uint32_t r = order_[i];
    goes_left_[r] = x_[r * cols_ + f] <= split.threshold;
    n_left += goes_left_[r];
  }
  // Stable partition of the node's segment in every feature's order.
  for (std::size_t g = 0; g < cols_; ++g) {
    std::uint32_t* segment = order_.data() + g * rows_ + begin;
    std::size_t l = 0, r = n_left;
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint32_t row = segment[i];
      scratch_[goes_left_[row] ? l++ : r++] = row;
    }
    std::copy_n(scratch_.begin(), n, segment);
  }
  nodes_[index].feature = split.feature;
  nodes_[index].threshold = split.threshold;
  const int left = grow(begin, begin + n_left, depth + 1);
  const int right = grow(begin + n_left, end, depth + 1);
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

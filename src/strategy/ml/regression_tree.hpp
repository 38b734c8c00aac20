// A CART regression tree: binary splits chosen by the largest reduction of the squared error,
// leaves predict their rows' mean. Used by family 12 (pca_tree_quantile) on PCA scores.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace organism::strategy::ml {

struct TreeOptions {
  int max_depth = 5;  // the root is depth 0; a node at max_depth is a leaf
  int min_split = 2;  // a node with fewer rows is a leaf
};

class RegressionTree {
 public:
  // x: n rows x cols, row-major, finite; y: n finite targets; n >= 1. A node splits on the
  // feature and threshold (midway between two consecutive distinct values) with the largest
  // error reduction; ties go to the lower feature index, then the lower threshold, so the tree
  // is a function of the data alone. A split that reduces nothing is not made.
  // Throws std::invalid_argument on bad input.
  void fit(std::span<const double> x, std::size_t n, std::size_t cols, std::span<const double> y,
           const TreeOptions& options);
  // Mean of the leaf the row falls in (rows with value <= threshold go left). 0 before fit.
  double predict(std::span<const double> row) const;
  std::size_t node_count() const { return nodes_.size(); }
  std::size_t leaf_count() const;
  int depth() const;

 private:
  struct Node {
    int feature = -1;  // -1: leaf
    double threshold = 0;
    int left = -1;
    int right = -1;
    double value = 0;  // mean of the node's rows
    int depth = 0;
  };
  struct Split {
    int feature = -1;
    double threshold = 0;
    double gain = 0;
  };
  // A node owns positions [begin, end) of every feature's row order.
  Split best_split(std::size_t begin, std::size_t end, double sum) const;
  int grow(std::size_t begin, std::size_t end, int depth);

  std::vector<Node> nodes_;
  // Fit-time views and scratch, cleared after fit.
  std::span<const double> x_{};
  std::span<const double> y_{};
  std::size_t cols_ = 0;
  TreeOptions options_{};
  std::size_t rows_ = 0;
  // Per feature, the rows sorted by (value, row), each node's rows a contiguous segment: sorted
  // once, then stably partitioned at each split, so a level costs O(rows x features), not a sort.
  std::vector<std::uint32_t> order_{};
  std::vector<std::uint32_t> scratch_{};
  std::vector<std::uint8_t> goes_left_{};
};

}  // namespace organism::strategy::ml

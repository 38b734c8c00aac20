#include "indicators/rolling_median.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <utility>

namespace organism::indicators {
namespace {

// Counts per rank in a Fenwick tree: insert, erase and "k-th smallest" in O(log n) on one flat
// array (a balanced tree of nodes was twice as slow here, from allocation and cache misses).
class RankCounter {
 public:
  explicit RankCounter(std::size_t n) : tree_(n + 1, 0), top_(n ? std::bit_floor(n) : 0) {}
  void add(std::size_t rank, int delta) {
    for (std::size_t i = rank + 1; i < tree_.size(); i += i & (~i + 1)) tree_[i] += delta;
  }
  // The rank holding the k-th smallest element, k >= 1 and at most the count held.
  std::size_t kth(int k) const {
    std::size_t pos = 0;
    for (std::size_t step = top_; step; step >>= 1) {
      if (pos + step < tree_.size() && tree_[pos + step] < k) {
        pos += step;
        k -= tree_[pos];
      }
    }
    return pos;  // 0-based rank
  }

 private:
  std::vector<int> tree_;
  std::size_t top_;
};

}  // namespace

std::vector<double> rolling_median(std::span<const double> x, std::size_t window) {
  const std::size_t n = x.size();
  std::vector<double> out(n, std::nan(""));
  if (window == 0 || n == 0) return out;
  // Rank of every finite value in the whole series (ties by position), and the values by rank.
  // Sorting (value, position) pairs in place beats sorting positions through the values.
  std::vector<std::pair<double, std::size_t>> order;
  order.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (std::isfinite(x[i])) order.emplace_back(x[i], i);
  }
  std::sort(order.begin(), order.end());
  std::vector<std::size_t> rank(n, 0);
  std::vector<double> by_rank(order.size());
  for (std::size_t r = 0; r < order.size(); ++r) {
    rank[order[r].second] = r;
    by_rank[r] = order[r].first;
  }
  RankCounter counts(order.size());
  const int lower = static_cast<int>((window - 1) / 2) + 1;  // 1-based ranks of the middle pair
  const int upper = static_cast<int>(window / 2) + 1;
  std::size_t run = 0;  // consecutive finite values ending at i, all held in `counts`
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(x[i])) {
      for (std::size_t j = i - std::min(run, window); j < i; ++j) counts.add(rank[j], -1);
      run = 0;
      continue;
    }
    counts.add(rank[i], +1);
    if (++run > window) counts.add(rank[i - window], -1);
    if (run < window) continue;
    const double lo = by_rank[counts.kth(lower)];
    out[i] = lower == upper ? lo : 0.5 * (lo + by_rank[counts.kth(upper)]);
  }
  return out;
}

}  // namespace organism::indicators

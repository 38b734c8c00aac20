#include "indicators/rolling_median.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <utility>

#include "core/scratch.hpp"

namespace organism::indicators {
namespace {

// The ranks present in the window, one bit each, with next/previous set bit a word at a time.
// Window ranks are spread over the series' ranks, about one in n / window bits is set, so a
// search rarely leaves its word.
class RankSet {
 public:
  explicit RankSet(std::size_t n) : words_((n + 63) / 64 + 1, 0) {}
  void set(std::size_t r) { words_[r >> 6] |= std::uint64_t{1} << (r & 63); }
  void clear(std::size_t r) { words_[r >> 6] &= ~(std::uint64_t{1} << (r & 63)); }
  // Smallest set rank > r, or npos.
  std::size_t next(std::size_t r) const {
    std::size_t w = (r + 1) >> 6;
    if (w >= words_.size()) return npos;
    std::uint64_t bits = (r + 1) & 63 ? words_[w] & (~std::uint64_t{0} << ((r + 1) & 63)) : words_[w];
    while (!bits) {
      if (++w == words_.size()) return npos;
      bits = words_[w];
    }
    return (w << 6) + static_cast<std::size_t>(std::countr_zero(bits));
  }
  // Largest set rank < r, or npos.
  std::size_t prev(std::size_t r) const {
    if (r == 0) return npos;
    std::size_t w = (r - 1) >> 6;
    const unsigned keep = static_cast<unsigned>((r - 1) & 63) + 1;  // bits 0..keep-1 of word w
    std::uint64_t bits = keep == 64 ? words_[w] : words_[w] & ((std::uint64_t{1} << keep) - 1);
    while (!bits) {
      if (w == 0) return npos;
      bits = words_[--w];
    }
    return (w << 6) + 63 - static_cast<std::size_t>(std::countl_zero(bits));
  }
  // The k-th smallest set rank (k >= 1), by popcounts: used once per window fill.
  std::size_t kth(std::size_t k) const {
    for (std::size_t w = 0; w < words_.size(); ++w) {
      const auto c = static_cast<std::size_t>(std::popcount(words_[w]));
      if (k > c) {
        k -= c;
        continue;
      }
      std::uint64_t bits = words_[w];
      for (std::size_t i = 1; i < k; ++i) bits &= bits - 1;  // drop the k-1 lowest set bits
      return (w << 6) + static_cast<std::size_t>(std::countr_zero(bits));
    }
    return npos;
  }
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

 private:
  std::vector<std::uint64_t> words_;
};

// A finite double as an unsigned key in the same order (-0 as +0, so the two tie), sorted with
// the position it came from.
struct Keyed {
  std::uint64_t key;
  std::uint32_t index;
};

std::uint64_t order_key(double v) {
  const auto bits = std::bit_cast<std::uint64_t>(v == 0 ? 0.0 : v);
  constexpr std::uint64_t kSign = std::uint64_t{1} << 63;
  return bits & kSign ? ~bits : bits | kSign;
}

}  // namespace

std::vector<double> series_ranks(std::span<const double> x) {
  // A least-significant-digit radix sort of (key, position) in position order: stable, so equal
  // values keep their positions' order, the same ranks as a comparison sort of (value, position)
  // pairs in a fraction of its time (this sort was a sixth of a generation's profile). Digits of
  // 11 bits (a histogram fits the L1 cache); a digit every key shares (the exponent's high bits
  // of a volatility series) costs no pass.
  if (x.size() > std::numeric_limits<std::uint32_t>::max()) {
    throw std::invalid_argument("series_ranks: more than 2^32 values");
  }
  // The two sort buffers are kept per thread (they only grow, never written before use): fresh
  // megabytes per call cost more in page faults than the sort itself.
  thread_local std::vector<Keyed> buffer_a, buffer_b;
  std::span<Keyed> a = core::reused(buffer_a, x.size()), b = core::reused(buffer_b, x.size());
  std::size_t finite = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (std::isfinite(x[i])) a[finite++] = {order_key(x[i]), static_cast<std::uint32_t>(i)};
  }
  a = a.first(finite);
  b = b.first(finite);
  constexpr int kBits = 11, kPasses = (64 + kBits - 1) / kBits;
  constexpr std::size_t kBuckets = std::size_t{1} << kBits;
  std::vector<std::array<std::uint32_t, kBuckets>> counts(kPasses);
  for (auto& c : counts) c.fill(0);
  for (const auto& k : a) {
    for (int p = 0; p < kPasses; ++p) ++counts[p][(k.key >> (p * kBits)) & (kBuckets - 1)];
  }
  for (int p = 0; p < kPasses; ++p) {
    auto& c = counts[p];
    if (a.empty() || c[(a.front().key >> (p * kBits)) & (kBuckets - 1)] == a.size()) continue;
    std::uint32_t start = 0;
    for (auto& v : c) start += std::exchange(v, start);
    for (const auto& k : a) b[c[(k.key >> (p * kBits)) & (kBuckets - 1)]++] = k;
    std::swap(a, b);
  }
  std::vector<double> rank(x.size(), std::nan(""));
  for (std::size_t r = 0; r < a.size(); ++r) rank[a[r].index] = static_cast<double>(r);
  return rank;
}

std::vector<double> rolling_median(std::span<const double> x, std::span<const double> ranks, std::size_t window) {
  const std::size_t n = x.size();
  if (ranks.size() != n) throw std::invalid_argument("rolling_median: ranks must have the series' length");
  std::vector<double> out(n, std::nan(""));
  if (window == 0 || n == 0) return out;
  // Value of each rank, in a buffer kept per thread (only grown; every rank read is written
  // first): a fresh column per call costs more in page faults than the median itself.
  thread_local std::vector<double> by_rank_buffer;
  const std::span<double> by_rank = core::reused(by_rank_buffer, n);
  for (std::size_t i = 0; i < n; ++i) {
    if (std::isfinite(x[i])) by_rank[static_cast<std::size_t>(ranks[i])] = x[i];
  }
  const auto rank_at = [&](std::size_t i) { return static_cast<std::size_t>(ranks[i]); };
  RankSet present(n);
  const std::size_t k = (window - 1) / 2 + 1;  // 1-based position of the lower middle value
  std::size_t m = 0;                           // rank of the lower middle value, once full
  std::size_t below = 0;                       // window ranks < m (k - 1 after each bar)
  std::size_t run = 0;                         // consecutive finite values ending at i
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(x[i])) {
      for (std::size_t j = i - std::min(run, window); j < i; ++j) present.clear(rank_at(j));
      run = 0;
      continue;
    }
    const std::size_t r = rank_at(i);
    present.set(r);
    ++run;
    if (run < window) continue;
    if (run == window) {
      m = present.kth(k);
      below = k - 1;
    } else {
      if (r < m) ++below;
      const std::size_t q = rank_at(i - window);
      present.clear(q);
      if (q < m) {
        --below;
      } else if (q == m) {  // the middle left: its successor has the same count below it
        const std::size_t up = present.next(m);
        if (up != RankSet::npos) {
          m = up;
        } else {
          m = present.prev(m);
          --below;
        }
      }
      while (below > k - 1) {
        m = present.prev(m);
        --below;
      }
      while (below < k - 1) {
        m = present.next(m);
        ++below;
      }
    }
    const double lo = by_rank[m];
    out[i] = window % 2 ? lo : 0.5 * (lo + by_rank[present.next(m)]);
  }
  return out;
}

std::vector<double> rolling_median(std::span<const double> x, std::size_t window) {
  return rolling_median(x, series_ranks(x), window);
}

RollingMedian::RollingMedian(std::size_t window) : window_(window), ring_(window) { sorted_.reserve(window); }

double RollingMedian::update(double x) {
  if (window_ == 0) return std::nan("");
  if (!std::isfinite(x)) {  // restarts the window, as in the batch form
    sorted_.clear();
    run_ = 0;
    return std::nan("");
  }
  if (run_ == window_) {  // the value `window` bars back leaves (any equal value will do)
    sorted_.erase(std::lower_bound(sorted_.begin(), sorted_.end(), ring_[pos_]));
  } else {
    ++run_;
  }
  ring_[pos_] = x;
  if (++pos_ == window_) pos_ = 0;
  sorted_.insert(std::upper_bound(sorted_.begin(), sorted_.end(), x), x);
  if (run_ < window_) return std::nan("");
  // The batch form's lower middle value (1-based k = (window - 1) / 2 + 1) and, for an even
  // window, the mean of it and the next one, written as it writes it.
  const std::size_t k = (window_ - 1) / 2;
  const double lo = sorted_[k];
  return window_ % 2 ? lo : 0.5 * (lo + sorted_[k + 1]);
}

}  // namespace organism::indicators

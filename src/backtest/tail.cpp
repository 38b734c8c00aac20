#include "backtest/tail.hpp"

#include <algorithm>
#include <array>
#include <cstddef>

#include "backtest/compensated_sum.hpp"

namespace organism::backtest {
namespace {

// Below this size a full std::nth_element costs less than sampling and partitioning.
constexpr std::size_t kMinSampled = 16'384;
constexpr std::size_t kSampleSize = 2'048;

// numpy's _lerp: interpolates from the nearer end, so t = 0 gives a and t -> 1 gives b exactly.
double lerp(double a, double b, double t) {
  const double diff = b - a;
  return t >= 0.5 ? b - diff * (1.0 - t) : a + diff * t;
}

// Mean of the values <= q over v, plus `extra` copies of the value `extra_value` (<= q).
double tail_mean(std::span<const double> v, double q, std::size_t extra, double extra_value) {
  CompensatedSum sum;
  std::size_t count = extra;
  for (const double x : v) {
    const bool in = x <= q;  // about half the front: arithmetic, not a branch
    sum.add(static_cast<double>(in) * x);
    count += in;
  }
  sum.add(static_cast<double>(extra) * extra_value);
  return sum.value() / static_cast<double>(count);
}

LowerTail select_whole(std::span<double> v, std::size_t i, double frac) {
  const auto at = [&](std::size_t k) { return v.begin() + static_cast<std::ptrdiff_t>(k); };
  std::nth_element(v.begin(), at(i), v.end());
  const double lo = v[i];
  const double hi = frac > 0 ? *std::min_element(at(i + 1), v.end()) : lo;
  const double q = lerp(lo, hi, frac);
  return {q, tail_mean(v, q, 0, 0.0)};
}

// A threshold a little above the p-quantile, read from a strided sample: about 1.5 p of the
// values fall below it (7.5% for p = 5%, where the sample's own error is 0.6%, so the threshold
// lands below the true quantile and selection falls back to the whole sample about once in 10^5
// for returns in random order).
double sample_threshold(std::span<const double> v, double p) {
  std::array<double, kSampleSize> sample;
  const std::size_t stride = v.size() / kSampleSize;
  for (std::size_t k = 0; k < kSampleSize; ++k) sample[k] = v[k * stride];
  const auto pos = static_cast<std::size_t>(std::min(1.0, 1.5 * p) * (kSampleSize - 1));
  std::nth_element(sample.begin(), sample.begin() + static_cast<std::ptrdiff_t>(pos), sample.end());
  return sample[pos];
}

}  // namespace

LowerTail lower_tail(std::span<double> v, double p) {
  const std::size_t n = v.size();
  if (n == 0) return {};
  const double h = p * static_cast<double>(n - 1);
  const auto i = static_cast<std::size_t>(h);
  const double frac = h - static_cast<double>(i);
  if (n < kMinSampled || p > 0.25) return select_whole(v, i, frac);

  // Branch-free partition: values below t move to the front [0, below); values equal to t are
  // only counted, since they all share one value.
  const double t = sample_threshold(v, p);
  std::size_t below = 0, equal = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const double x = v[k];
    equal += x == t ? 1 : 0;
    v[k] = v[below];
    v[below] = x;
    below += x < t ? 1 : 0;
  }
  const std::size_t highest_needed = frac > 0 ? i + 1 : i;
  if (highest_needed >= below + equal) return select_whole(v, i, frac);  // threshold too low

  // x_(k) for k < below lies in the front; for below <= k < below + equal it is t.
  double lo = t, hi = t;
  if (i < below) {
    const auto front = v.first(below);
    std::nth_element(front.begin(), front.begin() + static_cast<std::ptrdiff_t>(i), front.end());
    lo = front[i];
    hi = lo;
    if (frac > 0 && i + 1 < below) {
      hi = *std::min_element(front.begin() + static_cast<std::ptrdiff_t>(i) + 1, front.end());
    } else if (frac > 0) {
      hi = t;  // x_(i) is the front's largest value; x_(i+1) is the first of the ties at t
    }
  }
  const double q = lerp(lo, hi, frac);  // q <= t: every value <= q is in the front or equals t
  return {q, tail_mean(v.first(below), q, q >= t ? equal : 0, t)};
}

}  // namespace organism::backtest

// Rolling-window building blocks with O(1) amortized work per bar: running sums, moments,
// sliding extremes, delay lines and the EMA / Wilder recurrences. Used by every indicator here.
#pragma once

#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <vector>

// The pattern every indicator follows: a streaming class whose update() is the one implementation,
// and batch functions that run that same update over a series. The batch functions are
// [[gnu::flatten]] so the update is inlined into their loop; the arithmetic, and so every bit of
// the result, is the same either way. (Log returns run update()'s two steps, ratio then ln, as
// two vectorized passes: the same operations on the same values.)
namespace organism::indicators {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
inline constexpr int kMaxPeriod = 10'000'000;

// Returns period as a size, or throws std::invalid_argument("<what>: period must be in
// 1..10000000") so every indicator validates its parameters once, at construction.
std::size_t checked_period(int period, const char* what);
// Throws std::invalid_argument unless `got` equals `want` (batch output spans must match input).
void check_same_size(std::size_t want, std::size_t got, const char* what);

// Sum of the last n values. The sum slides by `sum += x - oldest`, and is re-summed from the
// window each time the ring wraps (every n bars): the sliding error never builds up over a long
// series, and the cost stays O(1) amortized per bar.
class RollingSum {
 public:
  explicit RollingSum(std::size_t n) : buf_(n), n_(n) {}

  void push(double x) {
    if (full_) {
      const double old = buf_[pos_];
      sum_ += x - old;
    }
    buf_[pos_] = x;
    if (++pos_ == n_) {
      pos_ = 0;
      full_ = true;
      resum();
    }
  }
  bool full() const { return full_; }
  double sum() const { return sum_; }
  std::size_t size() const { return n_; }
  // The window in ring order (not chronological); valid once full().
  std::span<const double> window() const { return buf_; }

 private:
  // Chronological, one value after another: at a wrap the ring's slot 0 holds the oldest value,
  // so the first sum equals what Ema's seed and a hand computation give.
  void resum() {
    double s = 0.0;
    for (const double v : buf_) s += v;
    sum_ = s;
  }

  std::vector<double> buf_;
  std::size_t n_;
  std::size_t pos_ = 0;
  bool full_ = false;
  double sum_ = 0.0;
};

// Mean and population variance of the last n values. The mean is RollingSum's sum / n (so it
// equals Sma bit for bit); the sum of squared deviations slides with the exact update
// M2 += (x - old) * ((x - c_new) + (old - c_old)), c = sum * (1/n) (any centre consistent from one
// bar to the next works; a multiply keeps the divider free), and is recomputed by two passes at
// each wrap. A window whose n values are all equal is detected exactly (run length), and then the
// variance is exactly 0 rather than rounding noise, which would otherwise blow up a z-score.
class RollingMoments {
 public:
  explicit RollingMoments(std::size_t n)
      : buf_(n), n_(n), nd_(static_cast<double>(n)), inv_n_(1.0 / static_cast<double>(n)) {}

  void push(double x) {
    run_ = x == last_ ? (run_ < n_ ? run_ + 1 : n_) : 1;
    last_ = x;
    if (full_) {
      const double old = buf_[pos_];
      sum_ += x - old;
      const double centre = sum_ * inv_n_;
      m2_ += (x - old) * ((x - centre) + (old - centre_));
      centre_ = centre;
    }
    buf_[pos_] = x;
    if (++pos_ == n_) {
      pos_ = 0;
      full_ = true;
      recompute();
    }
  }
  bool full() const { return full_; }
  // True when the last n values are all equal.
  bool flat() const { return run_ >= n_; }
  double mean() const { return sum_ / nd_; }
  double variance() const {
    if (flat() || !(m2_ > 0.0)) return 0.0;  // rounding can leave M2 a hair below zero
    return m2_ * inv_n_;
  }
  double stddev() const { return std::sqrt(variance()); }

 private:
  void recompute() {
    double s = 0.0;
    for (const double v : buf_) s += v;
    sum_ = s;
    centre_ = s * inv_n_;
    double m2 = 0.0;
    for (const double v : buf_) m2 += (v - centre_) * (v - centre_);
    m2_ = m2;
  }

  std::vector<double> buf_;
  std::size_t n_;
  double nd_;
  double inv_n_;
  std::size_t pos_ = 0;
  bool full_ = false;
  double sum_ = 0.0;
  double centre_ = 0.0;
  double m2_ = 0.0;
  double last_ = kNaN;
  std::size_t run_ = 0;
};

// Maximum (kMax) or minimum of the last n values, by the van Herk / Gil-Werman scheme in
// streaming form: the window is the head of the current block of n bars (a running extreme)
// plus the tail of the previous block (suffix extremes computed once when that block closed).
// That is 3 comparisons per bar whatever the data, with no data-dependent loop; a monotonic
// deque is also O(1) amortized but its pop loop mispredicts on noisy prices.
template <bool kMax>
class RollingExtreme {
 public:
  explicit RollingExtreme(std::size_t n) : buf_(n), suffix_(n + 1, kIdentity), n_(n) {}

  void push(double x) {
    buf_[pos_] = x;
    head_ = better(x, head_) ? x : head_;
    const double tail = suffix_[pos_ + 1];
    value_ = better(tail, head_) ? tail : head_;
    if (++pos_ == n_) {
      pos_ = 0;
      full_ = true;
      double acc = kIdentity;
      for (std::size_t i = n_; i-- > 0;) {
        acc = better(buf_[i], acc) ? buf_[i] : acc;
        suffix_[i] = acc;
      }
      head_ = kIdentity;
    }
  }
  bool full() const { return full_; }
  // Extreme of the last n values; valid once full().
  double value() const { return value_; }

 private:
  static constexpr double kIdentity =
      kMax ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  static bool better(double a, double b) { return kMax ? a > b : a < b; }

  std::vector<double> buf_;
  std::vector<double> suffix_;  // suffix_[n] stays the identity: an empty tail
  std::size_t n_;
  std::size_t pos_ = 0;
  bool full_ = false;
  double head_ = kIdentity;
  double value_ = kIdentity;
};

using RollingMax = RollingExtreme<true>;
using RollingMin = RollingExtreme<false>;

// Returns the value pushed d pushes ago (NaN until there is one): shifts a series forward in time.
class DelayLine {
 public:
  explicit DelayLine(std::size_t d) : buf_(d, kNaN), d_(d) {}
  double push(double x) {
    if (d_ == 0) return x;
    const double out = buf_[pos_];
    buf_[pos_] = x;
    if (++pos_ == d_) pos_ = 0;
    return out;
  }

 private:
  std::vector<double> buf_;
  std::size_t d_;
  std::size_t pos_ = 0;
};

// TA-Lib's EMA: NaN for the first n-1 values, then the mean of the first n values (summed in
// order, like RollingSum), then ema += (x - ema) * 2/(n+1) written as TA-Lib writes it.
class EmaCore {
 public:
  explicit EmaCore(std::size_t n)
      : n_(n), nd_(static_cast<double>(n)), alpha_(2.0 / (static_cast<double>(n) + 1.0)) {}
  double update(double x) {
    if (count_ < n_) {
      sum_ += x;
      if (++count_ < n_) return kNaN;
      ema_ = sum_ / nd_;
      return ema_;
    }
    ema_ = ((x - ema_) * alpha_) + ema_;
    return ema_;
  }
  bool ready() const { return count_ >= n_; }

 private:
  std::size_t n_;
  double nd_;
  double alpha_;
  std::size_t count_ = 0;
  double sum_ = 0.0;
  double ema_ = kNaN;
};

// Wilder's smoothing (alpha = 1/n) as TA-Lib writes it for RSI and ATR: NaN for the first n-1
// values, then their simple mean, then avg = (avg * (n-1) + x) / n.
class WilderCore {
 public:
  explicit WilderCore(std::size_t n)
      : n_(n), nd_(static_cast<double>(n)), nm1_(static_cast<double>(n) - 1.0) {}
  double update(double x) {
    if (count_ < n_) {
      sum_ += x;
      if (++count_ < n_) return kNaN;
      avg_ = sum_ / nd_;
      return avg_;
    }
    avg_ = (avg_ * nm1_ + x) / nd_;
    return avg_;
  }
  bool ready() const { return count_ >= n_; }
  double value() const { return avg_; }

 private:
  std::size_t n_;
  double nd_;
  double nm1_;
  std::size_t count_ = 0;
  double sum_ = 0.0;
  double avg_ = kNaN;
};

}  // namespace organism::indicators

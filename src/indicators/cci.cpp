#include "indicators/cci.hpp"

#include <cstdint>
#include <cstring>

namespace organism::indicators {

namespace {

// The mean absolute deviation is the whole cost of CCI, so it is summed with explicit 4-wide
// vectors in two accumulators: the lane layout fixes the summation order, so every build of this
// loop (SSE2 pairs in the streaming update, AVX2 in the batch clone) adds the same numbers in the
// same order and batch and streaming agree bit for bit.
// Each update rewrites the whole aligned group of four slots holding the new value: a wide load
// over a narrower store still in flight cannot be forwarded and stalls for longer than the rest
// of the bar's work, while a same-size store forwards at once.
using V4 = double __attribute__((vector_size(32)));
using U4 = std::uint64_t __attribute__((vector_size(32)));

constexpr std::uint64_t kNoSign = 0x7fff'ffff'ffff'ffffULL;

inline void store_slot(double* base, std::size_t slot, double x) {
  double* q = base + (slot & ~std::size_t{3});
  V4 old;
  std::memcpy(&old, q, sizeof old);
  const std::uint64_t lane = slot & 3;
  const U4 lanes = {0, 1, 2, 3};
  const U4 wanted = {lane, lane, lane, lane};
  const U4 hit = reinterpret_cast<U4>(lanes == wanted);
  const V4 xs = {x, x, x, x};
  const V4 now =
      reinterpret_cast<V4>((reinterpret_cast<U4>(xs) & hit) | (reinterpret_cast<U4>(old) & ~hit));
  std::memcpy(q, &now, sizeof now);
}

// Sum of |v_i - m| over the first n slots.
inline double abs_dev_sum(const double* v, std::size_t n, double m) {
  const U4 no_sign = {kNoSign, kNoSign, kNoSign, kNoSign};
  const V4 mean = {m, m, m, m};
  V4 a0 = {0, 0, 0, 0};
  V4 a1 = a0;
  V4 x0, x1;
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::memcpy(&x0, v + i, sizeof x0);
    std::memcpy(&x1, v + i + 4, sizeof x1);
    a0 += reinterpret_cast<V4>(reinterpret_cast<U4>(x0 - mean) & no_sign);
    a1 += reinterpret_cast<V4>(reinterpret_cast<U4>(x1 - mean) & no_sign);
  }
  if (i + 4 <= n) {
    std::memcpy(&x0, v + i, sizeof x0);
    a0 += reinterpret_cast<V4>(reinterpret_cast<U4>(x0 - mean) & no_sign);
    i += 4;
  }
  double tail = 0.0;
  for (; i < n; ++i) tail += std::fabs(v[i] - m);
  const V4 s = a0 + a1;
  return ((s[0] + s[1]) + (s[2] + s[3])) + tail;
}

constexpr double kThird = 1.0 / 3.0;

}  // namespace

Cci::Cci(int period)
    : sum_(checked_period(period, "cci")),
      slots_((sum_.size() + 3) / 4 * 4, 0.0),  // whole groups of four
      inv_n_(1.0 / static_cast<double>(period)),
      scale_(0.015 / static_cast<double>(period)) {}

double Cci::update(double high, double low, double close) {
  const double tp = (high + low + close) * kThird;
  const std::size_t n = sum_.size();
  run_ = tp == last_ ? (run_ < n ? run_ + 1 : n) : 1;
  last_ = tp;
  sum_.push(tp);
  store_slot(slots_.data(), pos_, tp);
  if (++pos_ == n) pos_ = 0;
  if (!sum_.full()) return kNaN;
  if (run_ >= n) return 0.0;
  const double mean = sum_.sum() * inv_n_;
  const double dev = tp - mean;
  const double mad_sum = abs_dev_sum(slots_.data(), n, mean);
  if (dev == 0.0 || mad_sum == 0.0) return 0.0;
  // dev / (0.015 * mad_sum / n) with one division: this CPU's divider, not the arithmetic, bounds
  // CCI's speed.
  return dev / (mad_sum * scale_);
}

// On x86-64 the batch loop is cloned for AVX2 (picked at load time where the CPU has it): the same
// lane arithmetic, twice as wide per instruction, and so the same bits as the streaming update.
#if defined(__x86_64__)
[[gnu::flatten, gnu::target_clones("avx2", "default")]]
#else
[[gnu::flatten]]
#endif
void cci(const data::CandleView& bars, int period, std::span<double> out) {
  check_same_size(bars.size(), out.size(), "cci");
  Cci f(period);
  for (std::size_t i = 0; i < bars.size(); ++i) {
    out[i] = f.update(bars.high[i], bars.low[i], bars.close[i]);
  }
}

std::vector<double> cci(const data::CandleView& bars, int period) {
  std::vector<double> out(bars.size());
  cci(bars, period, out);
  return out;
}

}  // namespace organism::indicators

// ln() is fdlibm's __ieee754_log (FreeBSD msun e_log.c), written once over a scalar and a 4-lane
// vector type so both run the same IEEE operations in the same order:
//
// ====================================================
// Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
//
// Developed at SunSoft, a Sun Microsystems, Inc. business.
// Permission to use, copy, modify, and distribute this
// software is freely granted, provided that this notice
// is preserved.
// ====================================================
//
// Method: x = 2^k * (1 + f) with sqrt(2)/2 < 1 + f < sqrt(2); s = f / (2 + f);
// log(1 + f) = f - s * (f - R(z)) with z = s^2 and R a minimax polynomial (|error| < 2^-58.45);
// log(x) = k * ln2_hi + (log(1 + f) + k * ln2_lo). Error below 1 ulp.
// fdlibm's separate k == 0 branches are folded into the general formulas: with k = 0 they give
// the same IEEE results (0 - y == -y and -(a - b) == b - a exactly), so one branch-free sequence
// serves every lane.
#include "indicators/log_math.hpp"

#include <bit>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstring>

// Vector values only travel between always_inline helpers here, so no call ever passes one and
// the AVX-argument ABI (which differs between the AVX2 clone and the default build, the subject of
// GCC's -Wpsabi note) never applies; always_inline turns a failure to inline into a compile error
// rather than a silent ABI mismatch.
#pragma GCC diagnostic ignored "-Wpsabi"
#define ORGANISM_LANES_INLINE [[gnu::always_inline]] inline

namespace organism::indicators {

namespace {

using V4 = double __attribute__((vector_size(32)));
using U4 = std::uint64_t __attribute__((vector_size(32)));
using I4 = std::int64_t __attribute__((vector_size(32)));

ORGANISM_LANES_INLINE std::uint64_t bits(double x) { return std::bit_cast<std::uint64_t>(x); }
ORGANISM_LANES_INLINE U4 bits(const V4& x) { return reinterpret_cast<U4>(x); }
ORGANISM_LANES_INLINE double real(std::uint64_t u) { return std::bit_cast<double>(u); }
ORGANISM_LANES_INLINE V4 real(const U4& u) { return reinterpret_cast<V4>(u); }
ORGANISM_LANES_INLINE std::int64_t sign(std::uint64_t u) { return static_cast<std::int64_t>(u); }
ORGANISM_LANES_INLINE I4 sign(const U4& u) { return reinterpret_cast<I4>(u); }
ORGANISM_LANES_INLINE std::uint64_t unsign(std::int64_t i) { return static_cast<std::uint64_t>(i); }
ORGANISM_LANES_INLINE U4 unsign(const I4& i) { return reinterpret_cast<U4>(i); }

constexpr double kLn2Hi = 6.93147180369123816490e-01;  // 3fe62e42 fee00000
constexpr double kLn2Lo = 1.90821492927058770002e-10;  // 3dea39ef 35793c76
constexpr double kLg1 = 6.666666666666735130e-01;      // 3FE55555 55555593
constexpr double kLg2 = 3.999999999940941908e-01;      // 3FD99999 9997FA04
constexpr double kLg3 = 2.857142874366239149e-01;      // 3FD24924 94229359
constexpr double kLg4 = 2.222219843214978396e-01;      // 3FCC71C5 1D8E78AF
constexpr double kLg5 = 1.818357216161805012e-01;      // 3FC74664 96CB03DE
constexpr double kLg6 = 1.531383769920937332e-01;      // 3FC39A09 D078C69F
constexpr double kLg7 = 1.479819860511658591e-01;      // 3FC2F112 DF3E5244

// ln of positive, normal, finite x (every lane). D is double or V4; U and I the matching
// unsigned and signed 64-bit types. Comments give fdlibm's names.
template <class D, class U, class I>
ORGANISM_LANES_INLINE D log_normal(const D& x) {
  // Shifts are done unsigned (x > 0, so the sign bit is clear): AVX2 has no 64-bit arithmetic
  // right shift.
  const U u = bits(x);
  const I hx = sign((u >> 32) & 0x000fffffULL);  // high word's mantissa bits
  const I i = (hx + 0x95f64) & 0x100000;
  // Normalize x or x/2 so that 1 + f lies in [sqrt(2)/2, sqrt(2)).
  const D xn = real((unsign(hx | (i ^ 0x3ff00000)) << 32) | (u & 0xffffffffULL));
  const I k = sign(u >> 52) - 1023 + sign(unsign(i) >> 20);
  const D f = xn - 1.0;
  // dk = (double)k, exactly, by the 2^52 trick (no int64 -> double instruction below AVX-512).
  const D dk = real(unsign(k + 1024) | 0x4330000000000000ULL) - (4503599627370496.0 + 1024.0);

  // |f| < 2^-20: a short series.
  const D r_small = f * f * (0.5 - 0.33333333333333333 * f);
  const D small_zero = dk * kLn2Hi + dk * kLn2Lo;
  const D small = dk * kLn2Hi - ((r_small - dk * kLn2Lo) - f);

  const D s = f / (2.0 + f);
  const D z = s * s;
  const D w = z * z;
  const D t1 = w * (kLg2 + w * (kLg4 + w * kLg6));
  const D t2 = z * (kLg1 + w * (kLg3 + w * (kLg5 + w * kLg7)));
  const D r = t2 + t1;
  const D hfsq = 0.5 * f * f;
  const D far = dk * kLn2Hi - ((hfsq - (s * (hfsq + r) + dk * kLn2Lo)) - f);
  const D near = dk * kLn2Hi - ((s * (f - r) - dk * kLn2Lo) - f);

  const auto is_small = (0x000fffff & (2 + hx)) < 3;
  const auto is_far = ((hx - 0x6147a) | (0x6b851 - hx)) > 0;
  const D big = is_far ? far : near;
  const D tiny = f == 0.0 ? small_zero : small;
  return is_small ? tiny : big;
}

// Also always inlined, into the AVX2 clone too: called out of line from there, GCC (12) does not
// always clear the upper vector halves before the call, and the dirty state then slows down every
// SSE instruction that runs after ln_in_place returns (measured: 3x on the next indicator).
ORGANISM_LANES_INLINE double ln_scalar(double x) {
  if (!(x >= DBL_MIN && x <= DBL_MAX)) return std::log(x);
  return log_normal<double, std::uint64_t, std::int64_t>(x);
}

}  // namespace

double ln(double x) { return ln_scalar(x); }

#if defined(__x86_64__)
[[gnu::target_clones("avx2", "default")]]
#endif
void ln_in_place(std::span<double> v) {
  std::size_t i = 0;
  for (; i + 4 <= v.size(); i += 4) {
    V4 x;
    std::memcpy(&x, v.data() + i, sizeof x);
    const I4 ok = (x >= DBL_MIN) & (x <= DBL_MAX);  // false for NaN too
    if (ok[0] & ok[1] & ok[2] & ok[3]) {
      const V4 y = log_normal<V4, U4, I4>(x);
      std::memcpy(v.data() + i, &y, sizeof y);
    } else {
      for (std::size_t j = i; j < i + 4; ++j) v[j] = ln_scalar(v[j]);
    }
  }
  for (; i < v.size(); ++i) v[i] = ln_scalar(v[i]);
}

}  // namespace organism::indicators

// Seeded random streams: xoshiro256** generators derived from (seed, stream ids) by SplitMix64.
// Every stochastic part of organism takes one of these explicitly; there is no global generator.
#pragma once

#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <numbers>

namespace organism::core {

// SplitMix64 step: a strong 64-bit mixer, used to seed and to derive independent streams.
constexpr std::uint64_t splitmix64(std::uint64_t& state) {
  state += 0x9E3779B97F4A7C15ULL;
  std::uint64_t z = state;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// xoshiro256** (Blackman & Vigna). Distributions are written out here rather than taken from
// <random>, whose algorithms differ between standard libraries: one seed must give the same
// bytes everywhere.
class Rng {
 public:
  // A stream identified by a seed and any number of ids (e.g. {generation, individual}).
  explicit Rng(std::uint64_t seed, std::initializer_list<std::uint64_t> stream = {}) {
    std::uint64_t mix = seed;
    for (std::uint64_t id : stream) {
      std::uint64_t m = mix ^ (id * 0xD1B54A32D192ED03ULL);
      mix = splitmix64(m);
    }
    for (auto& word : s_) word = splitmix64(mix);
  }

  std::uint64_t next_u64() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // Uniform integer in [0, n), n > 0 (Lemire's multiply-shift; bias below 2^-64 * n).
  std::uint64_t below(std::uint64_t n) {
    __extension__ using Wide = unsigned __int128;  // GCC/Clang builtin; -Wpedantic rejects it bare
    return static_cast<std::uint64_t>((static_cast<Wide>(next_u64()) * n) >> 64);
  }
  bool bernoulli(double p) { return uniform() < p; }

  // Standard normal by Box-Muller; the second value of each pair is kept for the next call.
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u1 = uniform();
    while (u1 <= 0.0) u1 = uniform();
    const double u2 = uniform();
    const double r = std::sqrt(-2.0 * std::log(u1));
    const double theta = 2.0 * std::numbers::pi * u2;
    spare_ = r * std::sin(theta);
    has_spare_ = true;
    return r * std::cos(theta);
  }

  // Student-t with nu degrees of freedom, scaled to unit variance (nu > 2): fat tails with a
  // known scale. Built as normal / sqrt(chi2/nu), chi2 from a sum of nu squared normals when nu
  // is whole, which keeps it exact and simple.
  double student_t_unit(int nu) {
    const double z = normal();
    double chi2 = 0.0;
    for (int i = 0; i < nu; ++i) {
      const double g = normal();
      chi2 += g * g;
    }
    const double t = z / std::sqrt(chi2 / nu);
    return t * std::sqrt((nu - 2.0) / nu);
  }

  // Poisson-free exponential waiting time with the given rate.
  double exponential(double rate) {
    double u = uniform();
    while (u <= 0.0) u = uniform();
    return -std::log(u) / rate;
  }

 private:
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4]{};
  double spare_ = 0.0;
  bool has_spare_ = false;
};

}  // namespace organism::core

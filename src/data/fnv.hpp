// 64-bit FNV-1a, the data layer's one hash for checksums of stored rows: the series summaries
// (store_integrity.cpp) and the whole-table checksums `organism data migrate` compares
// (store_migrate.cpp). Not cryptographic: it catches damage and copying mistakes, not tampering
// by someone who wants to hide it.
#pragma once

#include <cstdint>
#include <string_view>

namespace organism::data {

class Fnv1a64 {
 public:
  static constexpr std::uint64_t kOffsetBasis = 14695981039346656037ULL;
  static constexpr std::uint64_t kPrime = 1099511628211ULL;

  explicit Fnv1a64(std::uint64_t state = kOffsetBasis) : hash_(state) {}

  void byte(std::uint8_t b) {
    hash_ ^= b;
    hash_ *= kPrime;
  }
  // The word's 8 bytes, least significant first (the same on every host).
  void word(std::uint64_t w) {
    for (int i = 0; i < 8; ++i) byte(static_cast<std::uint8_t>(w >> (8 * i)));
  }
  void bytes(std::string_view s) {
    for (const char c : s) byte(static_cast<std::uint8_t>(c));
  }
  std::uint64_t value() const { return hash_; }

 private:
  std::uint64_t hash_;
};

}  // namespace organism::data

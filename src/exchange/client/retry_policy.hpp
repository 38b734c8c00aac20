// When a failed REST call is tried again: exponential backoff with full jitter from a seeded
// stream (AWS's "full jitter": uniform in [0, min(cap, base·2^attempt)]). Used by InfoClient and
// ExchangeClient.
#pragma once

#include <algorithm>
#include <cstdint>

#include "core/random.hpp"
#include "core/time.hpp"

namespace organism::exchange::client {

struct RetryPolicy {
  int max_attempts = 8;          // the first try included
  core::TimeMs base_ms = 250;    // the first retry waits up to this
  core::TimeMs cap_ms = 20'000;  // no wait exceeds this
  // After a 429 the exchange's rolling minute is full (another process on this IP, or a budget
  // set too high): waits start from this base instead, so the retries span the minute.
  core::TimeMs rate_limited_base_ms = 2'000;
  std::uint64_t seed = 1;        // jitter stream: one seed, one sequence of waits
};

class Backoff {
 public:
  explicit Backoff(const RetryPolicy& policy) : policy_(policy), rng_(policy.seed, {0x6261636bULL}) {}

  // The wait before retry number `retry` (0 for the first retry).
  core::TimeMs delay(int retry, bool rate_limited = false) {
    const int shift = std::clamp(retry, 0, 30);
    const core::TimeMs base = rate_limited ? policy_.rate_limited_base_ms : policy_.base_ms;
    const double ceiling = static_cast<double>(std::min<core::TimeMs>(policy_.cap_ms, base << shift));
    return static_cast<core::TimeMs>(rng_.uniform() * ceiling);
  }

 private:
  RetryPolicy policy_;
  core::Rng rng_;
};

}  // namespace organism::exchange::client

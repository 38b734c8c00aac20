// Nonces for signed actions (PROTOCOL §8): millisecond timestamps, strictly increasing, one per
// action. Used by ExchangeClient; one source per signing key, shared by everything that signs with
// it.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>

#include "core/time.hpp"

namespace organism::exchange::client {

class NonceSource {
 public:
  using Clock = std::function<core::TimeMs()>;
  // `clock` empty: the wall clock (the exchange wants nonces within (T - 2 days, T + 1 day)).
  explicit NonceSource(Clock clock = {});

  // max(now, previous + 1): the clock's ms while it moves, bumped by one when two actions are
  // signed in the same ms (or the clock steps back), so no nonce is ever used twice.
  std::uint64_t next();

 private:
  Clock clock_;
  std::mutex mutex_;  // the order manager and a cancel-all on shutdown may sign from two threads
  std::uint64_t last_ = 0;
};

}  // namespace organism::exchange::client

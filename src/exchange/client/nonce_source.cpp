#include "exchange/client/nonce_source.hpp"

#include <algorithm>
#include <chrono>

namespace organism::exchange::client {

NonceSource::NonceSource(Clock clock) : clock_(std::move(clock)) {
  if (!clock_) {
    clock_ = [] {
      return static_cast<core::TimeMs>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                           std::chrono::system_clock::now().time_since_epoch())
                                           .count());
    };
  }
}

std::uint64_t NonceSource::next() {
  const core::TimeMs now = clock_();
  const std::lock_guard lock(mutex_);
  last_ = std::max(static_cast<std::uint64_t>(std::max<core::TimeMs>(now, 0)), last_ + 1);
  return last_;
}

}  // namespace organism::exchange::client

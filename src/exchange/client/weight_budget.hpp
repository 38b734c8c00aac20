// The client side of the exchange's REST limit (PROTOCOL §10: weight 1200 per rolling minute per
// IP): every REST call of the process waits here until its weight fits. Shared by InfoClient and
// ExchangeClient through one shared_ptr per process.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string_view>
#include <utility>

#include "core/clock.hpp"
#include "core/rolling_window.hpp"
#include "exchange/hyperliquid/rate_limits.hpp"

namespace organism::exchange::client {

using core::TimeMs;

// The weights themselves are the protocol's table (exchange/hyperliquid/rate_limits.hpp).
using hl::exchange_weight;
using hl::info_extra_weight;
using hl::info_weight;

// A token bucket would admit a full bucket plus a minute of refill, twice the budget, inside one
// rolling minute, and the exchange counts a rolling minute: so this keeps the same window as
// the exchange and admits a call only while the weight of the calls in the last minute, plus
// its own, fits the budget. A call's weight counts from when its reply arrived (the exchange
// charges it at arrival), and the window is kept `margin_ms` longer than a minute, so that
// network jitter and the two clocks' rates cannot end the client's window before the server's.
class WeightBudget {
 public:
  using Sleep = std::function<void(TimeMs)>;
  static constexpr TimeMs kDefaultMarginMs = 500;
  WeightBudget(std::int64_t weight_per_minute, const core::Clock& clock, Sleep sleep,
               TimeMs margin_ms = kDefaultMarginMs);
  // A monotonic clock (a rolling window must not jump with the wall clock) and real sleeping.
  static std::shared_ptr<WeightBudget> make(std::int64_t weight_per_minute = 1200);

  // Blocks (sleeps) until `weight` fits, then holds it as in flight. Thread-safe.
  void acquire(std::int64_t weight);
  // The call holding `held` got its reply (or failed): it counts from now, plus `extra`.
  void settle(std::int64_t held, std::int64_t extra);
  std::int64_t used();  // weight within the last minute, in flight included
  std::int64_t capacity() const { return capacity_; }
  TimeMs waited_ms() const { return waited_ms_; }

 private:
  std::int64_t capacity_;
  const core::Clock& clock_;
  Sleep sleep_;
  std::mutex mutex_;
  core::RollingWindow spent_;  // weight by reply time
  std::int64_t in_flight_ = 0;
  TimeMs waited_ms_ = 0;
};

}  // namespace organism::exchange::client

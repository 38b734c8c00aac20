#include "exchange/client/weight_budget.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>

namespace organism::exchange::client {

namespace {

class SteadyClock final : public core::Clock {
 public:
  TimeMs now() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
};

}  // namespace

WeightBudget::WeightBudget(std::int64_t weight_per_minute, const core::Clock& clock, Sleep sleep, TimeMs margin_ms)
    : capacity_(weight_per_minute), clock_(clock), sleep_(std::move(sleep)), spent_(core::kMinuteMs + margin_ms) {
  if (capacity_ <= 0) throw std::invalid_argument("WeightBudget: weight per minute must be positive");
}

std::shared_ptr<WeightBudget> WeightBudget::make(std::int64_t weight_per_minute) {
  static const SteadyClock steady;  // stateless: reading it is all any budget does
  return std::make_shared<WeightBudget>(weight_per_minute, steady, [](TimeMs ms) {
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  });
}

void WeightBudget::acquire(std::int64_t weight) {
  // A call heavier than the whole budget could never fit: let it through on an empty window.
  const std::int64_t need = std::min(weight, capacity_);
  for (;;) {
    TimeMs wait = 0;
    {
      std::lock_guard lock(mutex_);
      const TimeMs now = clock_.now();
      if (spent_.total(now) + in_flight_ + need <= capacity_) {
        in_flight_ += weight;
        return;
      }
      // Until the oldest entry leaves the window (or, with only calls in flight, a short nap).
      wait = spent_.empty() ? 10 : std::max<TimeMs>(1, spent_.oldest_leaves_at() - now + 1);
      waited_ms_ += wait;
    }
    sleep_(wait);
  }
}

void WeightBudget::settle(std::int64_t held, std::int64_t extra) {
  std::lock_guard lock(mutex_);
  in_flight_ -= held;
  spent_.add(clock_.now(), held + extra);
}

std::int64_t WeightBudget::used() {
  std::lock_guard lock(mutex_);
  return spent_.total(clock_.now()) + in_flight_;
}

}  // namespace organism::exchange::client

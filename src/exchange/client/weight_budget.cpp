#include "exchange/client/weight_budget.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>

namespace organism::exchange::client {

int info_weight(std::string_view type) {
  if (type == "l2Book" || type == "allMids" || type == "clearinghouseState" || type == "orderStatus" ||
      type == "spotClearinghouseState" || type == "exchangeStatus") {
    return 2;
  }
  if (type == "userRole") return 60;
  return 20;
}

int info_extra_weight(std::string_view type, std::size_t items) {
  const auto n = static_cast<int>(std::min<std::size_t>(items, 1'000'000));
  if (type == "candleSnapshot") return n / 60;
  if (type == "recentTrades" || type == "historicalOrders" || type == "userFills" || type == "userFillsByTime" ||
      type == "fundingHistory" || type == "userFunding" || type == "nonUserFundingUpdates") {
    return n / 20;
  }
  return 0;
}

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
    : capacity_(weight_per_minute), window_ms_(core::kMinuteMs + margin_ms), clock_(clock), sleep_(std::move(sleep)) {
  if (capacity_ <= 0) throw std::invalid_argument("WeightBudget: weight per minute must be positive");
}

std::shared_ptr<WeightBudget> WeightBudget::make(std::int64_t weight_per_minute) {
  static const SteadyClock steady;  // stateless: reading it is all any budget does
  return std::make_shared<WeightBudget>(weight_per_minute, steady, [](TimeMs ms) {
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  });
}

void WeightBudget::expire(TimeMs now) {
  while (!spent_.empty() && spent_.front().first <= now - window_ms_) {
    spent_total_ -= spent_.front().second;
    spent_.pop_front();
  }
}

void WeightBudget::acquire(std::int64_t weight) {
  // A call heavier than the whole budget could never fit: let it through on an empty window.
  const std::int64_t need = std::min(weight, capacity_);
  for (;;) {
    TimeMs wait = 0;
    {
      std::lock_guard lock(mutex_);
      const TimeMs now = clock_.now();
      expire(now);
      if (spent_total_ + in_flight_ + need <= capacity_) {
        in_flight_ += weight;
        return;
      }
      // Until the oldest entry leaves the window (or, with only calls in flight, a short nap).
      wait = spent_.empty() ? 10 : std::max<TimeMs>(1, spent_.front().first + window_ms_ - now + 1);
      waited_ms_ += wait;
    }
    sleep_(wait);
  }
}

void WeightBudget::settle(std::int64_t held, std::int64_t extra) {
  std::lock_guard lock(mutex_);
  in_flight_ -= held;
  const TimeMs now = clock_.now();
  spent_.emplace_back(now, held + extra);
  spent_total_ += held + extra;
  expire(now);
}

std::int64_t WeightBudget::used() {
  std::lock_guard lock(mutex_);
  expire(clock_.now());
  return spent_total_ + in_flight_;
}

}  // namespace organism::exchange::client

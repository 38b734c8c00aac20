#include "exchange/sim_server/rate_limit.hpp"

namespace organism::exchange::sim_server {

void SlidingWindowLimit::expire(Window& window, TimeMs now) const {
  while (!window.entries.empty() && window.entries.front().first <= now - window_ms_) {
    window.total -= window.entries.front().second;
    window.entries.pop_front();
  }
}

std::int64_t SlidingWindowLimit::used(const std::string& key, TimeMs now) {
  auto it = windows_.find(key);
  if (it == windows_.end()) return 0;
  expire(it->second, now);
  if (it->second.entries.empty()) {
    windows_.erase(it);  // keeps the map from growing with every client ever seen
    return 0;
  }
  return it->second.total;
}

void SlidingWindowLimit::charge(const std::string& key, std::int64_t units, TimeMs now) {
  if (units <= 0) return;
  Window& window = windows_[key];
  expire(window, now);
  if (!window.entries.empty() && window.entries.back().first == now) {
    window.entries.back().second += units;
  } else {
    window.entries.emplace_back(now, units);
  }
  window.total += units;
}

}  // namespace organism::exchange::sim_server

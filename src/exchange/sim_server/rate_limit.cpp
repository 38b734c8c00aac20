#include "exchange/sim_server/rate_limit.hpp"

namespace organism::exchange::sim_server {

std::int64_t SlidingWindowLimit::used(const std::string& key, TimeMs now) {
  auto it = windows_.find(key);
  if (it == windows_.end()) return 0;
  const std::int64_t total = it->second.total(now);
  if (it->second.empty()) {
    windows_.erase(it);  // keeps the map from growing with every client ever seen
    return 0;
  }
  return total;
}

void SlidingWindowLimit::charge(const std::string& key, std::int64_t units, TimeMs now) {
  if (units <= 0) return;
  windows_.try_emplace(key, window_ms_).first->second.add(now, units);
}

}  // namespace organism::exchange::sim_server

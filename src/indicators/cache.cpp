#include "indicators/cache.hpp"

namespace organism::indicators {

namespace {
// Bookkeeping per entry (list and map nodes, key, control block), so many tiny columns still
// count against the budget.
constexpr std::size_t kEntryOverhead = 256;

std::size_t entry_bytes(const CacheKey& key, const std::vector<double>& values) {
  return values.size() * sizeof(double) + key.series.size() + key.column.base.size() +
         key.column.params.size() * sizeof(double) + kEntryOverhead;
}
}  // namespace

IndicatorCache::IndicatorCache(std::size_t capacity_bytes) : capacity_(capacity_bytes) {}

SharedColumn IndicatorCache::get_or_compute(const CacheKey& key,
                                            const std::function<std::vector<double>()>& compute) {
  std::unique_lock lock(mutex_);
  if (const auto it = index_.find(key); it != index_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second);
    ++counts_.hits;
    return it->second->value;
  }
  if (const auto p = pending_.find(key); p != pending_.end()) {
    std::shared_future<SharedColumn> running = p->second;
    ++counts_.hits;
    lock.unlock();
    return running.get();  // rethrows the computing thread's exception
  }
  std::promise<SharedColumn> promise;
  pending_.emplace(key, promise.get_future().share());
  ++counts_.misses;
  lock.unlock();

  SharedColumn value;
  try {
    value = std::make_shared<const std::vector<double>>(compute());
  } catch (...) {
    lock.lock();
    pending_.erase(key);
    lock.unlock();
    promise.set_exception(std::current_exception());
    throw;
  }
  lock.lock();
  pending_.erase(key);
  insert_locked(key, value);
  lock.unlock();
  promise.set_value(value);
  return value;
}

SharedColumn IndicatorCache::find(const CacheKey& key) {
  std::lock_guard lock(mutex_);
  const auto it = index_.find(key);
  if (it == index_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second);
  ++counts_.hits;
  return it->second->value;
}

void IndicatorCache::insert_locked(const CacheKey& key, SharedColumn value) {
  const std::size_t bytes = entry_bytes(key, *value);
  if (bytes > capacity_) return;
  lru_.push_front(Entry{key, std::move(value), bytes});
  index_.emplace(key, lru_.begin());
  bytes_ += bytes;
  while (bytes_ > capacity_) {
    const Entry& last = lru_.back();
    bytes_ -= last.bytes;
    index_.erase(last.key);
    lru_.pop_back();
    ++counts_.evictions;
  }
}

void IndicatorCache::clear() {
  std::lock_guard lock(mutex_);
  index_.clear();
  lru_.clear();
  bytes_ = 0;
}

CacheStats IndicatorCache::stats() const {
  std::lock_guard lock(mutex_);
  CacheStats s = counts_;
  s.entries = lru_.size();
  s.bytes = bytes_;
  s.capacity = capacity_;
  return s;
}

}  // namespace organism::indicators

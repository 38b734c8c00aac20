#include "indicators/cache.hpp"

#include <algorithm>
#include <charconv>
#include <utility>

namespace organism::indicators {

namespace {
// What the allocator adds to each allocation (glibc: an 8-byte header, rounded to 16).
constexpr std::size_t kAllocation = 16;
// A red-black tree node's header (colour, parent, left, right) before its value.
constexpr std::size_t kTreeNode = 32;
// The shared state of a std::promise/shared_future pair beyond its stored value.
constexpr std::size_t kFutureState = 48;

std::size_t heap_of(const std::string& s) {
  return s.size() > 15 ? s.size() + 1 + kAllocation : 0;  // libstdc++ keeps 15 chars inline
}

// The heap parts of one copy of a key: the series and base names when longer than the inline
// buffer, and the parameters.
std::size_t key_heap(const CacheKey& key) {
  const auto& params = key.column.params;
  return heap_of(key.series) + heap_of(key.column.base) +
         (params.empty() ? 0 : params.size() * sizeof(double) + kAllocation);
}

// Bytes one held entry costs: its values (by capacity, what was allocated), the make_shared
// block holding the vector, the list node (key, value pointer, size, two links) and the map node
// (another key copy and the list iterator), each key copy's heap parts, and every allocation's
// overhead. Counted from the real types, so many tiny columns count what they really cost.
std::size_t entry_bytes(const CacheKey& key, std::size_t values) {
  const std::size_t data = values == 0 ? 0 : values * sizeof(double) + kAllocation;
  const std::size_t block = 2 * sizeof(long) + sizeof(void*) + sizeof(std::vector<double>) + kAllocation;
  const std::size_t list_node =
      sizeof(CacheKey) + sizeof(SharedColumn) + sizeof(std::size_t) + 2 * sizeof(void*) + kAllocation;
  const std::size_t map_node = sizeof(CacheKey) + sizeof(void*) + kTreeNode + kAllocation;
  return data + block + list_node + map_node + 2 * key_heap(key);
}

// Values of the column a key names, known before computing it: the N of the "#N" that
// indicator_set's series_id() ends a series with (every cached column is one value per bar).
// 0 when the series has no such suffix.
std::size_t expected_values(const CacheKey& key) {
  const auto hash = key.series.rfind('#');
  if (hash == std::string::npos) return 0;
  std::size_t n = 0;
  const char* first = key.series.data() + hash + 1;
  const char* last = key.series.data() + key.series.size();
  const auto [end, ec] = std::from_chars(first, last, n);
  return ec == std::errc() && end == last ? n : 0;
}

// Reserved while a column is computed: the entry it will become plus the pending map's node
// (a third key copy and the future's shared state).
std::size_t pending_bytes(const CacheKey& key) {
  return entry_bytes(key, expected_values(key)) + sizeof(CacheKey) + kTreeNode + kAllocation + key_heap(key) +
         sizeof(std::shared_future<SharedColumn>) + kFutureState + kAllocation;
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
    std::shared_future<SharedColumn> running = p->second.result;
    ++counts_.hits;
    lock.unlock();
    return running.get();  // rethrows the computing thread's exception
  }
  std::promise<SharedColumn> promise;
  // A column that will not be kept (larger than the whole cache) is its reader's memory alone.
  std::size_t reserved = pending_bytes(key);
  if (reserved > capacity_) reserved = 0;
  pending_.emplace(key, Pending{promise.get_future().share(), reserved});
  pending_bytes_ += reserved;
  bytes_ += reserved;
  evict_locked();  // room for the column before it exists, so held + computing stays bounded
  ++counts_.misses;
  lock.unlock();

  const auto release = [&] {
    pending_bytes_ -= reserved;
    bytes_ -= reserved;
    pending_.erase(key);
  };
  SharedColumn value;
  try {
    std::vector<double> values = compute();
    // Counted by capacity; a computation that over-allocated gives the slack back here.
    if (values.capacity() != values.size()) values.shrink_to_fit();
    value = std::make_shared<const std::vector<double>>(std::move(values));
  } catch (...) {
    lock.lock();
    release();
    lock.unlock();
    promise.set_exception(std::current_exception());
    throw;
  }
  lock.lock();
  release();
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
  const std::size_t bytes = entry_bytes(key, value->capacity());
  if (bytes > capacity_) return;
  lru_.push_front(Entry{key, std::move(value), bytes});
  index_.emplace(key, lru_.begin());
  bytes_ += bytes;
  evict_locked();
}

void IndicatorCache::evict_locked() {
  while (bytes_ > capacity_ && !lru_.empty()) {
    const Entry& last = lru_.back();
    bytes_ -= last.bytes;
    index_.erase(last.key);
    lru_.pop_back();
    ++counts_.evictions;
  }
  counts_.high_water = std::max(counts_.high_water, bytes_);
}

void IndicatorCache::clear() {
  std::lock_guard lock(mutex_);
  index_.clear();
  lru_.clear();
  bytes_ = pending_bytes_;  // computations under way keep their reservations
}

CacheStats IndicatorCache::stats() const {
  std::lock_guard lock(mutex_);
  CacheStats s = counts_;
  s.entries = lru_.size();
  s.bytes = bytes_;
  s.pending = pending_bytes_;
  s.capacity = capacity_;
  return s;
}

}  // namespace organism::indicators

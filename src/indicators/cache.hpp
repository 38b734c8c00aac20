// A memory-bounded, thread-safe cache of computed indicator columns keyed by (series, indicator,
// parameters), so many strategies evaluated on one series share one computation. Used by the
// backtest and evolution layers, usually through indicator_set's cached_column().
#pragma once

#include <cstddef>
#include <functional>
#include <future>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "indicators/column_spec.hpp"

namespace organism::indicators {

// Readers hold the column through the shared_ptr: eviction drops the cache's reference only, so
// data stays alive as long as someone reads it.
using SharedColumn = std::shared_ptr<const std::vector<double>>;

struct CacheKey {
  std::string series;  // identifies the input data exactly (see indicator_set's series_id)
  ColumnSpec column;   // indicator and parameters
  auto operator<=>(const CacheKey&) const = default;
};

struct CacheStats {
  std::size_t hits = 0;       // served from memory, or from a computation already under way
  std::size_t misses = 0;     // computed
  std::size_t evictions = 0;  // entries dropped to stay within capacity
  std::size_t entries = 0;
  std::size_t bytes = 0;       // held entries plus the reservations of computations under way
  std::size_t pending = 0;     // of which reserved for computations under way
  std::size_t high_water = 0;  // the most `bytes` has been since construction (clear() keeps it)
  std::size_t capacity = 0;
};

// Least-recently-used eviction by bytes: each entry counts its values by capacity plus its real
// bookkeeping (list and map nodes, key copies and their heap parts, the shared_ptr block). A
// computation under way reserves its column's bytes before it starts, evicting to make room, so
// held plus computing stays within capacity; the column's length is read from the "#N" suffix
// that indicator_set's series_id() ends a series with (no suffix: nothing reserved, and the
// column is counted when it lands). A column larger than the whole capacity is computed and
// returned but not kept. Columns a reader still holds after eviction are the reader's memory,
// not the cache's (docs: the memory formula counts them per thread).
class IndicatorCache {
 public:
  explicit IndicatorCache(std::size_t capacity_bytes);
  IndicatorCache(const IndicatorCache&) = delete;
  IndicatorCache& operator=(const IndicatorCache&) = delete;

  // The cached column, or compute() run once, outside the lock: concurrent callers asking for the
  // same key wait for that one computation instead of repeating it. If compute throws, every
  // waiter gets the exception and nothing is cached.
  SharedColumn get_or_compute(const CacheKey& key,
                              const std::function<std::vector<double>()>& compute);
  // The cached column or nullptr; a hit counts as a use.
  SharedColumn find(const CacheKey& key);
  void clear();
  CacheStats stats() const;

 private:
  struct Entry {
    CacheKey key;
    SharedColumn value;
    std::size_t bytes;
  };
  struct Pending {
    std::shared_future<SharedColumn> result;
    std::size_t reserved;  // bytes counted in bytes_ until the column lands
  };
  void insert_locked(const CacheKey& key, SharedColumn value);
  // Evicts least recently used entries until bytes_ <= capacity_ (or none is left), then records
  // the high-water mark.
  void evict_locked();

  mutable std::mutex mutex_;
  std::size_t capacity_;
  std::size_t bytes_ = 0;
  std::list<Entry> lru_;  // most recently used first
  std::map<CacheKey, std::list<Entry>::iterator> index_;
  std::map<CacheKey, Pending> pending_;
  std::size_t pending_bytes_ = 0;
  CacheStats counts_;
};

}  // namespace organism::indicators

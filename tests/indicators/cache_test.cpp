#include "indicators/cache.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <stdexcept>
#include <thread>

namespace organism::indicators {
namespace {

CacheKey key(const std::string& series, double period) { return {series, {"ema", {period}}}; }

std::function<std::vector<double>()> make(std::size_t n, double fill, int* calls = nullptr) {
  return [=] {
    if (calls) ++*calls;
    return std::vector<double>(n, fill);
  };
}

TEST(IndicatorCache, ComputesOnceThenHits) {
  IndicatorCache cache(1 << 20);
  int calls = 0;
  const auto a = cache.get_or_compute(key("s", 5), make(100, 1.5, &calls));
  const auto b = cache.get_or_compute(key("s", 5), make(100, 9.0, &calls));
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(a.get(), b.get());
  EXPECT_EQ((*b)[0], 1.5);
  cache.get_or_compute(key("t", 5), make(100, 2.0, &calls));  // another series: another entry
  cache.get_or_compute(key("s", 6), make(100, 2.0, &calls));  // another parameter: another entry
  EXPECT_EQ(calls, 3);
  const auto st = cache.stats();
  EXPECT_EQ(st.hits, 1u);
  EXPECT_EQ(st.misses, 3u);
  EXPECT_EQ(st.entries, 3u);
}

TEST(IndicatorCache, EvictsLeastRecentlyUsedByBytesAndReadersKeepData) {
  // Each entry is 1000 doubles (8000 bytes) plus overhead; room for two.
  IndicatorCache cache(2 * 8000 + 2 * 600);
  const auto first = cache.get_or_compute(key("s", 1), make(1000, 1.0));
  cache.get_or_compute(key("s", 2), make(1000, 2.0));
  EXPECT_NE(cache.find(key("s", 1)), nullptr);         // 1 is now the most recent
  cache.get_or_compute(key("s", 3), make(1000, 3.0));  // evicts 2, the least recent
  EXPECT_NE(cache.find(key("s", 1)), nullptr);
  EXPECT_EQ(cache.find(key("s", 2)), nullptr);
  EXPECT_NE(cache.find(key("s", 3)), nullptr);
  const auto st = cache.stats();
  EXPECT_EQ(st.evictions, 1u);
  EXPECT_LE(st.bytes, st.capacity);
  cache.clear();
  EXPECT_EQ(cache.find(key("s", 1)), nullptr);
  EXPECT_EQ((*first)[999], 1.0);  // the reader's copy outlived eviction and clear()
}

TEST(IndicatorCache, TooLargeColumnIsReturnedButNotKept) {
  IndicatorCache cache(1000);
  const auto big = cache.get_or_compute(key("s", 1), make(10'000, 4.0));
  EXPECT_EQ(big->size(), 10'000u);
  EXPECT_EQ(cache.find(key("s", 1)), nullptr);
  EXPECT_EQ(cache.stats().bytes, 0u);
}

TEST(IndicatorCache, ConcurrentRequestsShareOneComputation) {
  IndicatorCache cache(1 << 24);
  std::atomic<int> calls{0};
  std::vector<std::thread> threads;
  std::vector<SharedColumn> got(8);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      got[t] = cache.get_or_compute(key("s", 14), [&] {
        ++calls;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        return std::vector<double>(1000, 7.0);
      });
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(calls.load(), 1);
  for (const auto& g : got) EXPECT_EQ(g.get(), got[0].get());
}

TEST(IndicatorCache, FailedComputationPropagatesAndCachesNothing) {
  IndicatorCache cache(1 << 20);
  EXPECT_THROW(cache.get_or_compute(
                   key("s", 1), []() -> std::vector<double> { throw std::runtime_error("boom"); }),
               std::runtime_error);
  int calls = 0;
  cache.get_or_compute(key("s", 1), make(10, 1.0, &calls));
  EXPECT_EQ(calls, 1);  // retried, not poisoned
}

TEST(IndicatorCache, ManyThreadsManyKeysStayWithinBudget) {
  IndicatorCache cache(50 * 8000);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) {
        const double p = (i * 7 + t) % 120;
        const auto col = cache.get_or_compute(key("s", p), make(1000, p));
        ASSERT_EQ((*col)[500], p);
      }
    });
  }
  for (auto& th : threads) th.join();
  const auto st = cache.stats();
  EXPECT_LE(st.bytes, st.capacity);
  EXPECT_GT(st.evictions, 0u);
}

TEST(IndicatorCache, ComputingColumnReservesItsBytesFirst) {
  // "#1000" names the column's length (indicator_set's series_id): room for three held columns.
  const auto k = [](double p) { return CacheKey{"s#1000", {"ema", {p}}}; };
  IndicatorCache cache(3 * 8000 + 3 * 1000);
  for (int p = 1; p <= 3; ++p) cache.get_or_compute(k(p), make(1000, p));
  EXPECT_EQ(cache.stats().entries, 3u);
  std::promise<void> started, go;
  std::thread computing([&] {
    cache.get_or_compute(k(4), [&] {
      started.set_value();
      go.get_future().wait();
      return std::vector<double>(1000, 4.0);
    });
  });
  started.get_future().wait();
  const auto during = cache.stats();
  EXPECT_GT(during.pending, 8000u);
  EXPECT_EQ(during.entries, 2u);  // the least recent made room before the column existed
  EXPECT_LE(during.bytes, during.capacity);
  go.set_value();
  computing.join();
  const auto after = cache.stats();
  EXPECT_EQ(after.pending, 0u);
  EXPECT_EQ(after.entries, 3u);
  EXPECT_LE(after.high_water, after.capacity);
  EXPECT_GE(after.high_water, during.bytes);
}

TEST(IndicatorCache, CountsAllocatedValuesNotOnlyUsedOnes) {
  IndicatorCache cache(1 << 20);
  const auto col = cache.get_or_compute(key("s", 1), [] {
    std::vector<double> v;
    v.reserve(100'000);  // a computation that over-allocated
    v.assign(10, 1.0);
    return v;
  });
  EXPECT_EQ(col->capacity(), 10u);  // the slack was given back before the column was kept
  EXPECT_LT(cache.stats().bytes, 1000u);
}

}  // namespace
}  // namespace organism::indicators

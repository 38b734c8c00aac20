// Test-only helpers for the indicators tests: bitwise NaN-aware comparison, small hand-made candle
// series, and loaders for the real CSV files in ../shared/data.
#pragma once

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "data/series.hpp"

namespace organism::indicators::test {

// Same bits, or both NaN (any NaN payload): what "streaming equals batch" means here.
inline bool same(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

// Index of the first mismatch, or -1 when the two series agree bit for bit.
inline long first_mismatch(std::span<const double> a, std::span<const double> b) {
  if (a.size() != b.size()) return 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!same(a[i], b[i])) return static_cast<long>(i);
  }
  return -1;
}

#define EXPECT_SAME_SERIES(a, b, what)                                       \
  do {                                                                       \
    const long at_ = ::organism::indicators::test::first_mismatch((a), (b)); \
    EXPECT_EQ(at_, -1) << (what) << " differs at index " << at_;             \
  } while (0)

inline bool all_nan(std::span<const double> v) {
  for (const double x : v) {
    if (!std::isnan(x)) return false;
  }
  return true;
}

// Candles from columns; open defaults to the previous close, volume to 1, times to hourly bars.
inline data::Candles make_candles(const std::vector<double>& high, const std::vector<double>& low,
                                  const std::vector<double>& close, std::vector<double> volume = {},
                                  std::vector<std::int64_t> time = {}) {
  data::Candles c;
  for (std::size_t i = 0; i < close.size(); ++i) {
    data::Bar b;
    b.time = time.empty() ? static_cast<std::int64_t>(i) * 3'600'000 : time[i];
    b.open = i == 0 ? close[0] : close[i - 1];
    b.high = high[i];
    b.low = low[i];
    b.close = close[i];
    b.volume = volume.empty() ? 1.0 : volume[i];
    c.push_back(b);
  }
  return c;
}

// ../shared/data/<relative> parsed (header time,open,high,low,close,volume), or nullopt when the
// shared folder is absent.
std::optional<data::Candles> load_shared_candles(const std::string& relative);
// ../shared/data/<relative> (header time,rate), or nullopt when the shared folder is absent.
std::optional<data::FundingSeries> load_shared_funding(const std::string& relative);

}  // namespace organism::indicators::test

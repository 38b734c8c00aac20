// In-memory market series: columnar candles per (venue, coin, interval), funding and sentiment.
// Produced by the store, importers, resampler and synthetic market; read by every computing layer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/time.hpp"

namespace organism::data {

using core::TimeMs;

// Identifies one candle series. The venue is part of the key: BTC 1h from two exchanges stays two
// series.
struct SeriesKey {
  std::string venue;
  std::string coin;
  core::Interval interval;

  std::string label() const { return venue + ":" + coin + ":" + interval.name(); }
  bool operator==(const SeriesKey&) const = default;
};

inline constexpr std::int64_t kUnknownTrades = -1;

// One bar, for building series row by row.
struct Bar {
  TimeMs time = 0;  // bar open, ms UTC
  double open = 0, high = 0, low = 0, close = 0, volume = 0;
  std::int64_t trades = kUnknownTrades;
};

// Zero-copy view of a range of a candle series. Spans stay valid while the owning Candles lives
// and is not resized.
struct CandleView {
  std::span<const TimeMs> time;
  std::span<const double> open, high, low, close, volume;
  std::span<const std::int64_t> trades;

  std::size_t size() const { return time.size(); }
  bool empty() const { return time.empty(); }
  Bar bar(std::size_t i) const {
    return {time[i], open[i], high[i], low[i], close[i], volume[i], trades[i]};
  }
  // Bars [begin, end) of this view.
  CandleView slice(std::size_t begin, std::size_t end) const {
    const std::size_t n = end - begin;
    return {time.subspan(begin, n),   open.subspan(begin, n),   high.subspan(begin, n),
            low.subspan(begin, n),    close.subspan(begin, n),  volume.subspan(begin, n),
            trades.subspan(begin, n)};
  }
};

// Columnar OHLCV storage: one contiguous array per field, so indicators and backtests read whole
// columns. Times are strictly increasing when the series came through an importer or the store.
class Candles {
 public:
  void reserve(std::size_t n);
  void push_back(const Bar& bar);
  void clear();
  std::size_t size() const { return time_.size(); }
  bool empty() const { return time_.empty(); }

  CandleView view() const { return view(0, size()); }
  CandleView view(std::size_t begin, std::size_t end) const;
  Bar bar(std::size_t i) const { return view().bar(i); }
  // Index of the first bar with time >= t (size() if none).
  std::size_t lower_bound(TimeMs t) const;

  std::span<const TimeMs> time() const { return time_; }
  std::span<const double> open() const { return open_; }
  std::span<const double> high() const { return high_; }
  std::span<const double> low() const { return low_; }
  std::span<const double> close() const { return close_; }
  std::span<const double> volume() const { return volume_; }
  std::span<const std::int64_t> trades() const { return trades_; }

  bool operator==(const Candles&) const = default;

 private:
  std::vector<TimeMs> time_;
  std::vector<double> open_, high_, low_, close_, volume_;
  std::vector<std::int64_t> trades_;
};

struct CandleSeries {
  SeriesKey key;
  Candles bars;
};

// Funding rate per settlement: rate is for one funding interval, as a fraction of notional;
// positive means longs pay shorts.
struct FundingSeries {
  std::string venue;
  std::string coin;
  TimeMs interval_ms = core::kHourMs;  // Hyperliquid: hourly; Binance: 8 hours
  std::vector<TimeMs> time;
  std::vector<double> rate;

  std::size_t size() const { return time.size(); }
};

// A daily sentiment index such as the Crypto Fear & Greed Index (value 0..100).
struct SentimentSeries {
  std::string source;  // e.g. "fear_greed"
  std::vector<TimeMs> time;
  std::vector<int> value;
  std::vector<std::string> classification;

  std::size_t size() const { return time.size(); }
};

// A place where consecutive times are further apart than one interval.
struct Gap {
  TimeMs after = 0;         // last time before the gap
  TimeMs before = 0;        // first time after it
  std::int64_t missing = 0;  // absent intervals
};

// Gaps in a strictly increasing time column, for a fixed step or a calendar interval.
std::vector<Gap> find_gaps(std::span<const TimeMs> times, const core::Interval& interval);
std::vector<Gap> find_gaps(std::span<const TimeMs> times, TimeMs step_ms);

}  // namespace organism::data

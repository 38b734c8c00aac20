#include "data/resample.hpp"

#include <algorithm>
#include <numeric>

#include <fmt/format.h>

#include "core/error.hpp"

namespace organism::data {
namespace {

// Bucket boundaries checked for alignment. 4800 months are one 400-year Gregorian cycle, after
// which month starts repeat on every fixed grid of the interval set (146097 days divide by 3 and
// 7), so the check is exact for 1M; for fixed targets any two consecutive boundaries decide it.
constexpr int kCheckedBoundaries = 4801;

void check_source(CandleView source, const core::Interval& from) {
  for (std::size_t i = 0; i < source.size(); ++i) {
    const TimeMs t = source.time[i];
    if (!from.is_aligned(t)) {
      throw core::Error(fmt::format("resample: bar {} at {} is not aligned to {}", i,
                                    core::format_utc(t), from.name()));
    }
    if (i > 0 && t <= source.time[i - 1]) {
      throw core::Error(fmt::format("resample: bar {} at {} is not after the previous bar at {}", i,
                                    core::format_utc(t), core::format_utc(source.time[i - 1])));
    }
  }
}

// Aggregates source bars [begin, end) into one bar opening at `open`.
Bar aggregate(CandleView source, std::size_t begin, std::size_t end, TimeMs open) {
  const CandleView b = source.slice(begin, end);
  Bar out;
  out.time = open;
  out.open = b.open.front();
  out.high = *std::max_element(b.high.begin(), b.high.end());
  out.low = *std::min_element(b.low.begin(), b.low.end());
  out.close = b.close.back();
  out.volume = std::accumulate(b.volume.begin(), b.volume.end(), 0.0);
  out.trades = 0;
  for (const std::int64_t n : b.trades) {
    if (n == kUnknownTrades) {
      out.trades = kUnknownTrades;
      break;
    }
    out.trades += n;
  }
  return out;
}

enum class Position { kFirst, kInterior, kLast, kOnly };

// Emits one bucket or accounts for why it was dropped.
void flush(CandleView source, std::size_t begin, std::size_t end, TimeMs open, TimeMs next,
           Position position, const core::Interval& from, ResampleResult& out) {
  const std::size_t count = end - begin;
  // Times are strictly increasing and aligned, so the bucket is complete exactly when it holds as
  // many bars as there are `from` steps between its open and the next bucket's open.
  const bool complete = static_cast<std::int64_t>(count) == from.steps_between(open, next);
  if (!complete) {
    switch (position) {
      case Position::kFirst:
        out.dropped_leading += count;
        return;
      case Position::kLast:
        out.dropped_trailing += count;
        return;
      case Position::kOnly:
        // A lone bucket that has its first bar just has not finished yet; otherwise it lacks its
        // open, like any leading bucket.
        (source.time[begin] == open ? out.dropped_trailing : out.dropped_leading) += count;
        return;
      case Position::kInterior:
        out.partial.push_back(open);
        break;
    }
  }
  out.bars.push_back(aggregate(source, begin, end, open));
}

}  // namespace

void check_resample_intervals(const core::Interval& from, const core::Interval& to) {
  if (to.nominal_ms() <= from.nominal_ms()) {
    throw core::UsageError(fmt::format(
        "cannot resample {} to {}: the target interval must be larger than the source interval",
        from.name(), to.name()));
  }
  TimeMs boundary = to.bucket_start(0);
  for (int k = 0; k < kCheckedBoundaries; ++k, boundary = to.next(boundary)) {
    if (!from.is_aligned(boundary)) {
      throw core::UsageError(fmt::format(
          "cannot resample {} to {}: {} buckets are not made of whole {} bars (a {} bucket opens "
          "at {})",
          from.name(), to.name(), to.name(), from.name(), to.name(), core::format_utc(boundary)));
    }
  }
}

ResampleResult resample(CandleView source, const core::Interval& from, const core::Interval& to) {
  check_resample_intervals(from, to);
  check_source(source, from);

  ResampleResult out;
  out.source_bars = source.size();
  if (source.empty()) return out;
  out.bars.reserve(source.size() * static_cast<std::size_t>(from.nominal_ms()) /
                       static_cast<std::size_t>(to.nominal_ms()) +
                   2);

  std::size_t begin = 0;
  TimeMs open = to.bucket_start(source.time[0]);
  TimeMs next = to.next(open);
  for (std::size_t i = 1; i < source.size(); ++i) {
    const TimeMs t = source.time[i];
    if (t < next) continue;
    flush(source, begin, i, open, next, begin == 0 ? Position::kFirst : Position::kInterior, from,
          out);
    begin = i;
    open = to.bucket_start(t);
    next = to.next(open);
  }
  flush(source, begin, source.size(), open, next, begin == 0 ? Position::kOnly : Position::kLast,
        from, out);
  return out;
}

}  // namespace organism::data

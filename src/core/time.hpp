// Time and bar intervals: epoch milliseconds (UTC, bar open) and Hyperliquid's interval set.
// Used by every layer that aligns, buckets or prints bar times.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace organism::core {

using TimeMs = std::int64_t;

inline constexpr TimeMs kMinuteMs = 60'000;
inline constexpr TimeMs kHourMs = 60 * kMinuteMs;
inline constexpr TimeMs kDayMs = 24 * kHourMs;
inline constexpr TimeMs kYearMs = 365 * kDayMs;  // DESIGN.md: a year is 365 days

// One of Hyperliquid's candle intervals. Every interval but 1M has a fixed length; months are
// calendar months, so code that steps or buckets time must go through the functions below.
class Interval {
 public:
  // Parses "1m" ... "1M"; nullopt for anything else (case matters: "1m" is a minute, "1M" a month).
  static std::optional<Interval> parse(std::string_view text);
  // Like parse, but throws UsageError naming the accepted values.
  static Interval parse_or_throw(std::string_view text);
  // Fixed interval of the given length in ms, if it is one of the set.
  static std::optional<Interval> from_ms(TimeMs ms);

  const std::string& name() const { return name_; }
  bool is_month() const { return month_; }
  // Nominal length: exact for fixed intervals, 30 days for 1M (used only for rates, never stepping).
  TimeMs nominal_ms() const { return ms_; }
  // Bars per 365-day year, for annualizing.
  double bars_per_year() const { return static_cast<double>(kYearMs) / static_cast<double>(ms_); }

  // Start of the bucket that contains t. Fixed intervals are aligned to the epoch, except 1w which
  // starts on Monday 00:00 UTC (as exchanges do); 1M starts on the first of the month.
  TimeMs bucket_start(TimeMs t) const;
  TimeMs next(TimeMs bucket_open) const;
  bool is_aligned(TimeMs t) const { return bucket_start(t) == t; }
  // Number of whole intervals from a to b (a <= b, both aligned).
  std::int64_t steps_between(TimeMs a, TimeMs b) const;

  bool operator==(const Interval& other) const { return name_ == other.name_; }

 private:
  Interval(std::string name, TimeMs ms, bool month) : name_(std::move(name)), ms_(ms), month_(month) {}
  std::string name_;
  TimeMs ms_;
  bool month_;
};

// Every accepted interval name, in increasing order, joined by spaces (for messages and --help).
std::string interval_names();

// "2024-01-31 13:05:00" (UTC) for logs and reports; ISO-like, sortable.
std::string format_utc(TimeMs t);

}  // namespace organism::core

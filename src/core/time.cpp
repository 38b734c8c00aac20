#include "core/time.hpp"

#include <array>
#include <chrono>

#include <fmt/format.h>

#include "core/error.hpp"

namespace organism::core {
namespace {

struct IntervalSpec {
  std::string_view name;
  TimeMs ms;
};

constexpr std::array<IntervalSpec, 14> kIntervals{{
    {"1m", kMinuteMs},     {"3m", 3 * kMinuteMs},  {"5m", 5 * kMinuteMs},
    {"15m", 15 * kMinuteMs}, {"30m", 30 * kMinuteMs}, {"1h", kHourMs},
    {"2h", 2 * kHourMs},   {"4h", 4 * kHourMs},    {"8h", 8 * kHourMs},
    {"12h", 12 * kHourMs}, {"1d", kDayMs},         {"3d", 3 * kDayMs},
    {"1w", 7 * kDayMs},    {"1M", 30 * kDayMs},
}};

// The epoch was a Thursday; weeks start on Monday, 4 days later.
constexpr TimeMs kWeekOffsetMs = 4 * kDayMs;

TimeMs floor_to(TimeMs t, TimeMs step, TimeMs offset) {
  TimeMs shifted = t - offset;
  TimeMs q = shifted / step;
  if (shifted % step != 0 && shifted < 0) --q;
  return q * step + offset;
}

std::chrono::sys_days to_days(TimeMs t) {
  return std::chrono::sys_days{std::chrono::floor<std::chrono::days>(std::chrono::milliseconds{t})};
}

TimeMs to_ms(std::chrono::sys_days d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d.time_since_epoch()).count();
}

}  // namespace

std::optional<Interval> Interval::parse(std::string_view text) {
  for (const auto& spec : kIntervals) {
    if (spec.name == text) return Interval(std::string(spec.name), spec.ms, spec.name == "1M");
  }
  return std::nullopt;
}

Interval Interval::parse_or_throw(std::string_view text) {
  if (auto iv = parse(text)) return *iv;
  throw UsageError(fmt::format("unknown interval '{}' (expected one of: {})", text, interval_names()));
}

std::optional<Interval> Interval::from_ms(TimeMs ms) {
  for (const auto& spec : kIntervals) {
    if (spec.ms == ms && spec.name != "1M") return parse(spec.name);
  }
  return std::nullopt;
}

TimeMs Interval::bucket_start(TimeMs t) const {
  if (month_) {
    using namespace std::chrono;
    year_month_day ymd{to_days(t)};
    return to_ms(sys_days{ymd.year() / ymd.month() / day{1}});
  }
  return floor_to(t, ms_, name_ == "1w" ? kWeekOffsetMs : 0);
}

TimeMs Interval::next(TimeMs bucket_open) const {
  if (month_) {
    using namespace std::chrono;
    year_month_day ymd{to_days(bucket_open)};
    year_month ym = ymd.year() / ymd.month() + months{1};
    return to_ms(sys_days{ym / day{1}});
  }
  return bucket_open + ms_;
}

std::int64_t Interval::steps_between(TimeMs a, TimeMs b) const {
  if (!month_) return (b - a) / ms_;
  using namespace std::chrono;
  year_month_day ya{to_days(a)}, yb{to_days(b)};
  return (static_cast<int>(yb.year()) - static_cast<int>(ya.year())) * 12 +
         (static_cast<int>(static_cast<unsigned>(yb.month())) -
          static_cast<int>(static_cast<unsigned>(ya.month())));
}

std::string interval_names() {
  std::string out;
  for (const auto& spec : kIntervals) {
    if (!out.empty()) out += ' ';
    out += spec.name;
  }
  return out;
}

std::string format_utc(TimeMs t) {
  using namespace std::chrono;
  sys_time<milliseconds> tp{milliseconds{t}};
  auto day_point = floor<days>(tp);
  year_month_day ymd{day_point};
  hh_mm_ss hms{floor<seconds>(tp - day_point)};
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                     hms.hours().count(), hms.minutes().count(), hms.seconds().count());
}

}  // namespace organism::core

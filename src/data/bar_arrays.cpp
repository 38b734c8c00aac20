#include "data/bar_arrays.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/text.hpp"

namespace organism::data {
namespace {

[[noreturn]] void bad(std::string_view column, std::size_t i, double v, std::string_view what) {
  throw core::UsageError(fmt::format("{}[{}] = {} {}", column, i, core::format_number(v), what));
}

void check_prices(std::span<const double> values, std::string_view column) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double v = values[i];
    if (!std::isfinite(v)) bad(column, i, v, "is not finite");
    if (v <= 0) bad(column, i, v, "is not positive");
  }
}

}  // namespace

TimeMs smallest_step(std::span<const TimeMs> times) {
  TimeMs step = 0;
  for (std::size_t i = 1; i < times.size(); ++i) {
    const TimeMs d = times[i] - times[i - 1];
    if (d > 0 && (step == 0 || d < step)) step = d;
  }
  return step;
}

void check_bars(const CandleView& bars) {
  const std::size_t n = bars.size();
  if (n == 0) throw core::UsageError("no bars: the input is empty");
  for (const auto& [name, column] : {std::pair{"open", bars.open}, {"high", bars.high}, {"low", bars.low},
                                     {"close", bars.close}, {"volume", bars.volume}}) {
    if (column.size() != n) {
      throw core::UsageError(fmt::format("{} has {} values but time has {}", name, column.size(), n));
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (bars.time[i] < 0) throw core::UsageError(fmt::format("time[{}] = {} is negative", i, bars.time[i]));
    if (i > 0 && bars.time[i] <= bars.time[i - 1]) {
      throw core::UsageError(fmt::format("time[{}] = {} is not after time[{}] = {}: bars must be in time order, once each",
                                         i, bars.time[i], i - 1, bars.time[i - 1]));
    }
  }
  // close first: a close-only input's open, high and low are its close, and the message should
  // name the column the caller gave.
  check_prices(bars.close, "close");
  check_prices(bars.open, "open");
  check_prices(bars.high, "high");
  check_prices(bars.low, "low");
  for (std::size_t i = 0; i < n; ++i) {
    const double v = bars.volume[i];
    if (!std::isfinite(v)) bad("volume", i, v, "is not finite");
    if (v < 0) bad("volume", i, v, "is negative");
    if (bars.high[i] < std::max(bars.open[i], bars.close[i])) {
      bad("high", i, bars.high[i], fmt::format("is below max(open, close) = {}", core::format_number(std::max(bars.open[i], bars.close[i]))));
    }
    if (bars.low[i] > std::min(bars.open[i], bars.close[i])) {
      bad("low", i, bars.low[i], fmt::format("is above min(open, close) = {}", core::format_number(std::min(bars.open[i], bars.close[i]))));
    }
  }
}

core::Interval interval_of(std::span<const TimeMs> times) {
  const auto interval = core::Interval::from_ms(smallest_step(times));
  if (!interval) {
    throw core::UsageError(fmt::format("cannot tell the interval from {} bar times (smallest step {} ms); pass interval=",
                                       times.size(), smallest_step(times)));
  }
  return *interval;
}

void check_finite(std::span<const double> values, std::string_view what) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) bad(what, i, values[i], "is not finite");
  }
}

void check_targets(std::span<const double> values, std::string_view what) {
  check_finite(values, what);
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (values[i] < -1 || values[i] > 1) bad(what, i, values[i], "is outside [-1, 1]");
  }
}

}  // namespace organism::data

// check_options(SynthOptions): the one place the synthetic market checks its input, so the generator's
// inner loop can trust every value (finite, in range, times that fit the calendar).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string_view>

#include "core/error.hpp"
#include "data/synth.hpp"

namespace organism::data {

namespace {

constexpr std::size_t kMaxBars = kMaxSynthBars;
// Funding is hourly whatever the candle interval, so the span is bounded in hours as well.
constexpr std::int64_t kMaxFundingHours = 50'000'000;
// 10000-01-01 00:00 UTC: calendars (and format_utc) stop at year 9999.
constexpr TimeMs kMaxTime = 253'402'300'800'000;

void require(bool ok, std::string_view option, std::string_view rule, double got) {
  if (!ok) throw core::UsageError(fmt::format("synth: option '{}' {} (got {})", option, rule, got));
}

// Inclusive range; NaN fails every comparison and so is rejected too.
void require_in(double value, double lo, double hi, std::string_view option) {
  require(value >= lo && value <= hi, option, fmt::format("must be in [{}, {}]", lo, hi), value);
}

void require_positive(double value, double hi, std::string_view option) {
  require(value > 0.0 && value <= hi, option, fmt::format("must be in (0, {}]", hi), value);
}

void check_coins(const SynthOptions& o) {
  if (o.coins.empty()) throw core::UsageError("synth: option 'coins' must name at least one coin");
  std::vector<std::string> sorted = o.coins;
  std::sort(sorted.begin(), sorted.end());
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    if (sorted[i].empty()) throw core::UsageError("synth: option 'coins' has an empty name");
    if (i > 0 && sorted[i] == sorted[i - 1]) {
      throw core::UsageError(fmt::format("synth: option 'coins' names '{}' twice", sorted[i]));
    }
  }
  const auto n = static_cast<double>(o.coins.size());
  const double lo = o.coins.size() > 1 ? -1.0 / (n - 1.0) : -1.0;
  require(o.correlation >= lo && o.correlation < 1.0, "correlation",
          fmt::format("must be in [{:.6g}, 1) for {} coins", lo, o.coins.size()), o.correlation);

  auto check_per_coin = [&](const std::vector<double>& values, std::string_view option, double hi) {
    if (!values.empty() && values.size() != o.coins.size()) {
      throw core::UsageError(fmt::format("synth: option '{}' needs one value per coin ({}), got {}",
                                         option, o.coins.size(), values.size()));
    }
    for (double v : values) require_positive(v, hi, option);
  };
  check_per_coin(o.start_prices, "start_prices", 1e12);
  check_per_coin(o.annual_vols, "annual_vols", 5.0);
}

void check_time(const SynthOptions& o) {
  if (o.bars == 0 || o.bars > kMaxBars) {
    throw core::UsageError(
        fmt::format("synth: option 'bars' must be in [1, {}] (got {})", kMaxBars, o.bars));
  }
  if (o.start < 0 || o.start >= kMaxTime) {
    throw core::UsageError(
        fmt::format("synth: option 'start' must be between 1970 and 9999 (got {} ms)", o.start));
  }
  if (!o.interval.is_aligned(o.start)) {
    throw core::UsageError(fmt::format("synth: option 'start' {} is not aligned to the {} interval",
                                       core::format_utc(o.start), o.interval.name()));
  }
  // An upper bound first (31-day months), so that stepping months below stays cheap.
  const TimeMs longest = o.interval.is_month() ? 31 * core::kDayMs : o.interval.nominal_ms();
  const auto bars = static_cast<TimeMs>(o.bars);
  if (bars > (kMaxTime - o.start) / longest) {
    throw core::UsageError(fmt::format("synth: option 'bars' {} of {} runs past year 9999", o.bars,
                                       o.interval.name()));
  }
  TimeMs end = o.start + bars * o.interval.nominal_ms();
  if (o.interval.is_month()) {
    end = o.start;
    for (std::size_t i = 0; i < o.bars; ++i) end = o.interval.next(end);
  }
  if ((end - o.start) / core::kHourMs > kMaxFundingHours) {
    throw core::UsageError(
        fmt::format("synth: option 'bars' {} of {} spans more than {} hourly funding settlements",
                    o.bars, o.interval.name(), kMaxFundingHours));
  }
}

}  // namespace

void check_options(const SynthOptions& o) {
  check_coins(o);
  check_time(o);
  if (o.venue.empty()) throw core::UsageError("synth: option 'venue' must not be empty");

  require_in(o.garch_alpha, 0.0, 1.0, "garch_alpha");
  require_in(o.garch_beta, 0.0, 1.0, "garch_beta");
  if (!(o.garch_alpha + o.garch_beta < 1.0)) {
    throw core::UsageError(fmt::format(
        "synth: options 'garch_alpha' + 'garch_beta' must sum below 1 for a stationary variance "
        "(got {})",
        o.garch_alpha + o.garch_beta));
  }
  require(o.tail_dof >= 3 && o.tail_dof <= 100, "tail_dof", "must be in [3, 100]", o.tail_dof);

  // 365 a year bounds the per-bar Poisson rate well inside exp()'s range.
  require_in(o.jumps_per_year, 0.0, 365.0, "jumps_per_year");
  require_in(o.jump_size, 0.0, 20.0, "jump_size");
  require_in(o.jump_down_share, 0.0, 1.0, "jump_down_share");
  require_in(o.jump_common_share, 0.0, 1.0, "jump_common_share");

  require_positive(o.trend_days, 3650.0, "trend_days");
  require_positive(o.range_days, 3650.0, "range_days");
  require_positive(o.volatile_days, 3650.0, "volatile_days");
  require_in(o.trend_strength, 0.0, 20.0, "trend_strength");
  require_positive(o.range_half_life_hours, 1e5, "range_half_life_hours");
  require_positive(o.range_level_days, 1e4, "range_level_days");
  require_positive(o.range_variance, 100.0, "range_variance");
  require_positive(o.volatile_variance, 100.0, "volatile_variance");

  require_positive(o.daily_volume, 1e15, "daily_volume");

  require_positive(o.funding_cap, 1.0, "funding_cap");
  require_in(o.funding_base, -o.funding_cap, o.funding_cap, "funding_base");
  require_in(o.funding_noise, 0.0, 1.0, "funding_noise");
  require_positive(o.funding_half_life_hours, 1e6, "funding_half_life_hours");
  require_in(o.funding_momentum, -1.0, 1.0, "funding_momentum");
  require_positive(o.funding_momentum_hours, 1e6, "funding_momentum_hours");
}

}  // namespace organism::data

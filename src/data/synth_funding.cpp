#include "data/synth_funding.hpp"

#include <algorithm>
#include <cmath>

namespace organism::data::synth_detail {

namespace {

TimeMs floor_hour(TimeMs t) {
  TimeMs q = t / core::kHourMs;
  if (t % core::kHourMs != 0 && t < 0) --q;
  return q * core::kHourMs;
}

TimeMs ceil_hour(TimeMs t) {
  const TimeMs f = floor_hour(t);
  return f == t ? t : f + core::kHourMs;
}

}  // namespace

FundingSeries make_funding(const SynthOptions& options, const std::string& coin,
                           const Candles& bars, TimeMs end, core::Rng rng) {
  FundingSeries out;
  out.venue = options.venue;
  out.coin = coin;
  out.interval_ms = core::kHourMs;
  if (bars.empty()) return out;

  const TimeMs first = ceil_hour(bars.time().front());
  const TimeMs last = floor_hour(end);
  if (last < first) return out;
  const auto count = static_cast<std::size_t>((last - first) / core::kHourMs + 1);
  out.time.reserve(count);
  out.rate.reserve(count);

  // AR(1) noise with the requested half-life, started from its stationary law so the series has
  // no warm-up transient.
  const double phi = std::exp2(-1.0 / options.funding_half_life_hours);
  const double shock_sd = options.funding_noise * std::sqrt(1.0 - phi * phi);
  double noise = options.funding_noise * rng.normal();
  const double ema_weight = -std::expm1(-1.0 / options.funding_momentum_hours);

  const auto times = bars.time();
  const auto closes = bars.close();
  std::size_t done = 0;  // bars whose close time is <= the current hour
  double log_price = std::log(bars.open().front());
  double ema = log_price;
  for (std::size_t k = 0; k < count; ++k) {
    const TimeMs hour = first + static_cast<TimeMs>(k) * core::kHourMs;
    const std::size_t before = done;
    while (done < times.size() && (done + 1 < times.size() ? times[done + 1] : end) <= hour) ++done;
    if (done != before) log_price = std::log(closes[done - 1]);
    ema += ema_weight * (log_price - ema);
    // Longs pay more after a run-up: the perpetual trades above spot while the crowd chases.
    const double premium = options.funding_momentum * (log_price - ema);
    const double rate = std::clamp(options.funding_base + noise + premium, -options.funding_cap,
                                   options.funding_cap);
    out.time.push_back(hour);
    out.rate.push_back(rate);
    noise = phi * noise + shock_sd * rng.normal();
  }
  return out;
}

}  // namespace organism::data::synth_detail

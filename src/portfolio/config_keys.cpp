// The portfolio.* configuration keys (config_keys.hpp) and check_options (allocator.hpp).
#include "portfolio/config_keys.hpp"

#include <fmt/format.h>

#include <cmath>
#include <string>

#include "core/config.hpp"
#include "core/error.hpp"
#include "core/text.hpp"

namespace organism::portfolio {

namespace {

namespace check = core::check;

constexpr double kMaxBars = 10'000'000;  // a window longer than any stored series is a typo

}  // namespace

std::vector<core::ConfigKey> config_keys() {
  using core::format_number;
  const AllocatorOptions d;
  const auto weight = [] { return check::number(core::closed(0, 10)); };
  const auto bars = [](double lo) { return check::whole(core::closed(lo, kMaxBars)); };
  const auto whole = [](std::size_t v) { return std::to_string(v); };
  return {
      {"portfolio.max_strategy_weight", format_number(d.caps.per_strategy),
       "cap: share of capital one strategy may get (never above the hard cap 0.4)",
       check::number(core::open_closed(0, kHardStrategyCap))},
      {"portfolio.max_asset_exposure", format_number(d.caps.per_asset),
       "cap: absolute net exposure per coin across strategies, a fraction of equity",
       check::number(core::open_closed(0, 1))},
      {"portfolio.max_gross", format_number(d.caps.gross),
       "cap: gross exposure (and the sum of weights), a multiple of equity (the leverage cap)",
       check::number(core::open_closed(0, 10))},
      {"portfolio.max_correlation", format_number(d.caps.correlation),
       "of two strategies whose returns correlate above this, the lower-scored gets no weight",
       check::number(core::open_closed(0, 1))},
      {"portfolio.lookback_bars", whole(d.lookback_bars),
       "bars of past returns the allocator estimates score, covariance and regimes on", bars(2)},
      {"portfolio.rebalance_bars", whole(d.rebalance_bars), "bars between rebalances", bars(1)},
      {"portfolio.min_history_bars", whole(d.min_history_bars),
       "a strategy with fewer past returns than this gets no weight", bars(2)},
      {"portfolio.min_regime_bars", whole(d.min_regime_bars),
       "bars in a regime before a strategy's loss there scales it down", bars(1)},
      {"portfolio.kelly_fraction", format_number(d.sizing.kelly_fraction),
       "safety factor on full Kelly", check::number(core::open_closed(0, 1))},
      {"portfolio.band", format_number(d.sizing.band),
       "no-trade band: a leg's weight change smaller than this is not traded",
       check::number(core::closed_open(0, 1))},
      {"portfolio.regime_scale", format_number(d.sizing.regime_scale),
       "multiplier on a leg in a regime where it has lost (1: no regime tilt)",
       check::number(core::closed(0, 1))},
      // The leg tilts: `organism portfolio evolve` prints them among its paste-able lines.
      {"portfolio.tilt_liquidity", format_number(d.sizing.tilt_liquidity),
       "exponent of a leg's tilt towards its coin's standardized liquidity", check::number(core::closed(-10, 10))},
      {"portfolio.tilt_volatility", format_number(d.sizing.tilt_volatility),
       "exponent of a leg's tilt towards its coin's standardized volatility", check::number(core::closed(-10, 10))},
      {"portfolio.tilt_momentum", format_number(d.sizing.tilt_momentum),
       "exponent of a leg's tilt towards its coin's standardized momentum", check::number(core::closed(-10, 10))},
      {"portfolio.score_sharpe", format_number(d.sizing.score_sharpe), "score weight of the Sharpe ratio", weight()},
      {"portfolio.score_consistency", format_number(d.sizing.score_consistency),
       "score weight of consistency (share of positive windows)", weight()},
      {"portfolio.score_drawdown", format_number(d.sizing.score_drawdown),
       "score weight of the maximum drawdown (subtracted)", weight()},
      {"portfolio.score_age", format_number(d.sizing.score_age),
       "score weight of age (days since birth over 90, at most 1)", weight()},
  };
}

AllocatorOptions allocator_options_from(const core::Config& config, const core::Interval& interval) {
  const auto number = [&](std::string_view key) { return config.get_double(key); };
  const auto bars = [&](std::string_view key) { return static_cast<std::size_t>(config.get_int(key)); };
  AllocatorOptions o;
  o.caps.per_strategy = number("portfolio.max_strategy_weight");
  o.caps.per_asset = number("portfolio.max_asset_exposure");
  o.caps.gross = number("portfolio.max_gross");
  o.caps.correlation = number("portfolio.max_correlation");
  o.lookback_bars = bars("portfolio.lookback_bars");
  o.rebalance_bars = bars("portfolio.rebalance_bars");
  o.min_history_bars = bars("portfolio.min_history_bars");
  o.min_regime_bars = bars("portfolio.min_regime_bars");
  o.sizing.kelly_fraction = number("portfolio.kelly_fraction");
  o.sizing.band = number("portfolio.band");
  o.sizing.regime_scale = number("portfolio.regime_scale");
  o.sizing.score_sharpe = number("portfolio.score_sharpe");
  o.sizing.score_consistency = number("portfolio.score_consistency");
  o.sizing.score_drawdown = number("portfolio.score_drawdown");
  o.sizing.score_age = number("portfolio.score_age");
  o.sizing.tilt_liquidity = number("portfolio.tilt_liquidity");
  o.sizing.tilt_volatility = number("portfolio.tilt_volatility");
  o.sizing.tilt_momentum = number("portfolio.tilt_momentum");
  o.bars_per_year = interval.bars_per_year();
  check_options(o);
  return o;
}

void check_options(const AllocatorOptions& o) {
  const auto in = [](double v, double lo, double hi, bool lo_open) {
    return std::isfinite(v) && (lo_open ? v > lo : v >= lo) && v <= hi;
  };
  const auto refuse = [](std::string_view key, double v, std::string_view rule) {
    throw core::UsageError(fmt::format("portfolio.{}: {} is not {}", key, v, rule));
  };
  if (!in(o.caps.per_strategy, 0, kHardStrategyCap, true)) refuse("max_strategy_weight", o.caps.per_strategy, "in (0, 0.4]");
  if (!in(o.caps.per_asset, 0, 1, true)) refuse("max_asset_exposure", o.caps.per_asset, "in (0, 1]");
  if (!in(o.caps.gross, 0, 10, true)) refuse("max_gross", o.caps.gross, "in (0, 10]");
  if (!in(o.caps.correlation, 0, 1, true)) refuse("max_correlation", o.caps.correlation, "in (0, 1]");
  if (!in(o.sizing.kelly_fraction, 0, 1, true)) refuse("kelly_fraction", o.sizing.kelly_fraction, "in (0, 1]");
  if (!in(o.sizing.band, 0, 1, false) || o.sizing.band >= 1) refuse("band", o.sizing.band, "in [0, 1)");
  if (!in(o.sizing.regime_scale, 0, 1, false)) refuse("regime_scale", o.sizing.regime_scale, "in [0, 1]");
  for (const auto& [key, v] : {std::pair{"score_sharpe", o.sizing.score_sharpe},
                               {"score_consistency", o.sizing.score_consistency},
                               {"score_drawdown", o.sizing.score_drawdown},
                               {"score_age", o.sizing.score_age}}) {
    if (!in(v, 0, 10, false)) refuse(key, v, "in [0, 10]");
  }
  for (const auto& [key, v] : {std::pair{"tilt_liquidity", o.sizing.tilt_liquidity},
                               {"tilt_volatility", o.sizing.tilt_volatility},
                               {"tilt_momentum", o.sizing.tilt_momentum}}) {
    if (!in(v, -5, 5, false)) refuse(key, v, "in [-5, 5]");
  }
  if (o.lookback_bars < 2) refuse("lookback_bars", static_cast<double>(o.lookback_bars), ">= 2");
  if (o.rebalance_bars < 1) refuse("rebalance_bars", static_cast<double>(o.rebalance_bars), ">= 1");
  if (o.min_history_bars < 2) refuse("min_history_bars", static_cast<double>(o.min_history_bars), ">= 2");
  if (o.min_regime_bars < 1) refuse("min_regime_bars", static_cast<double>(o.min_regime_bars), ">= 1");
  if (o.consistency_windows < 1) refuse("consistency_windows", o.consistency_windows, ">= 1");
  if (!(o.age_full_days > 0)) refuse("age_full_days", o.age_full_days, "> 0");
  if (!(o.bars_per_year > 0) || !std::isfinite(o.bars_per_year)) refuse("bars_per_year", o.bars_per_year, "> 0");
}

}  // namespace organism::portfolio

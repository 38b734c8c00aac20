// The lifecycle.* configuration keys (config_keys.hpp).
#include "lifecycle/config_keys.hpp"

#include <string>

#include "core/config.hpp"
#include "core/text.hpp"

namespace organism::lifecycle {

std::vector<core::ConfigKey> config_keys() {
  using core::format_number;
  namespace check = core::check;
  const LifecycleOptions d;
  const auto whole = [](std::int64_t v) { return std::to_string(v); };
  const auto days = check::number(core::closed(0, 3650));
  const auto slots = check::whole(core::closed(0, 1000));
  return {
      {"lifecycle.paper_days", format_number(d.paper_days),
       "days (market time) of paper trading before promotion to production is considered", days},
      {"lifecycle.max_tracking_error", format_number(d.max_tracking_error),
       "bound on the annualized std of (paper return - backtest return of the same bars)",
       check::number(core::above(0))},
      {"lifecycle.paper_sharpe_ratio", format_number(d.paper_sharpe_ratio),
       "k: the paper Sharpe must be at least k x the validated Sharpe",
       check::number(core::closed(0, 10))},
      {"lifecycle.max_paper", whole(d.max_paper),
       "strategies paper-traded at once (validated -> paper, best score first)", slots},
      {"lifecycle.max_production", whole(d.max_production),
       "strategies in production (and decaying) at once", slots},
      {"lifecycle.paper_capital", format_number(d.paper_capital),
       "USD of each paper strategy's own book", check::number(core::above(0))},
      {"lifecycle.rolling_bars", whole(d.rolling_bars),
       "bars of live returns in the rolling Sharpe (decay test; also the bars a recovery needs)",
       check::whole(core::closed(2, 1'000'000))},
      {"lifecycle.min_rolling_sharpe", format_number(d.min_rolling_sharpe),
       "production -> decaying when the annualized rolling Sharpe is below this",
       check::number(core::closed(-100, 100))},
      {"lifecycle.dd_multiple", format_number(d.dd_multiple),
       "production -> decaying when the live drawdown exceeds the validated max drawdown x this",
       check::number(core::above(0))},
      {"lifecycle.cusum_k", format_number(d.cusum_k),
       "reference value of the lower CUSUM on standardized live returns (std units per bar)",
       check::number(core::closed(0, 5))},
      {"lifecycle.cusum_h", format_number(d.cusum_h),
       "alarm threshold of the lower CUSUM (std units)", check::number(core::open_closed(0, 100))},
      {"lifecycle.decay_grace_days", format_number(d.decay_grace_days),
       "days in decaying without recovery before retirement", days},
      {"lifecycle.evolve_every_bars", whole(d.evolve_every_bars),
       "closed bars between re-evolution cycles", check::whole(core::closed(1, 1'000'000))},
      {"lifecycle.evolve_budget_seconds", format_number(d.evolve_budget_seconds),
       "time budget of one re-evolution cycle (seconds)", check::number(core::above(0))},
      {"lifecycle.evolve_population", whole(d.evolve_population),
       "population of a re-evolution cycle (0: evolve.*)", check::whole(core::closed(0, 100'000))},
      {"lifecycle.evolve_generations", whole(d.evolve_generations),
       "generations of a re-evolution cycle (0: evolve.*)", check::whole(core::closed(0, 100'000))},
      {"lifecycle.flatten_on_stop", d.flatten_on_stop ? "true" : "false",
       "SIGTERM flattens every position before organism run exits", check::boolean()},
      {"lifecycle.bar_wait_ms", whole(d.bar_wait_ms),
       "how long organism run waits for the sessions to decide a bar (ms)",
       check::whole(core::closed(0, 3'600'000))},
  };
}

LifecycleOptions lifecycle_options_from(const core::Config& config,
                                        const core::Interval& interval) {
  const auto number = [&](std::string_view key) { return config.get_double(key); };
  const auto whole = [&](std::string_view key) { return config.get_int(key); };
  LifecycleOptions o;
  o.paper_days = number("lifecycle.paper_days");
  o.max_tracking_error = number("lifecycle.max_tracking_error");
  o.paper_sharpe_ratio = number("lifecycle.paper_sharpe_ratio");
  o.max_paper = whole("lifecycle.max_paper");
  o.max_production = whole("lifecycle.max_production");
  o.paper_capital = number("lifecycle.paper_capital");
  o.rolling_bars = whole("lifecycle.rolling_bars");
  o.min_rolling_sharpe = number("lifecycle.min_rolling_sharpe");
  o.dd_multiple = number("lifecycle.dd_multiple");
  o.cusum_k = number("lifecycle.cusum_k");
  o.cusum_h = number("lifecycle.cusum_h");
  o.decay_grace_days = number("lifecycle.decay_grace_days");
  o.evolve_every_bars = whole("lifecycle.evolve_every_bars");
  o.evolve_budget_seconds = number("lifecycle.evolve_budget_seconds");
  o.evolve_population = whole("lifecycle.evolve_population");
  o.evolve_generations = whole("lifecycle.evolve_generations");
  o.flatten_on_stop = config.get_bool("lifecycle.flatten_on_stop");
  o.bar_wait_ms = whole("lifecycle.bar_wait_ms");
  o.bars_per_year = interval.bars_per_year();
  return o;
}

}  // namespace organism::lifecycle

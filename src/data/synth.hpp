// Synthetic market: seeded multi-coin candles and hourly funding with realistic stylized facts.
// Used by demos, tests of every computing layer, and the `organism data synth` command.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/text.hpp"
#include "core/time.hpp"
#include "data/config_keys.hpp"
#include "data/series.hpp"

namespace organism::data {

// The model (docs/synthetic-market.md has the equations). Per bar, every coin's log return is
//   r = drift(regime) - reversion(regime) + sigma_bar * sqrt(m(regime) * h) * z + jumps,
// where z is a unit-variance Student-t shock mixed across coins so that pairwise correlation is
// `correlation`, h is a unit-mean GARCH(1,1) variance, and one Markov regime chain (trending,
// ranging, volatile) is shared by all coins. Rates are given per year, per day or per hour and
// converted to each bar's real length, so every interval (1M included) gets a coherent market.
struct SynthOptions {
  std::vector<std::string> coins = core::split_list(defaults::kSynthCoins);
  core::Interval interval = *core::Interval::parse(defaults::kSynthInterval);
  std::size_t bars = defaults::kSynthBars;
  std::uint64_t seed = defaults::kSynthSeed;
  TimeMs start = defaults::kSynthStartMs;  // must be aligned to the interval
  std::string venue{defaults::kSynthVenue};
  double correlation = defaults::kSynthCorrelation;  // pairwise correlation of the coins' return shocks

  // Per coin, parallel to `coins`; empty means a built-in profile by name (BTC, ETH, SOL, ...;
  // 100.0 and 0.80 for unknown names).
  std::vector<double> start_prices{};
  std::vector<double> annual_vols{};  // long-run volatility of the diffusive part, per year

  // GARCH(1,1) per bar on the unit-mean variance h: h' = (1 - a - b) + a * h * z^2 + b * h.
  // Omega is implied (variance targeting), so annual_vols stays the long-run volatility.
  double garch_alpha = 0.06;
  double garch_beta = 0.92;
  int tail_dof = 5;  // Student-t degrees of freedom of the shocks (>= 3; lower is fatter)

  // Poisson jumps. Sizes are in units of the coin's daily volatility so that they are the same
  // events whatever the interval: a big move inside a 1m bar, a modest one inside a 1d bar.
  double jumps_per_year = 8.0;     // long-run average per coin
  double jump_size = 1.5;          // mean |jump| in daily sigmas (each is 0.5..inf times that)
  double jump_down_share = 0.6;    // crashes are more common than squeezes
  double jump_common_share = 0.5;  // share of jump events that hit every coin at once

  // Regime chain shared by all coins; on leaving a regime the next is one of the other two with
  // equal odds. Variance multiples are normalized to a long-run mean of 1 (trending = 1 raw).
  double trend_days = 12.0;              // mean duration of a trending episode
  double range_days = 15.0;              // ... of a ranging episode
  double volatile_days = 4.0;            // ... of a volatile episode
  double trend_strength = 3.0;           // trend drift as an annualized Sharpe ratio (drift / vol)
  double range_half_life_hours = 120.0;  // pull toward the ranging level (mild on purpose)
  double range_level_days = 7.0;         // time constant of the slowly moving ranging level
  double range_variance = 0.6;           // raw variance multiple while ranging
  double volatile_variance = 3.0;        // raw variance multiple while volatile

  double daily_volume = 5e7;  // average traded value per day, in quote currency (USD)

  // Funding per hour: clamp(base + AR(1) noise + momentum * (log price - its EMA), +-cap).
  double funding_base = 1e-5;             // Hyperliquid's baseline is 1.25e-5 per hour
  double funding_noise = 1e-5;            // stationary std of the AR(1) part
  double funding_half_life_hours = 72.0;  // persistence of the AR(1) part
  double funding_momentum = 5e-4;         // premium per unit of log price above its EMA
  double funding_momentum_hours = 48.0;   // EMA time constant for that premium
  double funding_cap = 0.002;
};

// Regime of the shared chain at each bar; exposed as ground truth for regime-detection tests.
enum class Regime : std::uint8_t { Trending, Ranging, Volatile };
std::string_view regime_name(Regime regime);

struct SynthMarket {
  std::vector<CandleSeries> candles;   // one per coin, in options.coins order
  std::vector<FundingSeries> funding;  // one per coin, hourly, same order
  std::vector<Regime> regimes;         // one per bar
};

// Throws core::UsageError naming the bad option.
void check_options(const SynthOptions& options);

// Same options, same bytes. With correlation >= 0, a coin's path depends only on the seed, its
// name, its profile and the shared parameters, not on which other coins are generated with it.
// progress(done_bars, total_bars) may be empty; it is called every 65536 bars and at the end.
SynthMarket generate_market(const SynthOptions& options,
                            const std::function<void(std::size_t, std::size_t)>& progress = {});

}  // namespace organism::data

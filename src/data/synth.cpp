#include "data/synth.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <string_view>

#include "core/random.hpp"
#include "data/synth_funding.hpp"

namespace organism::data {

namespace {

using core::Rng;

constexpr std::size_t kProgressEvery = std::size_t{1} << 16;
constexpr double kDaysPerYear = 365.0;

// Stream ids: shared streams by purpose, per-coin streams by (purpose, hash of the coin name) so
// that a coin's draws do not depend on its position in the list. Jumps have streams of their own,
// so jumps_per_year = 0 leaves every other draw where it was.
constexpr std::uint64_t kRegimeStream = 1;
constexpr std::uint64_t kCommonStream = 2;
constexpr std::uint64_t kShockStream = 3;
constexpr std::uint64_t kJumpStream = 4;
constexpr std::uint64_t kShapeStream = 5;
constexpr std::uint64_t kFundingStream = 6;
constexpr std::uint64_t kCommonJumpStream = 7;

// A very weak pull of the log price toward its start (half-life 50 years): invisible over any
// realistic backtest, but it keeps millennia-long synthetic spans inside double's range.
constexpr double kAnchorHalfLifeYears = 50.0;

// Safety net for the GARCH variance: t shocks can be large, and a capped h keeps every price
// finite.
constexpr double kMaxGarchVariance = 50.0;

// Jumps cluster in volatile markets; raw intensity multiples, normalized like the variances.
constexpr std::array<double, 3> kJumpRegimeWeight{1.0, 0.5, 4.0};  // trending, ranging, volatile

// Volume: log-volume rises with the bar's absolute move (in sigmas, capped so a 50-sigma flash
// crash gives a big but finite bar) and with the conditional volatility; a persistent level adds
// the slow swings of real activity.
constexpr double kVolumeMoveBeta = 0.3;
constexpr double kVolumeMoveCap = 8.0;
constexpr double kVolumeMeanAbsMove = 0.8;  // about E|z|, so the move term centers near zero
constexpr double kVolumeNoise = 0.35;
constexpr double kVolumeLevelSd = 0.3;
constexpr double kVolumeLevelDays = 3.0;

struct CoinProfile {
  std::string_view coin;
  double price;
  double annual_vol;
};

constexpr std::array<CoinProfile, 6> kProfiles{{
    {"BTC", 30000.0, 0.55},
    {"ETH", 2000.0, 0.70},
    {"SOL", 100.0, 0.90},
    {"BNB", 300.0, 0.65},
    {"XRP", 0.5, 0.80},
    {"DOGE", 0.08, 0.95},
}};
constexpr CoinProfile kUnknownProfile{"", 100.0, 0.80};

CoinProfile profile_of(std::string_view coin) {
  for (const auto& p : kProfiles) {
    if (p.coin == coin) return p;
  }
  return kUnknownProfile;
}

// FNV-1a: a stable 64-bit id per coin name for stream derivation.
std::uint64_t name_hash(std::string_view text) {
  std::uint64_t h = 0xCBF29CE484222325ULL;
  for (char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001B3ULL;
  }
  return h;
}

// Knuth's multiplication method: exact, and one uniform per bar in the common case of no jump.
// check_options() bounds the rate so exp(-lambda) never underflows.
int poisson(Rng& rng, double lambda) {
  if (lambda <= 0.0) return 0;
  const double limit = std::exp(-lambda);
  int k = 0;
  double p = rng.uniform();
  while (p > limit) {
    ++k;
    p *= rng.uniform();
  }
  return k;
}

// Everything that depends on a bar's length (constant for fixed intervals, four values for 1M).
struct BarScale {
  TimeMs bar_ms = 0;
  double years = 0, days = 0, hours = 0;
  std::array<double, 3> stay{};          // P(regime continues into this bar)
  std::array<double, 3> common_jumps{};  // Poisson rate of market-wide jump events per regime
  std::array<double, 3> own_jumps{};     // ... of one coin's own jump events
  double range_pull = 0;                 // share of the gap to the ranging level closed per bar
  double level_follow = 0;  // share of the gap from the level to the price it follows per bar
  double anchor_pull = 0;   // share of the gap to the starting log price closed per bar
  double volume_phi = 0, volume_shock_sd = 0;
};

struct RegimeModel {
  std::array<double, 3> days{};
  std::array<double, 3> share{};     // long-run share of time (continuous-time chain)
  std::array<double, 3> variance{};  // multiples with long-run mean 1
  std::array<double, 3> jump_weight{};
};

RegimeModel make_regime_model(const SynthOptions& o) {
  RegimeModel m;
  m.days = {o.trend_days, o.range_days, o.volatile_days};
  // Leaving to either other regime with equal odds makes the embedded chain uniform, so the
  // share of time is proportional to the mean duration.
  const double total = m.days[0] + m.days[1] + m.days[2];
  for (int k = 0; k < 3; ++k) m.share[k] = m.days[k] / total;
  const std::array<double, 3> raw{1.0, o.range_variance, o.volatile_variance};
  double mean_var = 0, mean_jump = 0;
  for (int k = 0; k < 3; ++k) {
    mean_var += m.share[k] * raw[k];
    mean_jump += m.share[k] * kJumpRegimeWeight[k];
  }
  for (int k = 0; k < 3; ++k) {
    m.variance[k] = raw[k] / mean_var;
    m.jump_weight[k] = kJumpRegimeWeight[k] / mean_jump;
  }
  return m;
}

BarScale make_bar_scale(const SynthOptions& o, const RegimeModel& regimes, TimeMs bar_ms) {
  BarScale s;
  s.bar_ms = bar_ms;
  s.years = static_cast<double>(bar_ms) / static_cast<double>(core::kYearMs);
  s.days = s.years * kDaysPerYear;
  s.hours = s.days * 24.0;
  for (int k = 0; k < 3; ++k) {
    s.stay[k] = std::exp(-s.days / regimes.days[k]);
    const double events = o.jumps_per_year * s.years * regimes.jump_weight[k];
    s.common_jumps[k] = events * o.jump_common_share;
    s.own_jumps[k] = events * (1.0 - o.jump_common_share);
  }
  s.range_pull = -std::expm1(-std::log(2.0) * s.hours / o.range_half_life_hours);
  s.level_follow = -std::expm1(-s.days / o.range_level_days);
  s.anchor_pull = -std::expm1(-std::log(2.0) * s.years / kAnchorHalfLifeYears);
  s.volume_phi = std::exp(-s.days / kVolumeLevelDays);
  s.volume_shock_sd = kVolumeLevelSd * std::sqrt(1.0 - s.volume_phi * s.volume_phi);
  return s;
}

// One coin's evolving state and output.
struct Coin {
  Coin(std::uint64_t seed, std::uint64_t id)
      : shock_rng(seed, {kShockStream, id}),
        jump_rng(seed, {kJumpStream, id}),
        shape_rng(seed, {kShapeStream, id}) {}

  Rng shock_rng, jump_rng, shape_rng;
  double annual_vol = 0;
  double daily_sigma = 0;
  double mean_jump = 0;  // expected log jump (negative when crashes dominate)
  double bar_sigma = 0;  // of the current BarScale
  double log_price = 0;
  double close = 0;
  double garch = 1.0;  // unit-mean GARCH variance h
  double level = 0;    // ranging anchor (log price)
  double start_log_price = 0;
  double trend_drift = 0;  // per year, signed, set when a trending episode starts
  double volume_level = 0;
  double raw_shock = 0, shock = 0;
  Candles out;
};

// Mixes unit-variance shocks so that every pair has correlation rho. For rho >= 0 a common factor
// (shock = sqrt(rho) common + sqrt(1 - rho) own) keeps each coin independent of the others in the
// list; a negative rho needs the equicorrelation matrix's eigen-split instead: sqrt(1 + (n-1) rho)
// on the cross-coin mean and sqrt(1 - rho) on each deviation from it.
void mix_shocks(std::vector<Coin>& coins, double rho, double common) {
  if (rho >= 0.0) {
    const double a = std::sqrt(rho), b = std::sqrt(1.0 - rho);
    for (auto& c : coins) c.shock = a * common + b * c.raw_shock;
    return;
  }
  const double n = static_cast<double>(coins.size());
  double mean = 0;
  for (const auto& c : coins) mean += c.raw_shock;
  mean /= n;
  const double on_mean = std::sqrt(std::max(0.0, 1.0 + (n - 1.0) * rho));
  const double on_dev = std::sqrt(1.0 - rho);
  for (auto& c : coins) c.shock = on_mean * mean + on_dev * (c.raw_shock - mean);
}

double jump_size(const SynthOptions& o, Coin& c) {
  return o.jump_size * c.daily_sigma * (0.5 + 0.5 * c.jump_rng.exponential(1.0));
}

// Bar extremes: the exact law of a Brownian bridge's maximum from 0 to r with variance v is
// M = (r + sqrt(r^2 - 2 v ln U)) / 2, and symmetrically for the minimum. High and low are drawn
// from these marginals, which puts them beyond open and close by construction.
void push_bar(const SynthOptions& o, const BarScale& s, Coin& c, TimeMs time, double open, double r,
              double variance, double regime_variance) {
  const double u_high = 1.0 - c.shape_rng.uniform();  // in (0, 1]
  const double u_low = 1.0 - c.shape_rng.uniform();
  const double reach_up = 0.5 * (r + std::sqrt(r * r - 2.0 * variance * std::log(u_high)));
  const double reach_down = 0.5 * (r - std::sqrt(r * r - 2.0 * variance * std::log(u_low)));
  const double close = c.close;
  const double high = std::max({open * std::exp(reach_up), open, close});
  const double low = std::min({open * std::exp(reach_down), open, close});

  c.volume_level = s.volume_phi * c.volume_level + s.volume_shock_sd * c.shape_rng.normal();
  const double move = std::min(std::abs(r) / c.bar_sigma, kVolumeMoveCap);
  const double log_value = std::log(o.daily_volume * s.days) + c.volume_level +
                           kVolumeMoveBeta * (move - kVolumeMeanAbsMove) +
                           0.5 * std::log(regime_variance * c.garch) +
                           kVolumeNoise * c.shape_rng.normal() -
                           0.5 * (kVolumeNoise * kVolumeNoise + kVolumeLevelSd * kVolumeLevelSd);
  const double volume = std::exp(log_value) / close;
  c.out.push_back({time, open, high, low, close, volume, kUnknownTrades});
}

// Everything shared by all coins at one bar.
struct Market {
  RegimeModel model;
  Regime regime = Regime::Ranging;
  double trend_sign = 1.0;
};

void enter_regime(Market& m, Regime next, Rng& regime_rng, std::vector<Coin>& coins,
                  const SynthOptions& o) {
  m.regime = next;
  if (next == Regime::Trending) {
    m.trend_sign = regime_rng.bernoulli(0.5) ? 1.0 : -1.0;
    for (auto& c : coins) {
      c.trend_drift =
          m.trend_sign * o.trend_strength * c.annual_vol * (0.5 + c.shape_rng.uniform());
    }
  } else if (next == Regime::Ranging) {
    for (auto& c : coins) c.level = c.log_price;
  }
}

Regime draw_initial_regime(const RegimeModel& model, Rng& rng) {
  const double u = rng.uniform();
  if (u < model.share[0]) return Regime::Trending;
  if (u < model.share[0] + model.share[1]) return Regime::Ranging;
  return Regime::Volatile;
}

void step_regime(Market& m, const BarScale& s, Rng& rng, std::vector<Coin>& coins,
                 const SynthOptions& o) {
  const auto k = static_cast<int>(m.regime);
  if (rng.uniform() < s.stay[k]) return;
  const int shift = rng.bernoulli(0.5) ? 1 : 2;
  enter_regime(m, static_cast<Regime>((k + shift) % 3), rng, coins, o);
}

// Advances one coin by one bar: return, GARCH update, then the candle.
void step_coin(const SynthOptions& o, const BarScale& s, const Market& m, Coin& c, TimeMs time,
               int common_jumps, const double* common_signs) {
  const auto k = static_cast<int>(m.regime);
  double jump = 0;
  for (int e = 0; e < common_jumps; ++e) jump += common_signs[e] * jump_size(o, c);
  for (int e = poisson(c.jump_rng, s.own_jumps[k]); e > 0; --e) {
    const double sign = c.jump_rng.bernoulli(o.jump_down_share) ? -1.0 : 1.0;
    jump += sign * jump_size(o, c);
  }
  // Compensating the jumps' mean keeps the log price driftless: skewed jumps shape the tails
  // without bleeding the price away over long runs.
  double drift = -(s.own_jumps[k] + s.common_jumps[k]) * c.mean_jump -
                 s.anchor_pull * (c.log_price - c.start_log_price);
  if (m.regime == Regime::Trending) drift += c.trend_drift * s.years;
  if (m.regime == Regime::Ranging) drift -= s.range_pull * (c.log_price - c.level);

  const double variance = c.bar_sigma * c.bar_sigma * m.model.variance[k] * c.garch;
  const double r = drift + std::sqrt(variance) * c.shock + jump;
  const double open = c.close;
  c.log_price += r;
  c.close = std::exp(c.log_price);
  c.level += s.level_follow * (c.log_price - c.level);
  push_bar(o, s, c, time, open, r, variance, m.model.variance[k]);

  const double omega = 1.0 - o.garch_alpha - o.garch_beta;
  c.garch = omega + (o.garch_alpha * c.shock * c.shock + o.garch_beta) * c.garch;
  c.garch = std::min(c.garch, kMaxGarchVariance);
}

std::vector<Coin> make_coins(const SynthOptions& o) {
  std::vector<Coin> coins;
  coins.reserve(o.coins.size());
  for (std::size_t i = 0; i < o.coins.size(); ++i) {
    const std::uint64_t id = name_hash(o.coins[i]);
    const CoinProfile p = profile_of(o.coins[i]);
    Coin c(o.seed, id);
    c.annual_vol = o.annual_vols.empty() ? p.annual_vol : o.annual_vols[i];
    c.daily_sigma = c.annual_vol / std::sqrt(kDaysPerYear);
    // Magnitudes average jump_size daily sigmas (0.5 + 0.5 * Exp(1) has mean 1).
    c.mean_jump = (1.0 - 2.0 * o.jump_down_share) * o.jump_size * c.daily_sigma;
    c.close = o.start_prices.empty() ? p.price : o.start_prices[i];
    c.log_price = std::log(c.close);
    c.level = c.log_price;
    c.start_log_price = c.log_price;
    c.volume_level = kVolumeLevelSd * c.shape_rng.normal();
    c.out.reserve(o.bars);
    coins.push_back(std::move(c));
  }
  return coins;
}

}  // namespace

std::string_view regime_name(Regime regime) {
  switch (regime) {
    case Regime::Trending:
      return "trending";
    case Regime::Ranging:
      return "ranging";
    case Regime::Volatile:
      return "volatile";
  }
  return "unknown";
}

SynthMarket generate_market(const SynthOptions& o,
                            const std::function<void(std::size_t, std::size_t)>& progress) {
  check_options(o);
  std::vector<Coin> coins = make_coins(o);
  Rng regime_rng(o.seed, {kRegimeStream});
  Rng common_rng(o.seed, {kCommonStream});
  Rng common_jump_rng(o.seed, {kCommonJumpStream});

  Market market;
  market.model = make_regime_model(o);
  enter_regime(market, draw_initial_regime(market.model, regime_rng), regime_rng, coins, o);

  SynthMarket result;
  result.regimes.reserve(o.bars);
  BarScale scale;
  std::vector<double> common_signs;
  TimeMs time = o.start;
  for (std::size_t t = 0; t < o.bars; ++t) {
    const TimeMs next = o.interval.next(time);
    if (next - time != scale.bar_ms) {
      scale = make_bar_scale(o, market.model, next - time);
      for (auto& c : coins) c.bar_sigma = c.annual_vol * std::sqrt(scale.years);
    }
    if (t > 0) step_regime(market, scale, regime_rng, coins, o);
    result.regimes.push_back(market.regime);

    const double common = common_rng.student_t_unit(o.tail_dof);
    const int jumps = poisson(common_jump_rng, scale.common_jumps[static_cast<int>(market.regime)]);
    common_signs.clear();
    for (int e = 0; e < jumps; ++e) {
      common_signs.push_back(common_jump_rng.bernoulli(o.jump_down_share) ? -1.0 : 1.0);
    }
    for (auto& c : coins) c.raw_shock = c.shock_rng.student_t_unit(o.tail_dof);
    mix_shocks(coins, o.correlation, common);
    for (auto& c : coins) step_coin(o, scale, market, c, time, jumps, common_signs.data());

    time = next;
    if (progress && (t + 1) % kProgressEvery == 0 && t + 1 < o.bars) progress(t + 1, o.bars);
  }

  result.candles.reserve(coins.size());
  result.funding.reserve(coins.size());
  for (std::size_t i = 0; i < coins.size(); ++i) {
    const std::uint64_t id = name_hash(o.coins[i]);
    result.funding.push_back(synth_detail::make_funding(o, o.coins[i], coins[i].out, time,
                                                        Rng(o.seed, {kFundingStream, id})));
    result.candles.push_back({SeriesKey{o.venue, o.coins[i], o.interval}, std::move(coins[i].out)});
  }
  if (progress) progress(o.bars, o.bars);
  return result;
}

}  // namespace organism::data

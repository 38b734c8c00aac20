// allocate(): steps 1-7 of allocator.hpp. The estimators live in score.hpp (score, correlation),
// shrinkage.hpp (Ledoit-Wolf) and kelly.hpp; target_exposures() in target_exposures.cpp.
#include "portfolio/allocator.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>

#include "core/error.hpp"
#include "indicators/regime.hpp"
#include "portfolio/kelly.hpp"
#include "portfolio/score.hpp"
#include "portfolio/shrinkage.hpp"
#include "validate/sharpe_stats.hpp"

namespace organism::portfolio {

namespace {

// A number in a `dropped` reason: short, but never rounded into a contradiction (0.7001 > 0.7).
std::string num(double v) { return fmt::format("{:.4g}", v); }

// A regime code's parts {vol, trend, sentiment}; each part 0 is Unknown.
std::array<std::uint8_t, 3> regime_parts(std::uint8_t code) {
  const auto r = indicators::Regime::from_code(code);
  return {static_cast<std::uint8_t>(r.vol), static_cast<std::uint8_t>(r.trend), static_cast<std::uint8_t>(r.sentiment)};
}

void check_series(std::size_t size, std::size_t bars, const std::string& what) {
  if (size != bars) {
    throw core::UsageError(
        fmt::format("allocate: {} has {} values, the input has {} bars", what, size, bars));
  }
}

// Lengths everywhere; finite returns and valid regime codes where the decision reads them.
void check_input(const AllocatorInput& input, std::size_t t, std::size_t begin,
                 const Allocation* previous) {
  if (t > input.bars) {
    throw core::UsageError(
        fmt::format("allocate: decision bar {} is beyond the input's {} bars", t, input.bars));
  }
  for (const auto& s : input.strategies) {
    if (s.legs.empty())
      throw core::UsageError(fmt::format("allocate: strategy {} has no legs", s.id));
    for (const auto& leg : s.legs) {
      const std::string where = fmt::format("strategy {} leg {}", s.id, leg.coin);
      check_series(leg.returns.size(), input.bars, where + " returns");
      if (!leg.regimes.empty()) check_series(leg.regimes.size(), input.bars, where + " regimes");
      for (std::size_t i = begin; i < t; ++i) {
        if (!std::isfinite(leg.returns[i])) {
          throw core::UsageError(
              fmt::format("allocate: {} return at bar {} is not finite", where, i));
        }
      }
      for (std::size_t i = begin == 0 ? 0 : begin - 1; i < t && !leg.regimes.empty(); ++i) {
        if (leg.regimes[i] >= indicators::kRegimeCodes) {
          throw core::UsageError(fmt::format(
              "allocate: {} regime code {} at bar {} is not a regime", where, leg.regimes[i], i));
        }
      }
    }
  }
  for (const auto& c : input.coins) {
    for (auto series : {c.liquidity, c.volatility, c.momentum}) {
      if (!series.empty()) check_series(series.size(), input.bars, "coin " + c.coin + " features");
    }
  }
  if (previous == nullptr) return;
  bool same = previous->strategies.size() == input.strategies.size();
  for (std::size_t s = 0; same && s < input.strategies.size(); ++s) {
    const auto& a = previous->strategies[s];
    const auto& b = input.strategies[s];
    same = a.id == b.id && a.legs.size() == b.legs.size();
    for (std::size_t j = 0; same && j < b.legs.size(); ++j) same = a.legs[j].coin == b.legs[j].coin;
  }
  if (!same) {
    throw core::UsageError(
        "allocate: the previous allocation is of other strategies or legs than the input");
  }
}

// The strategy's return over each bar of [begin, t): the mean of its legs'.
std::vector<double> strategy_returns(const StrategyHistory& s, std::size_t begin, std::size_t t) {
  std::vector<double> r(t - begin, 0.0);
  for (const auto& leg : s.legs) {
    for (std::size_t i = begin; i < t; ++i) r[i - begin] += leg.returns[i];
  }
  for (double& v : r) v /= static_cast<double>(s.legs.size());
  return r;
}

// Step 5's tilt: per leg, its share of the strategy's weight, softmax of the tilt exponents with
// each coin's features at t - 1 standardized (population std) across the input's coins. A
// missing or not yet known feature has z = 0 (no tilt from it).
std::vector<double> leg_shares(const StrategyHistory& s, const std::vector<CoinFeatures>& coins,
                               std::size_t t, const SizingParams& sizing) {
  std::vector<double> exponent(s.legs.size(), 0.0);
  const auto tilt = [&](double weight, std::span<const double> CoinFeatures::*feature) {
    if (weight == 0) return;
    std::vector<double> value(coins.size(), std::nan(""));
    double sum = 0, count = 0;
    for (std::size_t c = 0; c < coins.size(); ++c) {
      const auto series = coins[c].*feature;
      if (!series.empty() && std::isfinite(series[t - 1])) {
        value[c] = series[t - 1];
        sum += value[c];
        ++count;
      }
    }
    if (count == 0) return;
    const double mean = sum / count;
    double var = 0;
    for (double v : value) var += std::isfinite(v) ? (v - mean) * (v - mean) : 0.0;
    const double sd = std::sqrt(var / count);
    if (!(sd > 0)) return;
    for (std::size_t j = 0; j < s.legs.size(); ++j) {
      const auto it = std::find_if(coins.begin(), coins.end(),
                                   [&](const auto& c) { return c.coin == s.legs[j].coin; });
      if (it == coins.end()) continue;
      const double v = value[static_cast<std::size_t>(it - coins.begin())];
      if (std::isfinite(v)) exponent[j] += weight * (v - mean) / sd;
    }
  };
  tilt(sizing.tilt_liquidity, &CoinFeatures::liquidity);
  tilt(sizing.tilt_volatility, &CoinFeatures::volatility);
  tilt(sizing.tilt_momentum, &CoinFeatures::momentum);
  const double top = *std::max_element(exponent.begin(), exponent.end());
  std::vector<double> share(exponent.size());
  double total = 0;
  for (std::size_t j = 0; j < share.size(); ++j) total += share[j] = std::exp(exponent[j] - top);
  for (double& v : share) v /= total;
  return share;
}

// Step 5's regime check: whether the leg lost (mean return < 0 over >= min_regime_bars bars of
// the lookback) in any known part of its coin's current regime (the code at t - 1). Return i is
// classified by the regime at i - 1, the one known when its position was decided (as
// indicators::performance_by_regime).
bool lost_in_current_regime(const LegHistory& leg, std::size_t begin, std::size_t t,
                            std::size_t min_bars) {
  if (leg.regimes.empty() || t == 0) return false;
  const auto current = regime_parts(leg.regimes[t - 1]);
  for (std::size_t part = 0; part < current.size(); ++part) {
    if (current[part] == 0) continue;  // Unknown says nothing
    double sum = 0;
    std::size_t bars = 0;
    for (std::size_t i = std::max<std::size_t>(begin, 1); i < t; ++i) {
      if (regime_parts(leg.regimes[i - 1])[part] == current[part]) {
        sum += leg.returns[i];
        ++bars;
      }
    }
    if (bars > 0 && bars >= min_bars && sum / static_cast<double>(bars) < 0) return true;
  }
  return false;
}

void sum_legs(StrategyWeight& s) {
  s.weight = 0;
  for (const auto& leg : s.legs) s.weight += leg.weight;
}

void scale_legs(StrategyWeight& s, double factor) {
  for (auto& leg : s.legs) leg.weight *= factor;
  sum_legs(s);
}

// Step 6: the per-strategy cap, then the gross cap on the sum (all scaled by one factor).
void apply_caps(Allocation& a, const Caps& caps) {
  const double cap = std::min(caps.per_strategy, kHardStrategyCap);
  for (auto& s : a.strategies) {
    sum_legs(s);
    if (s.weight > cap) scale_legs(s, cap / s.weight);
  }
  const double total = a.total_weight();
  if (total > caps.gross) {
    for (auto& s : a.strategies) scale_legs(s, caps.gross / total);
  }
}

// Step 7: a weighted strategy's leg within `band` of its previous weight keeps it. A dropped
// strategy goes to 0 whatever its old weight: the band saves fees on noise, not on a verdict.
void apply_band(Allocation& a, const Allocation& previous, double band) {
  for (std::size_t s = 0; s < a.strategies.size(); ++s) {
    auto& now = a.strategies[s];
    if (!now.dropped.empty()) continue;
    for (std::size_t j = 0; j < now.legs.size(); ++j) {
      const double old = previous.strategies[s].legs[j].weight;
      if (std::abs(now.legs[j].weight - old) < band) now.legs[j].weight = old;
    }
    sum_legs(now);
    if (now.weight == 0)
      now.dropped = fmt::format("band: kept its previous weight 0 (change < {})", num(band));
  }
}

}  // namespace

double Allocation::total_weight() const {
  double total = 0;
  for (const auto& s : strategies) total += s.weight;
  return total;
}

bool rebalance_due(std::size_t t, std::size_t first, const AllocatorOptions& options) {
  if (t < first) return false;
  return options.rebalance_bars == 0 ? t == first : (t - first) % options.rebalance_bars == 0;
}

Allocation allocate(const AllocatorInput& input, std::size_t t, const AllocatorOptions& options,
                    const Allocation* previous) {
  check_options(options);
  const std::size_t lookback = std::min(options.lookback_bars, t);
  const std::size_t begin = t - lookback;
  check_input(input, t, begin, previous);

  Allocation out;
  out.bar = t;
  for (const auto& s : input.strategies) {
    StrategyWeight w;
    w.id = s.id;
    for (const auto& leg : s.legs) w.legs.push_back(LegWeight{leg.coin, 0.0, 1.0});
    out.strategies.push_back(std::move(w));
  }
  const std::size_t n = input.strategies.size();

  // 1. history.
  if (lookback < options.min_history_bars) {
    for (auto& w : out.strategies)
      w.dropped = fmt::format("history {} < {} bars", lookback, options.min_history_bars);
    return out;
  }

  // 2. score.
  std::vector<std::vector<double>> returns(n);
  std::vector<validate::ReturnMoments> moments(n);
  std::vector<std::size_t> candidates;
  const double days_per_bar = 365.0 / options.bars_per_year;
  for (std::size_t s = 0; s < n; ++s) {
    returns[s] = strategy_returns(input.strategies[s], begin, t);
    moments[s] = validate::return_moments(returns[s]);
    const double age =
        input.strategies[s].age_days_at_start + static_cast<double>(t) * days_per_bar;
    out.strategies[s].score = score_stream(returns[s], age, options).score;
    if (out.strategies[s].score > 0) {
      candidates.push_back(s);
    } else {
      out.strategies[s].dropped = fmt::format("score {} <= 0", num(out.strategies[s].score));
    }
  }

  // 3. correlation filter, highest score first (ties: input order).
  std::stable_sort(candidates.begin(), candidates.end(), [&](std::size_t a, std::size_t b) {
    return out.strategies[a].score > out.strategies[b].score;
  });
  std::vector<std::size_t> kept;
  for (std::size_t c : candidates) {
    double worst = -2;
    std::size_t with = 0;
    for (std::size_t k : kept) {
      if (moments[c].variance == 0 || moments[k].variance == 0)
        continue;  // a constant copies nothing
      const double rho = pearson(returns[c], returns[k]);
      if (rho > worst) worst = rho, with = k;
    }
    if (worst > options.caps.correlation) {
      out.strategies[c].dropped =
          fmt::format("correlated {} > {} with {}", num(worst), num(options.caps.correlation),
                      input.strategies[with].id);
    } else {
      kept.push_back(c);
    }
  }
  std::sort(kept.begin(), kept.end());  // the solve in input order

  // 4. fractional Kelly on the Ledoit-Wolf covariance; a stream without variance has no Kelly
  // fraction (its covariance row is zero).
  std::vector<std::size_t> sized;
  for (std::size_t s : kept) {
    if (moments[s].variance == 0) {
      out.strategies[s].dropped = "kelly 0 (no variance)";
    } else {
      sized.push_back(s);
    }
  }
  if (!sized.empty()) {
    std::vector<std::vector<double>> streams;
    std::vector<double> mean;
    for (std::size_t s : sized) {
      streams.push_back(returns[s]);
      mean.push_back(moments[s].mean);
    }
    const ShrunkCovariance cov = ledoit_wolf(streams);
    const std::vector<double> f = long_only_kelly(mean, cov.matrix, options.sizing.kelly_fraction);
    for (std::size_t i = 0; i < sized.size(); ++i) {
      auto& w = out.strategies[sized[i]];
      w.kelly = f[i];
      if (f[i] > 0) continue;
      w.dropped = mean[i] < 0
                      ? fmt::format("kelly 0 (negative edge: mean {} per bar)", num(mean[i]))
                      : fmt::format("kelly 0 (no edge beyond the kept strategies; mean {} per bar)",
                                    num(mean[i]));
    }
  }

  // 5. legs: the tilt split, then the regime scale.
  for (std::size_t s = 0; s < n; ++s) {
    auto& w = out.strategies[s];
    if (!w.dropped.empty()) continue;
    const auto& strategy = input.strategies[s];
    const std::vector<double> share = leg_shares(strategy, input.coins, t, options.sizing);
    for (std::size_t j = 0; j < w.legs.size(); ++j) {
      w.legs[j].weight = w.kelly * share[j];
      if (lost_in_current_regime(strategy.legs[j], begin, t, options.min_regime_bars)) {
        w.legs[j].regime_scale = options.sizing.regime_scale;
        w.legs[j].weight *= options.sizing.regime_scale;
      }
    }
    sum_legs(w);
  }

  // 6. caps; 7. the band, and the caps again so that they hold after it.
  apply_caps(out, options.caps);
  if (previous != nullptr) {
    apply_band(out, *previous, options.sizing.band);
    apply_caps(out, options.caps);
  }
  return out;
}

}  // namespace organism::portfolio

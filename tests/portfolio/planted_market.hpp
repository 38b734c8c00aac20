// Synthetic markets and strategies with a planted edge for the portfolio tests: independent
// random walks per coin, and targets that know the sign of the coming bars with probability p.
// Used by the walk-forward backtest tests (and any portfolio test needing a planted set).
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/random.hpp"
#include "data/market.hpp"
#include "portfolio/portfolio_backtest.hpp"

namespace organism::portfolio::test {

inline constexpr core::TimeMs kStart = 1'704'067'200'000;  // 2024-01-01T00:00:00Z
inline constexpr core::TimeMs kHour = 3'600'000;

// `coins` independent geometric random walks of `bars` 1h bars, bar log-returns N(0, sigma^2);
// each bar opens at the previous close, so a NextOpen fill is at the decision close.
inline data::Market random_walk_market(std::size_t coins, std::size_t bars, std::uint64_t seed,
                                       double sigma = 0.01) {
  data::Market market;
  for (std::size_t c = 0; c < coins; ++c) {
    core::Rng rng(seed, {c});
    data::CoinSeries coin;
    coin.label = "synth:C" + std::to_string(c) + ":1h";
    double close = 100;
    for (std::size_t i = 0; i < bars; ++i) {
      const double open = close;
      close = open * std::exp(sigma * rng.normal());
      const double high = std::max(open, close) * 1.001, low = std::min(open, close) * 0.999;
      coin.bars.push_back(
          {kStart + static_cast<core::TimeMs>(i) * kHour, open, high, low, close, 1000, 10});
    }
    market.coins.push_back(std::move(coin));
  }
  return market;
}

// Targets held in blocks of `hold` bars: at a block's first close the sign of the coin's return
// over the block's next `hold` bars with probability p, else the opposite sign (p < 0.5: a
// loser). The last bars, whose future is unknown, are flat.
inline std::vector<double> planted_targets(const data::Market& market, std::size_t coin, double p,
                                           std::size_t hold, std::uint64_t seed) {
  const auto close = market.coins[coin].bars.view().close;
  const std::size_t n = close.size();
  std::vector<double> target(n, 0.0);
  core::Rng rng(seed, {coin, 7});
  for (std::size_t t = 0; t + hold < n; t += hold) {
    const double future = close[t + hold] / close[t] - 1;
    const double right = future >= 0 ? 1.0 : -1.0;
    const double side = rng.bernoulli(p) ? right : -right;
    for (std::size_t k = t; k < t + hold; ++k) target[k] = side;
  }
  return target;
}

// `base` with each bar's sign flipped with probability `rate` (a near-copy).
inline std::vector<double> flipped(std::vector<double> base, double rate, std::uint64_t seed) {
  core::Rng rng(seed, {11});
  for (auto& v : base) {
    if (rng.bernoulli(rate)) v = -v;
  }
  return base;
}

inline StrategyStream stream(std::string id, std::size_t coin, std::vector<double> target) {
  StrategyStream s;
  s.id = std::move(id);
  s.coins = {coin};
  s.targets = {std::move(target)};
  s.age_days_at_start = 90;
  return s;
}

}  // namespace organism::portfolio::test

// Owned series behind an AllocatorInput (whose spans only view), and a random strategy set for
// the allocator's property and look-ahead tests.
#pragma once

#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "core/random.hpp"
#include "portfolio/allocator.hpp"

namespace organism::portfolio::test {

struct OwnedLeg {
  std::string coin;
  std::vector<double> returns;
  std::vector<std::uint8_t> regimes;
};
struct OwnedStrategy {
  std::string id;
  std::vector<OwnedLeg> legs;
  double age_days_at_start = 0;
};
struct OwnedCoin {
  std::string coin;
  std::vector<double> liquidity, volatility, momentum;
};

struct OwnedInput {
  std::vector<OwnedStrategy> strategies;
  std::vector<OwnedCoin> coins;
  std::size_t bars = 0;

  AllocatorInput view() const {
    AllocatorInput in;
    in.bars = bars;
    for (const auto& s : strategies) {
      StrategyHistory h{s.id, {}, s.age_days_at_start};
      for (const auto& leg : s.legs)
        h.legs.push_back(LegHistory{leg.coin, leg.returns, leg.regimes});
      in.strategies.push_back(std::move(h));
    }
    for (const auto& c : coins)
      in.coins.push_back(CoinFeatures{c.coin, c.liquidity, c.volatility, c.momentum});
    return in;
  }
};

// One strategy with one leg per return series (coins "C0", "C1", ...), no regimes.
inline OwnedStrategy strategy_of(std::string id, const std::vector<std::vector<double>>& legs,
                                 double age = 0) {
  OwnedStrategy s{std::move(id), {}, age};
  for (std::size_t j = 0; j < legs.size(); ++j)
    s.legs.push_back(OwnedLeg{fmt::format("C{}", j), legs[j], {}});
  return s;
}

// A random return series of one of several kinds: Gaussian with a drift, heavy-tailed (Student t
// with 3 degrees of freedom), sparse, constant (zero variance) or all zero.
inline std::vector<double> random_returns(core::Rng& rng, std::size_t bars) {
  std::vector<double> r(bars, 0.0);
  const double drift = rng.uniform(-0.002, 0.003), scale = rng.uniform(0.001, 0.03);
  switch (rng.below(6)) {
    case 0:
    case 1:
      for (double& v : r) v = drift + scale * rng.normal();
      break;
    case 2:
      for (double& v : r) v = drift + scale * rng.student_t_unit(3);
      break;
    case 3:
      for (double& v : r) v = rng.bernoulli(0.1) ? drift * 10 + scale * rng.normal() : 0.0;
      break;
    case 4:
      for (double& v : r) v = drift;
      break;
    default:
      break;
  }
  return r;
}

// 1-12 strategies, 1-4 legs over up to 6 coins; some strategies near-copies of earlier ones;
// random regimes and features (some empty, some NaN while "warming up").
inline OwnedInput random_input(core::Rng& rng, std::size_t bars) {
  OwnedInput in;
  in.bars = bars;
  const std::size_t coins = 1 + rng.below(6);
  for (std::size_t c = 0; c < coins; ++c) {
    OwnedCoin coin{fmt::format("C{}", c), {}, {}, {}};
    for (auto* f : {&coin.liquidity, &coin.volatility, &coin.momentum}) {
      if (rng.bernoulli(0.2)) continue;  // this feature unknown for the coin
      f->resize(bars);
      const std::size_t warm = rng.below(bars / 2 + 1);
      for (std::size_t i = 0; i < bars; ++i)
        f->at(i) = i < warm ? std::nan("") : rng.uniform(-1, 1) * 1e3;
    }
    in.coins.push_back(std::move(coin));
  }
  const std::size_t n = 1 + rng.below(12);
  for (std::size_t s = 0; s < n; ++s) {
    OwnedStrategy st{fmt::format("S{}", s), {}, rng.uniform(-30, 200)};
    const bool copy = s > 0 && rng.bernoulli(0.25);
    if (copy) {
      st.legs = in.strategies[rng.below(s)].legs;
      for (auto& leg : st.legs) {
        for (double& v : leg.returns) v += 1e-4 * rng.normal();
      }
    } else {
      const std::size_t legs = 1 + rng.below(4);
      for (std::size_t j = 0; j < legs; ++j) {
        OwnedLeg leg{fmt::format("C{}", rng.below(coins)), random_returns(rng, bars), {}};
        if (rng.bernoulli(0.8)) {
          leg.regimes.resize(bars);
          for (auto& code : leg.regimes) code = static_cast<std::uint8_t>(rng.below(96));
        }
        st.legs.push_back(std::move(leg));
      }
    }
    in.strategies.push_back(std::move(st));
  }
  return in;
}

}  // namespace organism::portfolio::test

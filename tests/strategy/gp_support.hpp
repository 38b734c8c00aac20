// Markets for the rule-tree tests: hand-written closes and a seeded random walk.
// Used by tests/strategy/gp_*_test.cpp.
#pragma once

#include <cmath>
#include <vector>

#include "core/random.hpp"
#include "data/series.hpp"
#include "strategy/market.hpp"

namespace organism::strategy::gp::test {

struct Market {
  data::Candles bars;
  std::vector<double> funding;

  MarketView view() const {
    MarketView v;
    v.bars = bars.view();
    v.funding_per_bar = funding;
    return v;
  }
};

// Bars whose open is the previous close and whose volume is the bar index + 1.
inline Market from_closes(const std::vector<double>& closes) {
  Market m;
  double prev = closes.empty() ? 0 : closes[0];
  for (std::size_t i = 0; i < closes.size(); ++i) {
    const double c = closes[i];
    m.bars.push_back({static_cast<data::TimeMs>(i) * 3'600'000, prev, std::max(prev, c) + 0.5,
                      std::min(prev, c) - 0.5, c, static_cast<double>(i + 1)});
    prev = c;
  }
  return m;
}

// A random walk with regime-like drift, coherent OHLC, and funding on every eighth bar.
inline Market random_market(std::size_t n, std::uint64_t seed) {
  core::Rng rng(seed, {77});
  Market m;
  double price = 100, drift = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (rng.bernoulli(0.02)) drift = 0.004 * rng.normal();
    const double open = price;
    price *= std::exp(drift + 0.01 * rng.normal());
    const double hi = std::max(open, price) * (1 + 0.003 * rng.uniform());
    const double lo = std::min(open, price) * (1 - 0.003 * rng.uniform());
    m.bars.push_back({1577836800000 + static_cast<data::TimeMs>(i) * 3'600'000, open, hi, lo, price,
                      1000 * rng.uniform()});
    m.funding.push_back(i % 8 == 7 ? 0.0001 * rng.normal() : 0.0);
  }
  return m;
}

// Equal values or both NaN.
inline bool same(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }

}  // namespace organism::strategy::gp::test

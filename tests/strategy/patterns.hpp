// Synthetic markets for the strategy tests: flat, trend up then down, sine oscillation, steps up
// and down, and a seeded random walk; each with coherent OHLCV, funding and sentiment.
#pragma once

#include <cmath>
#include <numbers>
#include <string>
#include <vector>

#include "core/random.hpp"
#include "data/series.hpp"
#include "strategy/market.hpp"

namespace organism::strategy::test {

inline constexpr std::int64_t kStart = 1'704'067'200'000;  // 2024-01-01 00:00 UTC
inline constexpr std::int64_t kHour = 3'600'000;
inline constexpr std::size_t kBars = 600;

// Bars and the series a MarketView points into; keep it alive while the view is used.
struct Pattern {
  std::string name;
  data::Candles bars;
  std::vector<double> funding;    // per bar: 0 for a third, then +0.0003/h, then -0.0003/h
  std::vector<double> sentiment;  // Fear & Greed: a slow sine between 5 and 95

  MarketView view() const { return view(bars.size()); }
  // The first `n` bars only, for no-look-ahead checks.
  MarketView view(std::size_t n) const {
    MarketView v;
    v.bars = bars.view(0, n);
    v.interval = *core::Interval::parse("1h");
    v.funding_per_bar = std::span<const double>(funding).first(n);
    v.sentiment = std::span<const double>(sentiment).first(n);
    return v;
  }
};

// Each bar opens at the previous close; high and low extend a quarter of the body beyond it, so a
// flat series has high == low == close.
inline Pattern make_pattern(std::string name, const std::vector<double>& closes) {
  Pattern p;
  p.name = std::move(name);
  double prev = closes.front();
  for (std::size_t i = 0; i < closes.size(); ++i) {
    const double c = closes[i], o = prev, body = std::abs(c - o);
    const double h = std::max(o, c) + 0.25 * body, l = std::min(o, c) - 0.25 * body;
    p.bars.push_back({kStart + static_cast<std::int64_t>(i) * kHour, o, h, l, c,
                      1000.0 + 10.0 * static_cast<double>(i % 7), 10});
    prev = c;
    const std::size_t third = closes.size() / 3;
    p.funding.push_back(i < third ? 0.0 : (i < 2 * third ? 0.0003 : -0.0003));
    p.sentiment.push_back(50 +
                          45 * std::sin(2 * std::numbers::pi * static_cast<double>(i) / 200.0));
  }
  return p;
}

// Closes of log returns r_t = phi r_{t-1} + 1% noise from 100: with phi > 0 the last return
// predicts the next one (a planted, learnable relation); phi = 0 is a pure random walk.
inline std::vector<double> ar1_closes(double phi, std::size_t n, core::Rng& rng) {
  std::vector<double> c;
  double x = 100, r = 0;
  for (std::size_t i = 0; i < n; ++i) {
    r = phi * r + 0.01 * rng.normal();
    x *= std::exp(r);
    c.push_back(x);
  }
  return c;
}

inline Pattern flat() { return make_pattern("flat", std::vector<double>(kBars, 100.0)); }

// Linear up from 100 to 200 over half the bars, then back down.
inline Pattern trend() {
  std::vector<double> c;
  for (std::size_t i = 0; i < kBars; ++i) {
    const double half = kBars / 2.0, x = static_cast<double>(i);
    c.push_back(x < half ? 100 + 100 * x / half : 200 - 100 * (x - half) / half);
  }
  return make_pattern("trend", c);
}

// 100 + 10 sin(2 pi t / 50).
inline Pattern oscillation() {
  std::vector<double> c;
  for (std::size_t i = 0; i < kBars; ++i)
    c.push_back(100 + 10 * std::sin(2 * std::numbers::pi * static_cast<double>(i) / 50.0));
  return make_pattern("oscillation", c);
}

// 100 for a third, 120 for a third, then 90.
inline Pattern step() {
  std::vector<double> c;
  for (std::size_t i = 0; i < kBars; ++i)
    c.push_back(i < kBars / 3 ? 100.0 : (i < 2 * kBars / 3 ? 120.0 : 90.0));
  return make_pattern("step", c);
}

// A seeded random walk with 1% hourly steps: the series the no-look-ahead checks cut.
inline Pattern random_walk(std::uint64_t seed, std::size_t n = kBars) {
  core::Rng rng(seed);
  std::vector<double> c;
  double x = 100;
  for (std::size_t i = 0; i < n; ++i) {
    x *= std::exp(0.01 * rng.normal());
    c.push_back(x);
  }
  Pattern p = make_pattern("random_walk", c);
  for (auto& f : p.funding) f = 0.0002 * rng.normal();
  return p;
}

inline std::vector<Pattern> all_patterns() { return {flat(), trend(), oscillation(), step()}; }

// Entries: bars where the exposure becomes non-zero or changes sign; exits: bars where a non-zero
// exposure becomes zero or changes sign (a flip counts as both).
struct Events {
  int entries = 0, exits = 0;
};
inline Events count_events(std::span<const double> e) {
  Events ev;
  double prev = 0;
  for (double x : e) {
    const int s = (x > 0) - (x < 0), ps = (prev > 0) - (prev < 0);
    if (s != 0 && s != ps) ++ev.entries;
    if (ps != 0 && s != ps) ++ev.exits;
    prev = x;
  }
  return ev;
}

}  // namespace organism::strategy::test

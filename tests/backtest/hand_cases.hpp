// Small hand-made markets and cost settings shared by the simulator and portfolio tests.
#pragma once

#include <array>
#include <initializer_list>

#include "backtest/models.hpp"
#include "data/series.hpp"

namespace organism::backtest::hand_cases {

constexpr core::TimeMs kT0 = 1704067200000;  // 2024-01-01 00:00 UTC
constexpr core::TimeMs kH = 3'600'000;

// Bars from (open, high, low, close) rows, hourly from kT0.
inline data::Candles bars(std::initializer_list<std::array<double, 4>> rows) {
  data::Candles c;
  core::TimeMs t = kT0;
  for (const auto& r : rows) {
    c.push_back({t, r[0], r[1], r[2], r[3], 1.0});
    t += kH;
  }
  return c;
}

// Bars with open = high = low = close.
inline data::Candles flat_bars(std::initializer_list<double> closes) {
  data::Candles c;
  core::TimeMs t = kT0;
  for (double p : closes) {
    c.push_back({t, p, p, p, p, 1.0});
    t += kH;
  }
  return c;
}

inline BacktestConfig costless() {
  BacktestConfig c;
  c.fees.taker = 0;
  c.slippage.fraction = 0;
  return c;
}

}  // namespace organism::backtest::hand_cases

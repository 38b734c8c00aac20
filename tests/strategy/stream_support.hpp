// Streaming-versus-batch helpers for the strategy tests: the real Hyperliquid BTC 1h market from
// ../shared/data, a family stream fed one bar at a time, and a bitwise comparison.
// Used by tests/strategy/gp_stream_test.cpp and ml_stream_test.cpp.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "data/align.hpp"
#include "data/import.hpp"
#include "strategy/family.hpp"
#include "support/test_support.hpp"

namespace organism::strategy::test {

// Candles with the funding settled during each bar, owning what a MarketView points at.
struct RealMarket {
  data::Candles bars;
  std::vector<double> funding;
  std::vector<double> sentiment;  // Fear & Greed per bar
  core::Interval interval = *core::Interval::parse("1h");

  MarketView view() const {
    MarketView v;
    v.bars = bars.view();
    v.interval = interval;
    v.funding_per_bar = funding;
    v.sentiment = sentiment;
    return v;
  }
};

// Hyperliquid BTC 1h (7,792 bars) with Hyperliquid's hourly funding and Fear & Greed, or nullopt
// when ../shared is absent (the caller skips).
inline std::optional<RealMarket> hyperliquid_btc_1h() {
  const auto dir = organism::test::shared_dir();
  if (!dir) return std::nullopt;
  const auto data = *dir / "data";
  RealMarket m;
  m.bars = data::parse_file((data / "ohlcv/hyperliquid/BTC-1h.csv.gz").string(), {}).candles->bars;
  const auto funding =
      data::parse_file((data / "funding/hyperliquid/BTC.csv.gz").string(), {}).funding;
  m.funding = data::funding_per_bar(m.bars.time(), m.interval.nominal_ms(), *funding);
  const auto fg = data::parse_file((data / "sentiment/fear_greed.csv.gz").string(), {}).sentiment;
  m.sentiment = data::sentiment_per_bar(m.bars.time(), *fg);
  return m;
}

// on_bar(so_far) at every bar t, fed the market's bars [0, t] for t = 0, 1, ... (funding and
// sentiment likewise, no cache): what a stream sees as bars arrive.
template <class OnBar>
std::vector<double> fed_bar_by_bar(const MarketView& market, OnBar on_bar) {
  std::vector<double> out(market.bars.size());
  for (std::size_t t = 0; t < out.size(); ++t) {
    MarketView so_far = market;
    so_far.bars = market.bars.slice(0, t + 1);
    if (!market.funding_per_bar.empty())
      so_far.funding_per_bar = market.funding_per_bar.first(t + 1);
    if (!market.sentiment.empty()) so_far.sentiment = market.sentiment.first(t + 1);
    so_far.cache = nullptr;
    out[t] = on_bar(so_far);
  }
  return out;
}

// The stream's exposure at every bar (fed_bar_by_bar).
inline std::vector<double> stream_exposures(FamilyStream& stream, const MarketView& market) {
  return fed_bar_by_bar(market, [&](const MarketView& so_far) { return stream.on_bar(so_far); });
}

// Same bits, or both NaN.
inline bool same_bits(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

// Index of the first bar where the two differ, or -1.
inline long first_difference(std::span<const double> a, std::span<const double> b) {
  if (a.size() != b.size()) return 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!same_bits(a[i], b[i])) return static_cast<long>(i);
  }
  return -1;
}

}  // namespace organism::strategy::test

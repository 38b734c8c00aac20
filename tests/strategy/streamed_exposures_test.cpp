// streamed_exposures (the --stream path of `organism backtest`): a Runtime fed the bars one at a
// time gives strategy::exposures bit for bit, with every feed present and with feeds missing.
#include "strategy/streamed_exposures.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <string>

#include "strategy/genome.hpp"
#include "strategy/patterns.hpp"

namespace organism::strategy {
namespace {

bool same_bits(std::span<const double> a, std::span<const double> b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::bit_cast<std::uint64_t>(a[i]) != std::bit_cast<std::uint64_t>(b[i])) return false;
  }
  return true;
}

std::size_t changes(std::span<const double> e) {
  std::size_t n = 0;
  for (std::size_t i = 1; i < e.size(); ++i) n += e[i] != e[i - 1] ? 1 : 0;
  return n;
}

TEST(StreamedExposures, EqualsBatchWithTheFearGreedFilter) {
  const auto walk = test::random_walk(7);
  for (const std::string family :
       {"ema_cross", "donchian_breakout", "rsi_reversion", "vol_scaling"}) {
    Genome g = default_genome(family);
    g.regime.fg_on = true;  // reads the sentiment feed: closed on the fearful and greedy extremes
    g.regime.fg_low = 20;
    g.regime.fg_high = 80;
    const auto view = walk.view();
    const auto batch = exposures(g, view);
    EXPECT_TRUE(same_bits(streamed_exposures(g, view), batch)) << family;
    EXPECT_GT(changes(batch), 2u) << family << " hardly trades: the comparison would prove little";
  }
}

TEST(StreamedExposures, MissingFeedsAreMissingForBothPaths) {
  const auto walk = test::random_walk(11);
  Genome g = default_genome("funding_carry");
  auto view = walk.view();
  view.funding_per_bar = {};
  view.sentiment = {};
  const auto batch = exposures(g, view);
  EXPECT_TRUE(same_bits(streamed_exposures(g, view), batch));
  // With funding the carry family trades on it: the feed reached the stream.
  const auto with_funding = walk.view();
  EXPECT_TRUE(same_bits(streamed_exposures(g, with_funding), exposures(g, with_funding)));
  EXPECT_FALSE(same_bits(exposures(g, with_funding), batch));
}

}  // namespace
}  // namespace organism::strategy

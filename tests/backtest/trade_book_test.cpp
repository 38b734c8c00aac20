#include "backtest/trade_book.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "backtest/metrics.hpp"

namespace organism::backtest {
namespace {

// A long position resized bar by bar, as volatility targeting does, cut to a sliver of a unit
// (1e-16 of its size), grown, cut again and grown by a sliver before it closes. The book used to
// keep its size as a running sum of the changes; after the cuts the sum had drifted below 0
// while units remained, the averaged entry price came out at -463.88, and compute_metrics
// refused the closed trade ("metrics: closed trade 0 needs a positive size and entry price and a
// finite pnl"), stopping the run that evaluated the genome.
TEST(TradeBook, ResizesDownToASliverKeepAPositiveAveragedEntryPrice) {
  const std::vector<double> units = {
      1.1529766502307515,     1.4084400982745007,   5.1615705132243935e-16, 1.1972262834029639,
      1.0385564485112475e-16, 9.21809053497613e-17, 1.0393936632964673e-16};
  const std::vector<double> prices = {96.38319327825492,  100.01033973525563, 98.54515604505809,
                                      107.88886131955688, 95.37024020587423,  107.57448979891895,
                                      103.81780719986043};
  TradeBook book;
  double held = 0;
  for (std::size_t i = 0; i < units.size(); ++i) {
    book.fill(held, units[i], prices[i], 0.0, static_cast<core::TimeMs>(i), ExitReason::Signal);
    held = units[i];
    EXPECT_TRUE(book.has_open()) << "fill " << i;
  }
  book.fill(held, 0, 100.0, 0.0, 7, ExitReason::Signal);
  ASSERT_EQ(book.closed().size(), 1u);
  const Trade& t = book.closed()[0];
  // An average of fill prices lies between the lowest and the highest of them.
  EXPECT_GE(t.entry_price, *std::min_element(prices.begin(), prices.end()));
  EXPECT_LE(t.entry_price, *std::max_element(prices.begin(), prices.end()));
  EXPECT_DOUBLE_EQ(t.size, 1.4084400982745007);  // the largest the position was
  EXPECT_TRUE(std::isfinite(t.pnl));

  const std::vector<double> equity = {1000, 1001}, exposure = {1, 0};
  MetricsOptions options;
  options.bars_per_year = 8760;
  options.initial_equity = 1000;
  EXPECT_NO_THROW(compute_metrics(equity, exposure, book.closed(), options));
}

}  // namespace
}  // namespace organism::backtest

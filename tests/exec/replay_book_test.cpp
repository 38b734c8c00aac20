// replay --fill book against replay --fill bar on the real Hyperliquid ETH 1h file (hourly
// funding): the same decisions, and a difference in results that the fill prices (and the sizes
// and fees they lead to) explain, within a bound derived from the simulator's synthetic book
// (docs/exchange-sim.md). Skipped with a message when ../shared is absent.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "exec/replay.hpp"
#include "strategy/family.hpp"
#include "shared_eth_market.hpp"
#include "support/test_support.hpp"

namespace organism::exec {
namespace {

constexpr std::size_t kBars = 1500;
constexpr core::TimeMs kLatencyMs = 50;

std::optional<data::Market> eth_market() { return testing::shared_eth_market("hyperliquid", kBars); }

struct Runs {
  ReplayResult bar, book;
};

// Both brokers on the same bars and costs. Slippage 0: a bar fill is the open itself, so a book
// fill's distance from it is what the book adds. Fees: the cost model's in both (the paper engine
// charges them).
Runs both(const strategy::Genome& genome, const data::Market& market) {
  ReplayOptions options;
  options.costs.slippage.fraction = 0;
  options.capital = options.costs.initial_cash;
  options.latency_ms = kLatencyMs;
  backtest::MetricsOptions mo;
  mo.bars_per_year = market.interval.bars_per_year();
  mo.initial_equity = options.capital;
  Runs out;
  out.bar = replay(genome, "g", market, options, mo);
  options.fill = ReplayFill::book;
  out.book = replay(genome, "g", market, options, mo);
  return out;
}

// The largest distance of a book fill from the price it was drawn around, as a fraction of it:
// the half-spread's maximum, price x (0.00002 + 0.02 x range) x 1.25 with range = (high - low) /
// open of the bar whose tick it is, plus one price tick (5 significant figures: best bid and ask
// are snapped outward), for an order that the best level holds (ETH levels hold at least $1000 x
// 0.5; the orders here are ~$10k against levels of hundreds of ETH: no walk).
double book_bound(const data::Bar& bar) {
  const double range = (bar.high - bar.low) / bar.open;
  const double tick = std::pow(10.0, std::floor(std::log10(bar.open)) - 4);
  return (0.00002 + 0.02 * range) * 1.25 + tick / bar.open;
}

class ReplayBook : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { market_ = new std::optional<data::Market>(eth_market()); }
  static void TearDownTestSuite() {
    delete market_;
    market_ = nullptr;
  }
  void SetUp() override {
    if (!*market_) GTEST_SKIP() << "../shared/data is absent: replay --fill book on ETH 1h skipped";
  }
  static std::optional<data::Market>* market_;
};
std::optional<data::Market>* ReplayBook::market_ = nullptr;

// What one genome's comparison measured, for the figures printed and the assertions.
struct Measured {
  double worst_bound_ratio = 0;     // max over fills compared of |price_book - price_bar| / bound
  double worst_bps = 0;             // the same distance in basis points of the bar price
  double worst_size_vs_equity = 0;  // max |size_book/size_bar - equity_book/equity_bar| at entry
  double price_part = 0, size_part = 0, bound_total = 0;
};

// The decisions of both runs trade for trade, and their prices within the book bound.
Measured compare(const Runs& runs, const data::Market& market, const std::string& what) {
  const auto& bars = market.coins.front().bars;
  const auto &a_trades = runs.bar.trades, &b_trades = runs.book.trades;
  Measured m;
  EXPECT_EQ(a_trades.size(), b_trades.size()) << what;
  if (a_trades.size() != b_trades.size()) return m;
  const auto check_price = [&](double got, double want, core::TimeMs time, std::size_t k) {
    const double bound = book_bound(bars.bar(bars.lower_bound(time)));
    const double dev = std::abs(got - want) / want;
    EXPECT_LE(dev, bound) << what << " trade " << k << ": " << got << " vs " << want;
    m.worst_bound_ratio = std::max(m.worst_bound_ratio, dev / bound);
    m.worst_bps = std::max(m.worst_bps, dev * 1e4);
    return bound;
  };
  for (std::size_t k = 0; k < a_trades.size(); ++k) {
    const auto &a = a_trades[k], &b = b_trades[k];
    // The same decision: one bar's open in bar, latency later on the book.
    EXPECT_EQ(b.side, a.side) << what << " trade " << k;
    EXPECT_EQ(b.reason, a.reason) << what << " trade " << k;
    EXPECT_EQ(b.open, a.open) << what << " trade " << k;
    EXPECT_EQ(b.entry_time, a.entry_time + kLatencyMs) << what << " trade " << k;
    // The trade still open at the end is closed by both at the last close, without an order.
    EXPECT_EQ(b.exit_time, a.open ? a.exit_time : a.exit_time + kLatencyMs)
        << what << " trade " << k;
    const double entry_bound = check_price(b.entry_price, a.entry_price, a.entry_time, k);
    const double exit_bound = a.open ? 0 : check_price(b.exit_price, a.exit_price, a.exit_time, k);
    if (a.open) {
      EXPECT_EQ(b.exit_price, a.exit_price) << what;
    }
    // Sizes follow the equity each run had when it decided (the book's fills cost more, so it
    // compounds lower), at the price it sized at (the book's mid, the bar's next open).
    const std::size_t decided = bars.lower_bound(a.entry_time) - 1;
    const double equity_ratio = runs.book.equity[decided] / runs.bar.equity[decided];
    m.worst_size_vs_equity =
        std::max(m.worst_size_vs_equity, std::abs(b.size / a.size - equity_ratio));
    // The gross difference split: prices at the book run's size, sizes at the bar run's prices.
    m.price_part +=
        a.side * b.size * ((b.exit_price - a.exit_price) - (b.entry_price - a.entry_price));
    m.size_part += a.side * (b.size - a.size) * (a.exit_price - a.entry_price);
    m.bound_total += b.size * (entry_bound * a.entry_price + exit_bound * a.exit_price);
  }
  return m;
}

double pnl_sum(const ReplayResult& r) {
  double sum = 0;
  for (const auto& t : r.trades) sum += t.pnl;
  return sum;
}

double sum_of(const std::vector<backtest::Trade>& trades, double backtest::Trade::*field) {
  double sum = 0;
  for (const auto& t : trades) sum += t.*field;
  return sum;
}

// The figures of the last 1500 bars of Hyperliquid ETH 1h (seed 1, 50 ms): a change of the
// synthetic book, the latency model or the order manager's rounding shows here first.
struct Expected {
  const char* family;
  std::size_t trades;
  std::int64_t orders_bar, orders_book, too_small_bar, too_small_book;
  double final_equity_bar, final_equity_book;
  bool resized_in_trades;  // rebalances every bar: a trade's pnl is not size x price move
};
constexpr Expected kExpected[] = {
    {"sma_trend", 119, 230, 230, 0, 0, 11353.7790, 10759.0794, false},
    {"ichimoku_cloud", 69, 137, 137, 0, 0, 12398.2285, 11998.4696, false},
    {"tree", 51, 51, 51, 0, 0, 13945.4614, 13616.5125, false},
    {"vol_scaling", 115, 841, 839, 82, 83, 11363.8835, 10788.7733, true},
};

TEST_F(ReplayBook, SameDecisionsAndTheDifferenceIsFillPrices) {
  const auto& market = **market_;
  for (const Expected& expected : kExpected) {
    const std::string family = expected.family;
    const auto runs = both(strategy::default_genome(family), market);
    const auto &A = runs.bar, &B = runs.book;
    const Measured m = compare(runs, market, family);
    // Every intent of the bar run is sent on the book but the last close's (no next open) and
    // those the $10 minimum drops after lot rounding, a few more than bar's (sizes are smaller).
    EXPECT_EQ(B.orders_placed + B.orders_too_small + B.orders_dropped_at_end,
              A.orders_placed + A.orders_too_small)
        << family;
    EXPECT_EQ(A.orders_open, B.orders_dropped_at_end) << family;
    EXPECT_EQ(B.orders_open, 0) << family;
    EXPECT_EQ(B.orders_rejected, 0) << family;
    EXPECT_EQ(B.stale_book_matches, 0u) << family;
    // Cash moves only through the trades (fills, fees, funding), in both runs: funding is booked
    // once, by the loop from the bar's rate; the paper exchange's own settlements stay its own.
    const double capital = 10'000;
    EXPECT_NEAR(A.metrics.final_equity, capital + pnl_sum(A), 1e-9 * capital) << family;
    EXPECT_NEAR(B.metrics.final_equity, capital + pnl_sum(B), 1e-9 * capital) << family;
    // The paper exchange's account differs from the strategy's by funding alone (hourly at the
    // mark, the next open, where the strategy pays the bar's rate at the close).
    const double views = B.exchange_account_value - B.metrics.final_equity;
    const double delta_fees =
        sum_of(B.trades, &backtest::Trade::fees) - sum_of(A.trades, &backtest::Trade::fees);
    const double delta_funding =
        sum_of(B.trades, &backtest::Trade::funding) - sum_of(A.trades, &backtest::Trade::funding);
    const double delta_equity = B.metrics.final_equity - A.metrics.final_equity;
    EXPECT_EQ(A.trades.size(), expected.trades) << family;
    EXPECT_EQ(A.orders_placed, expected.orders_bar) << family;
    EXPECT_EQ(B.orders_placed, expected.orders_book) << family;
    EXPECT_EQ(A.orders_too_small, expected.too_small_bar) << family;
    EXPECT_EQ(B.orders_too_small, expected.too_small_book) << family;
    EXPECT_NEAR(A.metrics.final_equity, expected.final_equity_bar, 1e-3) << family;
    EXPECT_NEAR(B.metrics.final_equity, expected.final_equity_book, 1e-3) << family;
    // Fill prices: their part of the difference stays inside the summed per-fill bounds.
    EXPECT_LE(std::abs(m.price_part), m.bound_total) << family;
    EXPECT_GT(std::abs(m.price_part), 0.5 * m.bound_total) << family;  // the book costs: not 0
    if (!expected.resized_in_trades) {
      // Each trade's pnl is side x size x (exit - entry) - fees - funding, so the equity
      // difference is exactly: fill prices + sizes (which follow equity) - fees - funding.
      EXPECT_NEAR(delta_equity, m.price_part + m.size_part - delta_fees - delta_funding,
                  1e-6 * std::abs(delta_equity))
          << family;
      // Sized at the equity each run had (the mid vs the open and one lot apart).
      EXPECT_LE(m.worst_size_vs_equity, 1e-4) << family;
    } else {
      // Rebalances under $10 are skipped, so the book's size drifts a little further.
      EXPECT_LE(m.worst_size_vs_equity, 2e-3) << family;
    }
    // Funding: the strategy pays each bar's rate at its close; the paper exchange settles the
    // same hours on the same positions, but not the hour that closes the data (the market ends
    // there), so the two views of the account differ by the last bar's funding on the position
    // still open, and by the mark (the next open) against the close on the other hours.
    const auto& last = B.trades.back();
    const auto& coin = market.coins.front();
    const double last_funding =
        last.open ? last.side * last.size * coin.bars.close().back() * coin.funding_per_bar.back()
                  : 0;
    EXPECT_NEAR(views, B.funding - B.exchange_funding, 1e-3) << family;
    EXPECT_NEAR(views, last_funding, 1e-3) << family;  // measured within 5e-4
    EXPECT_GT(std::abs(last_funding), 0.1) << family;  // so the check above can tell
    std::printf(
        "%s: %zu trades, orders %lld/%lld, under $10 %lld/%lld, dropped at end %lld; worst fill "
        "%.3f bps (%.3f of the bound); final equity %.4f vs %.4f (diff %.4f = prices %.4f + sizes "
        "%.4f - fees %.4f - funding %.4f); price part bound %.4f; size vs equity ratio %.5f; "
        "funding %.4f, exchange's %.4f, exchange account %.4f (views differ %.4f)\n",
        family.c_str(), A.trades.size(), (long long)A.orders_placed, (long long)B.orders_placed,
        (long long)A.orders_too_small, (long long)B.orders_too_small,
        (long long)B.orders_dropped_at_end, m.worst_bps, m.worst_bound_ratio,
        B.metrics.final_equity, A.metrics.final_equity, delta_equity, m.price_part, m.size_part,
        delta_fees, delta_funding, m.bound_total, m.worst_size_vs_equity, B.funding,
        B.exchange_funding, B.exchange_account_value, views);
  }
}

}  // namespace
}  // namespace organism::exec

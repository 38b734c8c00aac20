// Replay equals backtest: the trading loop with the bar broker (order manager, journal and all)
// gives bit for bit the trades and equity of backtest::run_measured on the same bars and costs.
#include "exec/replay.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "backtest/run_report.hpp"
#include "core/error.hpp"
#include "core/random.hpp"
#include "evolve/genome_config.hpp"
#include "strategy/coin_view.hpp"
#include "strategy/family.hpp"
#include "shared_eth_market.hpp"
#include "support/test_support.hpp"

namespace organism::exec {
namespace {

// The real binance ETH 1h series with its funding, cut to its last kBars bars (63 genomes, each
// replayed and backtested, stay within seconds).
constexpr std::size_t kBars = 3000;

std::optional<data::Market> eth_market() { return testing::shared_eth_market("binance", kBars); }

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// What `organism backtest --strategy` computes (backtest_command.cpp run_single).
backtest::MeasuredRun backtest_of(const strategy::Genome& genome, const data::Market& market,
                                  const backtest::BacktestConfig& costs,
                                  const backtest::MetricsOptions& mo) {
  const auto config = evolve::backtest_config(genome, costs);
  const auto& coin = market.coins.front();
  const auto target = strategy::exposures(genome, strategy::view_of(coin, market.interval));
  const backtest::BacktestInput input{coin.bars.view(), target, {}, coin.funding_per_bar};
  return backtest::run_measured(input, config, mo);
}

// Returns the trades and the orders the replay placed, so that a caller can see it compared runs
// that traded.
std::pair<std::size_t, std::int64_t> expect_replay_equals_backtest(const strategy::Genome& genome,
                                                                   const data::Market& market,
                                                                   const std::string& what) {
  backtest::BacktestConfig costs;  // taker fee, slippage, next-open fills, funding: the defaults
  backtest::MetricsOptions mo;
  mo.bars_per_year = market.interval.bars_per_year();
  mo.initial_equity = costs.initial_cash;
  const auto expected = backtest_of(genome, market, costs, mo);
  ReplayOptions options;
  options.costs = costs;
  options.capital = costs.initial_cash;
  const auto got = replay(genome, strategy::genome_id(genome), market, options, mo);

  const std::pair<std::size_t, std::int64_t> traded{got.trades.size(), got.orders_placed};
  EXPECT_EQ(got.equity.size(), expected.result.equity.size()) << what;
  if (got.equity.size() != expected.result.equity.size()) return traded;
  for (std::size_t t = 0; t < got.equity.size(); ++t) {
    if (!same_bits(got.equity[t], expected.result.equity[t]) ||
        !same_bits(got.exposure[t], expected.result.exposure[t])) {
      ADD_FAILURE() << what << " bar " << t << ": equity " << got.equity[t] << " vs "
                    << expected.result.equity[t] << ", exposure " << got.exposure[t] << " vs "
                    << expected.result.exposure[t];
      return traded;
    }
  }
  EXPECT_EQ(got.trades.size(), expected.result.trades.size()) << what;
  if (got.trades.size() != expected.result.trades.size()) return traded;
  for (std::size_t k = 0; k < got.trades.size(); ++k) {
    const auto &a = got.trades[k], &b = expected.result.trades[k];
    EXPECT_EQ(a.entry_time, b.entry_time) << what << " trade " << k;
    EXPECT_EQ(a.exit_time, b.exit_time) << what << " trade " << k;
    EXPECT_EQ(a.side, b.side) << what << " trade " << k;
    EXPECT_EQ(a.reason, b.reason) << what << " trade " << k;
    EXPECT_EQ(a.open, b.open) << what << " trade " << k;
    for (auto [x, y] : {std::pair{a.entry_price, b.entry_price},
                        {a.exit_price, b.exit_price},
                        {a.size, b.size},
                        {a.pnl, b.pnl},
                        {a.fees, b.fees},
                        {a.funding, b.funding}}) {
      EXPECT_TRUE(same_bits(x, y)) << what << " trade " << k << ": " << x << " vs " << y;
    }
  }
  EXPECT_TRUE(same_bits(got.fees, expected.result.fees)) << what;
  EXPECT_TRUE(same_bits(got.funding, expected.result.funding)) << what;
  EXPECT_EQ(got.fills, expected.result.fills) << what;
  EXPECT_EQ(got.liquidated, expected.result.liquidated) << what;
  // Every order ends final (filled, or canceled when the next open's fill was smaller or none),
  // but those of the last close, which no bar follows: at most one per coin.
  EXPECT_LE(got.orders_open, 1) << what;
  EXPECT_TRUE(same_bits(got.metrics.sharpe, expected.metrics.sharpe)) << what;
  EXPECT_TRUE(same_bits(got.metrics.final_equity, expected.metrics.final_equity)) << what;
  return traded;
}

class ReplayEqualsBacktest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { market_ = new std::optional<data::Market>(eth_market()); }
  static void TearDownTestSuite() {
    delete market_;
    market_ = nullptr;
  }
  void SetUp() override {
    if (!*market_)
      GTEST_SKIP() << "../shared/data is absent: replay-equals-backtest on real ETH 1h skipped";
  }
  static std::optional<data::Market>* market_;
};
std::optional<data::Market>* ReplayEqualsBacktest::market_ = nullptr;

TEST_F(ReplayEqualsBacktest, EveryFamilysDefaultGenome) {
  std::size_t trades = 0, traded = 0;
  for (const auto& family : strategy::genome_families()) {
    const auto [n, orders] = expect_replay_equals_backtest(strategy::default_genome(family),
                                                           **market_, "default " + family);
    trades += n;
    traded += orders > 0 ? 1 : 0;
  }
  // The comparison is about runs that trade: most defaults do on 3000 bars, through real orders.
  std::printf("default genomes: %zu trades, %zu of %zu placed orders\n", trades, traded,
              strategy::genome_families().size());
  EXPECT_GT(trades, 100u);
  EXPECT_GE(traded, strategy::genome_families().size() / 2);
}

TEST_F(ReplayEqualsBacktest, FiftyRandomGenomes) {
  const auto families = strategy::genome_families();
  std::size_t trades = 0, traded = 0;
  for (std::uint64_t k = 0; k < 50; ++k) {
    // `organism strategy new --family F --random --seed k`: one stream per family.
    const std::size_t f = k % families.size();
    core::Rng rng(k, {static_cast<std::uint64_t>(f + 1)});
    const auto [n, orders] =
        expect_replay_equals_backtest(strategy::random_genome(families[f], rng), **market_,
                                      "random " + families[f] + " seed " + std::to_string(k));
    trades += n;
    traded += orders > 0 ? 1 : 0;
    if (std::getenv("REPLAY_TEST_VERBOSE"))
      std::printf("seed %d: %zu trades, %lld orders\n", int(k), n, (long long)orders);
  }
  std::printf("random genomes: %zu trades, %zu of 50 placed orders\n", trades, traded);
  EXPECT_GT(trades, 200u);
  // Random filters keep many genomes flat on 3000 bars: 20 of the 50 trade (1158 trades).
  EXPECT_GE(traded, 15u);
}

// The genome's drawdown stop is evaluated by the live loop as by the backtest loop: every
// family's default with a 3% stop and a 48-bar cooldown, replayed and backtested.
TEST_F(ReplayEqualsBacktest, WithTheDrawdownStopOn) {
  backtest::BacktestConfig costs;
  backtest::MetricsOptions mo;
  mo.bars_per_year = (*market_)->interval.bars_per_year();
  mo.initial_equity = costs.initial_cash;
  std::size_t stopped = 0;
  for (const auto& family : strategy::genome_families()) {
    auto genome = strategy::default_genome(family);
    const auto without = backtest_of(genome, **market_, costs, mo);
    genome.risk.dd_stop = 0.03;
    genome.risk.dd_cooldown = 48;
    expect_replay_equals_backtest(genome, **market_, "default " + family + " with dd_stop 0.03");
    // The stop fired where the run differs from the same genome without it.
    if (backtest_of(genome, **market_, costs, mo).result.equity != without.result.equity) ++stopped;
  }
  std::printf("drawdown stop: %zu of %zu default genomes stopped\n", stopped, strategy::genome_families().size());
  EXPECT_GE(stopped, strategy::genome_families().size() / 2);
}

}  // namespace
}  // namespace organism::exec

namespace organism::exec {
namespace {

// Five hourly bars of one coin, no funding.
data::Market small_market() {
  data::Market m;
  data::CoinSeries coin;
  coin.label = "ETH";
  for (int i = 0; i < 5; ++i) {
    const double p = 100 + i;
    coin.bars.push_back({1'700'000'000'000 + i * core::kHourMs, p, p + 1, p - 1, p, 1});
  }
  m.coins.push_back(std::move(coin));
  return m;
}

TEST(Replay, WindowKeepsBarsFromToInclusive) {
  const auto m = small_market();
  const auto cut =
      market_window(m, 1'700'000'000'000 + core::kHourMs, 1'700'000'000'000 + 3 * core::kHourMs);
  ASSERT_EQ(cut.coins.size(), 1u);
  ASSERT_EQ(cut.coins[0].bars.size(), 3u);
  EXPECT_EQ(cut.coins[0].bars.time()[0], 1'700'000'000'000 + core::kHourMs);
  EXPECT_EQ(cut.coins[0].bars.close()[2], 103.0);
}

TEST(Replay, SpeedPacesTheClockCloseFillsAreRefusedAndBookRuns) {
  const auto m = small_market();
  ReplayOptions options;
  backtest::MetricsOptions mo;
  mo.bars_per_year = 8760;
  // One market hour per 50 wall ms: the last of 5 bars comes 4 x 50 ms after the first.
  options.speed = static_cast<double>(core::kHourMs) / 50;
  const auto start = std::chrono::steady_clock::now();
  const auto result = replay(strategy::default_genome("tree"), "t", m, options, mo);
  const auto ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  EXPECT_GE(ms, 200.0);
  EXPECT_LT(ms, 2000.0);
  EXPECT_EQ(result.equity.size(), 5u);
  EXPECT_EQ(result.equity[4], 10'000.0);  // too few bars for the crossover: flat, no costs
  options.speed = 0;
  options.costs.fill = backtest::FillModel::Close;
  EXPECT_THROW(replay(strategy::default_genome("tree"), "t", m, options, mo), core::UsageError);
  options.costs.fill = backtest::FillModel::NextOpen;
  // The book broker runs the same bars (replay_book_test.cpp compares it with bar), once they
  // open on whole hours as the simulator's market requires.
  options.fill = ReplayFill::book;
  EXPECT_THROW(replay(strategy::default_genome("tree"), "t", m, options, mo), core::UsageError);
  auto aligned = m;
  data::Candles hourly;
  for (std::size_t i = 0; i < 5; ++i) {
    auto bar = m.coins[0].bars.bar(i);
    bar.time = 1'699'999'200'000 + static_cast<core::TimeMs>(i) * core::kHourMs;
    hourly.push_back(bar);
  }
  aligned.coins[0].bars = std::move(hourly);
  const auto book = replay(strategy::default_genome("tree"), "t", aligned, options, mo);
  EXPECT_EQ(book.equity.size(), 5u);
  EXPECT_EQ(book.equity[4], 10'000.0);
  EXPECT_EQ(book.exchange_account_value, 10'000.0);
}

}  // namespace
}  // namespace organism::exec

// The trading loop's allocation stage: its shadow legs against the backtest of the same targets,
// the per-coin and gross caps on the Accounts' targets, a dropped strategy flat, the allocations
// journaled before the intents they cause.
#include "exec/allocation_stage.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "backtest/simulator.hpp"
#include "core/error.hpp"
#include "data/sqlite.hpp"
#include "evolve/genome_config.hpp"
#include "exec/fake_broker.hpp"
#include "exec/journal.hpp"
#include "exec/trading_loop.hpp"
#include "strategy/genome.hpp"
#include "strategy/runtime.hpp"
#include "support/test_support.hpp"

namespace organism::exec {
namespace {

constexpr core::TimeMs kStart = 1'700'000'000'000 - 1'700'000'000'000 % core::kHourMs;
constexpr std::size_t kWarmUp = 150, kBars = 400;

// A zigzag: `half` bars down by `step` a bar, `half` bars up, from `top` (one market per coin,
// ETH and BTC of different periods so that their strategies' returns differ).
data::Bar zigzag(std::size_t i, std::size_t half, double top, double step) {
  const std::size_t k = i % (2 * half);
  const double x = k < half ? top - step * static_cast<double>(k) : top - step * static_cast<double>(2 * half - k);
  data::Bar b;
  b.time = kStart + static_cast<core::TimeMs>(i) * core::kHourMs;
  b.open = b.close = x;
  b.high = x * 1.002;
  b.low = x * 0.998;
  b.volume = 100;
  return b;
}
data::Bar eth(std::size_t i) { return zigzag(i, 60, 100, 0.5); }
data::Bar btc(std::size_t i) { return zigzag(i, 45, 1000, 4); }
data::Bar bar_of(const std::string& coin, std::size_t i) { return coin == "ETH" ? eth(i) : btc(i); }

backtest::BacktestConfig costs() {
  backtest::BacktestConfig c;
  c.fees.taker = 0.0005;
  c.slippage.fraction = 0.0005;
  return c;
}

// Three strategies: the EMA crossover on ETH, its exact copy (correlation 1: the allocator keeps
// one of the two), and the crossover on both coins.
std::vector<StrategySlot> slots() {
  const auto g = strategy::default_genome("tree");
  return {{"a", g, {"ETH"}, 1.0 / 3}, {"a_copy", g, {"ETH"}, 1.0 / 3}, {"b", g, {"ETH", "BTC"}, 1.0 / 3}};
}

portfolio::AllocatorOptions options() {
  portfolio::AllocatorOptions o;
  o.lookback_bars = 240;
  o.min_history_bars = 100;
  o.rebalance_bars = 24;
  o.min_regime_bars = 12;
  o.caps.per_asset = 0.15;
  o.caps.gross = 0.4;
  o.caps.per_strategy = 0.25;
  return o;
}

std::vector<AllocationSlot> stage_slots(const std::vector<StrategySlot>& loop_slots) {
  std::vector<AllocationSlot> out;
  for (const auto& s : loop_slots) out.push_back({s.id, s.coins, evolve::backtest_config(s.genome, costs()), std::nullopt});
  return out;
}

struct Rig {
  organism::test::TempDir dir;
  Journal journal = Journal::open((dir / "j.db").string());
  test::FakeBroker broker;
  OrderManager orders{journal, broker};
  std::unique_ptr<TradingLoop> loop;
  std::vector<std::vector<OrderIntent>> checked;
  std::vector<std::size_t> rows_at_check;  // allocation rows journaled when each check ran
  std::vector<BarReport> reports;

  explicit Rig(bool with_stage) {
    TradingLoopOptions o;
    o.capital = 30'000;
    o.costs = costs();
    o.feeds = {false, false};
    loop = std::make_unique<TradingLoop>(slots(), o, orders);
    if (with_stage) loop->set_allocation_stage(std::make_unique<AllocationStage>(stage_slots(slots()), options()));
    loop->set_pre_trade_check([this](std::vector<OrderIntent> intents) {
      checked.push_back(intents);
      rows_at_check.push_back(journal.allocations().size());
      return PreTradeVerdict{std::move(intents), {}};
    });
    for (std::size_t i = 0; i < kWarmUp; ++i) {
      loop->warm_up({"ETH", eth(i)});
      loop->warm_up({"BTC", btc(i)});
    }
    for (std::size_t i = kWarmUp; i < kBars; ++i) {
      broker.clock = eth(i).time + core::kHourMs;
      broker.prices["ETH"] = eth(i).close;
      broker.prices["BTC"] = btc(i).close;
      for (const char* coin : {"ETH", "BTC"}) {
        auto r = loop->on_bar({coin, bar_of(coin, i)});
        reports.insert(reports.end(), r.begin(), r.end());
      }
    }
  }
};

// The runtime's target of the crossover on one coin at every bar (an independent Runtime).
std::vector<double> targets_of(const std::string& coin) {
  strategy::Runtime runtime(strategy::default_genome("tree"), core::Interval::parse_or_throw("1h"), {false, false});
  std::vector<double> out;
  for (std::size_t i = 0; i < kBars; ++i) out.push_back(runtime.on_bar(bar_of(coin, i)));
  return out;
}

TEST(AllocationStage, ShadowLegReturnsEqualTheBacktestOfTheSameTargets) {
  Rig rig(true);
  const auto* stage = rig.loop->allocation_stage();
  ASSERT_NE(stage, nullptr);
  for (const std::string coin : {"ETH", "BTC"}) {
    data::Candles candles;
    for (std::size_t i = 0; i < kBars; ++i) candles.push_back(bar_of(coin, i));
    const auto target = targets_of(coin);
    auto config = evolve::backtest_config(strategy::default_genome("tree"), costs());
    config.initial_cash = 1;
    const auto result = backtest::run_backtest({candles.view(), target}, config);
    // Strategy b's leg of this coin: every bar was kept (400 < lookback + slack).
    const auto& returns = stage->leg_returns(2, coin == "ETH" ? 0 : 1);
    ASSERT_EQ(returns.size(), kBars);
    double previous = 1;
    int trading = 0;
    for (std::size_t i = 0; i < kBars; ++i) {
      EXPECT_EQ(returns[i], result.equity[i] / previous - 1) << coin << " bar " << i;
      previous = result.equity[i];
      trading += returns[i] != 0;
    }
    EXPECT_GT(trading, 100) << coin;  // the leg traded: the comparison is not of zeros
  }
  // a and a_copy trade the same: the same returns.
  EXPECT_EQ(stage->leg_returns(0, 0), stage->leg_returns(1, 0));
}

TEST(AllocationStage, AccountTargetsKeepEveryCoinAndTheGrossWithinTheCaps) {
  // The stage alone, fed the same bars and runtime targets, at fixed strategy equities (so the
  // conversion is exact at every bar): sum_s a[s][j] x leverage x eq_s / n_s / E per coin.
  const auto loop_slots = slots();
  AllocationStage stage(stage_slots(loop_slots), options());
  const auto eth_target = targets_of("ETH"), btc_target = targets_of("BTC");
  const std::vector<double> equity{9000, 12000, 9000};  // E = 30000
  int weighted = 0;
  for (std::size_t i = 0; i < kBars; ++i) {
    stage.observe(0, 0, eth(i), std::nan(""), eth_target[i]);
    stage.observe(1, 0, eth(i), std::nan(""), eth_target[i]);
    stage.observe(2, 0, eth(i), std::nan(""), eth_target[i]);
    stage.observe(2, 1, btc(i), std::nan(""), btc_target[i]);
    if (i < kWarmUp) continue;
    const auto d = stage.decide(eth(i).time, {{eth_target[i]}, {eth_target[i]}, {eth_target[i], btc_target[i]}}, equity);
    EXPECT_EQ(d.rebalanced, (i - kWarmUp) % 24 == 0) << i;
    std::map<std::string, double> net;
    double gross = 0;
    for (std::size_t s = 0; s < 3; ++s) {
      const double n = static_cast<double>(loop_slots[s].coins.size());
      for (std::size_t j = 0; j < loop_slots[s].coins.size(); ++j) {
        const double a = d.account_target[s][j];
        ASSERT_LE(std::abs(a), 1.0);
        const double exposure = a * 1.0 * equity[s] / n / 30000;  // leverage 1
        net[loop_slots[s].coins[j]] += exposure;
        gross += std::abs(exposure);
        // Unclamped, the Account's exposure is the allocator's (clamped, it is smaller).
        if (std::abs(a) < 1) {
          EXPECT_NEAR(exposure, d.exposures.exposure[s][j], 1e-12);
        } else {
          EXPECT_LE(std::abs(exposure), std::abs(d.exposures.exposure[s][j]));
        }
      }
    }
    for (const auto& [coin, v] : net) EXPECT_LE(std::abs(v), 0.15 + 1e-12) << coin << " bar " << i;
    EXPECT_LE(gross, 0.4 + 1e-12) << i;
    weighted += gross > 0;
  }
  EXPECT_GT(weighted, 50);  // positions were held: the caps were tested, not trivially met
}

TEST(AllocationStage, ADroppedStrategyGoesFlatAndTheRebalanceIsJournaledBeforeItsIntents) {
  Rig rig(true);
  const auto& allocation = rig.loop->allocation_stage()->allocation();
  ASSERT_TRUE(allocation.has_value());
  // The copy of a (correlation 1) or a itself is dropped; whichever it is holds nothing.
  std::size_t dropped = 3, kept = 0;
  for (std::size_t s = 0; s < allocation->strategies.size(); ++s) {
    if (!allocation->strategies[s].dropped.empty() && s < 2) dropped = s;
    if (allocation->strategies[s].weight > 0) ++kept;
  }
  ASSERT_LT(dropped, 3u) << "neither a nor its copy was dropped";
  EXPECT_GE(kept, 1u);
  for (const auto& report : rig.reports) EXPECT_EQ(report.strategies[dropped].units[0], 0.0) << report.time;
  for (const auto& intents : rig.checked)
    for (const auto& intent : intents) EXPECT_NE(intent.strategy_id, slots()[dropped].id);
  // The allocations table: 4 legs per rebalance, every 24 bars from the first live bar.
  const auto rows = rig.journal.allocations();
  const std::size_t rebalances = (kBars - kWarmUp + 23) / 24;
  ASSERT_EQ(rows.size(), 4 * rebalances);
  EXPECT_EQ(rows[0].time, eth(kWarmUp).time);
  EXPECT_EQ(rows[4].time, eth(kWarmUp + 24).time);
  EXPECT_EQ(rows[3].strategy, "b");
  EXPECT_EQ(rows[3].coin, "BTC");
  double last_weight = 0;
  for (std::size_t k = rows.size() - 4; k < rows.size(); ++k) last_weight += rows[k].weight;
  EXPECT_NEAR(last_weight, allocation->total_weight(), 1e-12);
  // The first intents (at the first live bar) were checked after its rows were journaled.
  ASSERT_FALSE(rig.checked.empty());
  EXPECT_GE(rig.rows_at_check[0], 4u);
  // Every rebalance logs one line per strategy.
  EXPECT_GE(rig.reports[0].allocation.size(), 3u);
  EXPECT_NE(rig.reports[0].allocation[0].find("allocation a"), std::string::npos) << rig.reports[0].allocation[0];
}

TEST(AllocationStage, WithoutAStageTheIntentsAreTheIdentitysOwn) {
  // Two loops without a stage make the same intents (the stage's State changes touch nothing
  // then), and they are each strategy's own: a and its copy ask the same sizes on ETH.
  Rig first(false), second(false);
  ASSERT_EQ(first.checked, second.checked);
  ASSERT_FALSE(first.checked.empty());
  EXPECT_TRUE(first.journal.allocations().empty());
  for (const auto& intents : first.checked) {
    std::map<std::string, Units> eth_size;
    for (const auto& i : intents)
      if (i.coin == "ETH") eth_size[i.strategy_id] = i.size;
    if (eth_size.contains("a")) {
      EXPECT_EQ(eth_size["a"], eth_size["a_copy"]);
    }
  }
}

TEST(AllocationStage, RefusesAStageOfOtherStrategies) {
  organism::test::TempDir dir;
  auto journal = Journal::open((dir / "j.db").string());
  test::FakeBroker broker;
  OrderManager orders(journal, broker);
  TradingLoop loop(slots(), {}, orders);
  auto other = stage_slots(slots());
  other.pop_back();
  EXPECT_THROW(loop.set_allocation_stage(std::make_unique<AllocationStage>(other, options())), core::UsageError);
}

TEST(AllocationStage, AVersionThreeJournalGetsTheAllocationsTableInPlace) {
  organism::test::TempDir dir;
  const std::string path = (dir / "j.db").string();
  {
    auto journal = Journal::open(path);
    data::sqlite::Db db(path, data::sqlite::Db::Mode::ReadWrite);
    db.exec("DROP TABLE allocations; PRAGMA user_version = 3;");
  }
  auto journal = Journal::open(path);  // migrates 3 -> 4
  journal.record_allocations({{7, "a", "ETH", 0.25, -0.125}, {7, "b", "BTC", 0, 0}});
  const auto rows = journal.allocations();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], (AllocationRow{7, "a", "ETH", 0.25, -0.125}));
  EXPECT_EQ(rows[1].strategy, "b");
  data::sqlite::Db db(path, data::sqlite::Db::Mode::ReadWrite);
  data::sqlite::Statement version(db, "PRAGMA user_version");
  ASSERT_TRUE(version.step());
  EXPECT_EQ(version.column_int(0), 4);
}

}  // namespace
}  // namespace organism::exec

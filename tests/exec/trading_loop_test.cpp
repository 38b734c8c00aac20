// The trading loop against a scripted broker: intents sized by hand, the pre-trade check, fills
// and funding booked on the strategy's Account, and the books rebuilt from the journal's ledger.
#include "exec/trading_loop.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <optional>

#include "core/error.hpp"
#include "exec/fake_broker.hpp"
#include "exec/v_shaped_bars.hpp"
#include "exec/journal.hpp"
#include "strategy/genome.hpp"
#include "support/test_support.hpp"

namespace organism::exec {
namespace {

using testing::bar_at;
using testing::kStart;

// The tree family's default: an EMA(12/26) crossover, long above, short below.
strategy::Genome crossover() { return strategy::default_genome("tree"); }


backtest::BacktestConfig costs() {
  backtest::BacktestConfig c;
  c.fees.taker = 0.001;
  c.slippage.fraction = 0.002;
  return c;
}

struct Rig {
  organism::test::TempDir dir;
  Journal journal = Journal::open((dir / "j.db").string());
  test::FakeBroker broker;
  OrderManager orders{journal, broker};
  std::vector<std::vector<OrderIntent>> checked;  // what each decision asked, before the check
  std::unique_ptr<TradingLoop> loop;

  explicit Rig(double share = 0.5) {
    TradingLoopOptions o;
    o.capital = 10'000;
    o.costs = costs();
    o.feeds = {false, false};
    loop = std::make_unique<TradingLoop>(
        std::vector<StrategySlot>{{"s1", crossover(), {"ETH", "BTC"}, share}}, o, orders);
    loop->set_pre_trade_check([this](std::vector<OrderIntent> intents) {
      checked.push_back(intents);
      return PreTradeVerdict{std::move(intents), {}};
    });
  }
  // Bars 0..n-1 of both coins (BTC at 10x ETH's price), the broker's prices at the closes.
  std::vector<BarReport> feed(std::size_t from, std::size_t to, double funding = std::nan("")) {
    std::vector<BarReport> out;
    for (std::size_t i = from; i < to; ++i) {
      broker.clock = bar_at(i, 1).time + core::kHourMs;
      broker.prices["ETH"] = bar_at(i, 1).close;
      broker.prices["BTC"] = bar_at(i, 10).close;
      EXPECT_TRUE(loop->on_bar({"ETH", bar_at(i, 1), funding, std::nan("")}).empty());
      auto reports = loop->on_bar({"BTC", bar_at(i, 10), funding, std::nan("")});
      EXPECT_EQ(reports.size(), 1u);
      out.insert(out.end(), reports.begin(), reports.end());
    }
    return out;
  }
};

// The first bar at which the crossover's target is not 0, and that target.
std::pair<std::size_t, double> first_signal() {
  strategy::Runtime runtime(crossover(), core::Interval::parse_or_throw("1h"), {false, false});
  for (std::size_t i = 0; i < 80; ++i) {
    const double t = runtime.on_bar(bar_at(i, 1));
    if (t != 0) return {i, t};
  }
  return {80, 0};
}

TEST(TradingLoop, RefusesBadSlots) {
  organism::test::TempDir dir;
  auto journal = Journal::open((dir / "j.db").string());
  test::FakeBroker broker;
  OrderManager orders(journal, broker);
  EXPECT_THROW(TradingLoop({}, {}, orders), core::UsageError);
  EXPECT_THROW(TradingLoop({{"s", crossover(), {}, 1}}, {}, orders), core::UsageError);
  EXPECT_THROW(
      TradingLoop({{"a", crossover(), {"ETH"}, 0.6}, {"b", crossover(), {"BTC"}, 0.6}}, {}, orders),
      core::UsageError);
}

TEST(TradingLoop, SizesIntentsByHandAndBooksTheirFills) {
  const auto [signal_bar, target] = first_signal();
  ASSERT_LT(signal_bar, 80u);
  ASSERT_EQ(std::abs(target), 1.0);
  Rig rig;
  rig.feed(0, signal_bar);
  EXPECT_TRUE(rig.checked.empty());  // flat target: nothing to send
  rig.feed(signal_bar, signal_bar + 1);
  ASSERT_EQ(rig.checked.size(), 1u);
  const auto& intents = rig.checked[0];
  ASSERT_EQ(intents.size(), 2u);
  // Share 0.5 of 10000, two legs of weight 1/2, leverage 1: 2500 of notional per coin, sized net
  // of slippage 0.2 % and the taker fee 0.1 %, at the broker's price (the bar's close).
  const double eth = bar_at(signal_bar, 1).close, btc = bar_at(signal_bar, 10).close;
  const Units eth_units = std::llround(2500 / (eth * (1 + target * 0.002) * (1 + 0.001)) * 1e8);
  const Units btc_units = std::llround(2500 / (btc * (1 + target * 0.002) * (1 + 0.001)) * 1e8);
  const Side side = target > 0 ? Side::buy : Side::sell;
  EXPECT_EQ(intents[0], (OrderIntent{"s1", "ETH", bar_at(signal_bar, 1).time, 0, side, eth_units, 0,
                                     ExecStyle::market, 0, false}));
  EXPECT_EQ(intents[1], (OrderIntent{"s1", "BTC", bar_at(signal_bar, 1).time, 1, side, btc_units, 0,
                                     ExecStyle::market, 0, false}));
  // Filled at once by the broker: the Account holds what was filled, cash paid price and fee.
  ASSERT_EQ(rig.broker.fills.size(), 2u);
  const auto& account = rig.loop->accounts()[0];
  double cash = 5000;
  for (std::size_t j = 0; j < 2; ++j) {
    const auto& f = rig.broker.fills[j];
    const double units = (f.buy ? 1 : -1) * static_cast<double>(f.sz) / 1e8;
    EXPECT_EQ(account.position(j).units(), units);
    cash -= units * (static_cast<double>(f.px) / 1e8) + static_cast<double>(f.fee) / 1e8;
  }
  EXPECT_NEAR(account.cash(), cash, 1e-9);
  // The same target at the next bar: no new intent (the backtest's on_change rebalancing).
  rig.feed(signal_bar + 1, signal_bar + 2);
  EXPECT_EQ(rig.checked.size(), 1u);
}

TEST(TradingLoop, PreTradeCheckDropsAnIntent) {
  const auto [signal_bar, target] = first_signal();
  Rig rig;
  rig.loop->set_pre_trade_check([](std::vector<OrderIntent> intents) {
    intents.resize(1);
    return PreTradeVerdict{std::move(intents), {"BTC dropped: test"}};
  });
  rig.feed(0, signal_bar);
  const auto reports = rig.feed(signal_bar, signal_bar + 1);
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].check_reasons, std::vector<std::string>{"BTC dropped: test"});
  ASSERT_EQ(rig.broker.place_calls.size(), 1u);
  ASSERT_EQ(rig.broker.place_calls[0].size(), 1u);
  EXPECT_EQ(rig.broker.place_calls[0][0].spec.coin, "ETH");
  EXPECT_NE(rig.loop->accounts()[0].position(0).units(), 0.0);
  EXPECT_EQ(rig.loop->accounts()[0].position(1).units(), 0.0);
}

TEST(TradingLoop, BooksFundingAndRestoresFromTheLedger) {
  const auto [signal_bar, target] = first_signal();
  Rig rig;
  rig.feed(0, signal_bar + 1);
  const auto& account = rig.loop->accounts()[0];
  const double eth_units = account.position(0).units(), btc_units = account.position(1).units();
  ASSERT_NE(eth_units, 0.0);
  // One more bar with a funding rate of 0.0001: each leg pays units x close x rate.
  rig.feed(signal_bar + 1, signal_bar + 2, 0.0001);
  const double eth_paid = eth_units * bar_at(signal_bar + 1, 1).close * 0.0001;
  const double btc_paid = btc_units * bar_at(signal_bar + 1, 10).close * 0.0001;
  EXPECT_EQ(account.position(0).funding(), eth_paid);
  EXPECT_EQ(account.position(1).funding(), btc_paid);

  // A restart: fresh Accounts rebuilt from the journal hold the same positions and cash (funding
  // is journaled in 1e-8 dollars, hence the tolerance on money).
  OrderManager orders(rig.journal, rig.broker);
  TradingLoopOptions o;
  o.capital = 10'000;
  o.costs = costs();
  o.feeds = {false, false};
  TradingLoop restarted({{"s1", crossover(), {"ETH", "BTC"}, 0.5}}, o, orders);
  restarted.restore(rig.journal.ledger());
  const auto& again = restarted.accounts()[0];
  for (std::size_t j = 0; j < 2; ++j) {
    EXPECT_EQ(again.position(j).units(), account.position(j).units()) << j;
    EXPECT_NEAR(again.position(j).funding(), account.position(j).funding(), 1e-8) << j;
    EXPECT_NEAR(again.position(j).fees(), account.position(j).fees(), 1e-8) << j;
  }
  EXPECT_NEAR(again.cash(), account.cash(), 1e-7);
}

// The per-strategy breaker: validated maximum drawdown 4%, multiple 1.5. The crossover goes long in
// the rise after bar 40; from bar 80 the price falls 3 a bar and draws it down; at the first close
// more than 6% below its
// peak (equity and peak followed here from the Account's cash and units at each close) it is
// paused: the note names it, that decision's intent closes the position, and nothing follows.
TEST(TradingLoop, PerStrategyBreakerPausesPastItsValidatedDrawdownAndFlattens) {
  organism::test::TempDir dir;
  auto journal = Journal::open((dir / "j.db").string());
  test::FakeBroker broker;
  OrderManager orders(journal, broker);
  TradingLoopOptions o;
  o.capital = 10'000;
  o.costs = costs();
  o.feeds = {false, false};
  o.strategy_dd_multiple = 1.5;
  StrategySlot slot{"s1", crossover(), {"ETH"}, 1.0};
  slot.validated_max_drawdown = 0.04;
  TradingLoop loop({slot}, o, orders);
  std::vector<std::vector<OrderIntent>> sent;
  loop.set_pre_trade_check([&](std::vector<OrderIntent> intents) {
    sent.push_back(intents);
    return PreTradeVerdict{std::move(intents), {}};
  });
  double peak = 0;
  std::optional<std::size_t> paused_at;
  std::size_t entries = 0;
  // bar_at's path, then a fall of 3 a bar from bar 80.
  const auto path = [](std::size_t i) {
    data::Bar b = bar_at(i, 1);
    if (i < 80) return b;
    b.open = b.high = b.low = b.close = bar_at(79, 1).close - 3.0 * static_cast<double>(i - 79);
    b.high += 0.5;
    b.low -= 0.5;
    return b;
  };
  for (std::size_t i = 0; i < 100; ++i) {
    const auto& account = loop.accounts()[0];
    const double units = account.position(0).units();
    const double equity = account.cash() + units * path(i).close;
    peak = std::max(peak, equity);
    const double drawdown = 1 - equity / peak;
    broker.clock = path(i).time + core::kHourMs;
    broker.prices["ETH"] = path(i).close;
    const std::size_t before = sent.size();
    const auto reports = loop.on_bar({"ETH", path(i), std::nan(""), std::nan("")});
    ASSERT_EQ(reports.size(), 1u);
    const auto& r = reports[0];
    if (!paused_at && drawdown > 0.06) {
      paused_at = i;
      ASSERT_EQ(r.paused.size(), 1u) << i;
      EXPECT_EQ(r.paused[0].rfind("strategy s1 paused for the session: live drawdown", 0), 0u) << r.paused[0];
      EXPECT_TRUE(r.strategies[0].paused);
      ASSERT_NE(units, 0.0);
      ASSERT_EQ(sent.size(), before + 1) << i;
      ASSERT_EQ(sent.back().size(), 1u);
      EXPECT_EQ(sent.back()[0].side, units > 0 ? Side::sell : Side::buy);
      EXPECT_EQ(sent.back()[0].size, units_of(std::abs(units)));
      EXPECT_EQ(loop.accounts()[0].position(0).units(), 0.0);
    } else if (!paused_at) {
      EXPECT_TRUE(r.paused.empty()) << i << " drawdown " << drawdown;
      EXPECT_FALSE(r.strategies[0].paused);
      entries += sent.size() - before;
    } else {
      EXPECT_TRUE(r.paused.empty()) << i;  // reported once
      EXPECT_TRUE(r.strategies[0].paused) << i;
      EXPECT_EQ(sent.size(), before) << i;  // paused for the session: no intent
    }
  }
  ASSERT_TRUE(paused_at.has_value());
  EXPECT_GT(*paused_at, 80u);
  EXPECT_GE(entries, 1u);
}

}  // namespace
}  // namespace organism::exec

// The live risk manager against the scripted broker: a rejected intent is journaled and never
// reaches the broker; a halt cancels every open order and flattens every position with
// reduce-only market orders of deterministic cloids, which a restart after a lost reply never
// sends twice; a resume command written to the journal returns the state to ACTIVE.
#include "exec/risk_manager.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>

#include "data/sqlite.hpp"
#include "exec/fake_broker.hpp"
#include "exec/v_shaped_bars.hpp"
#include "exec/journal.hpp"
#include "exec/risk_journal.hpp"
#include "strategy/genome.hpp"
#include "support/test_support.hpp"

namespace organism::exec {
namespace {

using testing::bar_at;
using testing::kStart;

backtest::RiskLimits roomy_limits() {
  backtest::RiskLimits limits;
  limits.asset_cap = 1;  // one strategy at leverage 1 on two coins: 25 % of equity per coin
  limits.max_leverage = 3;
  return limits;
}

// One process of a session: the order manager, the loop and the risk manager over a journal
// file and an exchange that outlive it (a restart makes a new Process on the same ones).
struct Process {
  Journal journal;
  RiskJournal risk_journal;
  OrderManager orders;
  TradingLoop loop;
  std::vector<std::string> notes;
  RiskManager risk;

  Process(const std::string& path, test::FakeBroker& broker, const backtest::RiskLimits& limits)
      : journal(Journal::open(path)),
        risk_journal(RiskJournal::open(path)),
        orders(journal, broker),
        loop(
            std::vector<StrategySlot>{
                {"s1", strategy::default_genome("tree"), {"ETH", "BTC"}, 0.5}},
            options(), orders),
        risk(limits, {"BTC", "ETH"}, core::kHourMs, risk_journal, orders, loop,
             [this](const std::string& text) { notes.push_back(text); }) {
    orders.reconcile();
    loop.restore(journal.ledger());
    loop.set_pre_trade_check(
        [this](std::vector<OrderIntent> intents) { return risk.check(std::move(intents)); });
    risk.start(broker.now(), -1, {});
  }
  static TradingLoopOptions options() {
    TradingLoopOptions o;
    o.capital = 10'000;
    o.feeds = {false, false};
    return o;
  }
  // Bars [from, to) of both coins (BTC at 10x ETH), the broker's prices at the closes.
  void feed(test::FakeBroker& broker, std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; ++i) {
      broker.clock = bar_at(i, 1).time + core::kHourMs;
      broker.prices["ETH"] = bar_at(i, 1).close;
      broker.prices["BTC"] = bar_at(i, 10).close;
      loop.on_bar({"ETH", bar_at(i, 1), std::nan(""), std::nan("")});
      for (const auto& report : loop.on_bar({"BTC", bar_at(i, 10), std::nan(""), std::nan("")})) {
        risk.on_bar(report, {{"ETH", bar_at(i, 1).close}, {"BTC", bar_at(i, 10).close}},
                    broker.clock);
      }
    }
  }
  Units held(std::size_t leg) { return units_of(loop.accounts()[0].position(leg).units()); }
};

// Bars to feed until the crossover has made its first decision to hold a position.
std::size_t bars_to_first_position() {
  strategy::Runtime runtime(strategy::default_genome("tree"), core::Interval::parse_or_throw("1h"),
                            {false, false});
  for (std::size_t i = 0; i < 80; ++i) {
    if (runtime.on_bar(bar_at(i, 1)) != 0) return i + 1;
  }
  return 80;
}

TEST(RiskManager, ARejectedIntentIsJournaledAndNeverReachesTheBroker) {
  organism::test::TempDir dir;
  const std::string path = (dir / "j.db").string();
  test::FakeBroker broker;
  auto limits = roomy_limits();
  limits.min_order_value = 1e9;  // every order is under it
  Process p(path, broker, limits);
  p.feed(broker, 0, bars_to_first_position());
  EXPECT_TRUE(broker.place_calls.empty());
  EXPECT_EQ(p.held(0), 0);
  // One decision of two intents (ETH, BTC), both rejected and both on record.
  const auto counts = p.risk.check_counts();
  EXPECT_EQ(counts[static_cast<std::size_t>(CheckReason::min_order_value)], 2);
  auto reader = RiskJournalReader::open(path);
  const auto journaled = reader.check_counts();
  ASSERT_TRUE(journaled.contains("min_order_value"));
  EXPECT_EQ(journaled.at("min_order_value").rejected, 2);
  EXPECT_EQ(journaled.at("min_order_value").shrunk, 0);
  EXPECT_TRUE(p.journal.load().cloids.empty());  // no order was even journaled
}

TEST(RiskManager, AHaltCancelsAndFlattensWithStableCloidsAndARestartSendsNothingTwice) {
  organism::test::TempDir dir;
  const std::string path = (dir / "j.db").string();
  test::FakeBroker broker;
  const auto limits = roomy_limits();
  std::vector<std::string> flatten_cloids;
  core::TimeMs halt_time = 0;
  {
    Process p(path, broker, limits);
    p.feed(broker, 0, bars_to_first_position());
    const Units eth = p.held(0), btc = p.held(1);
    ASSERT_NE(eth, 0);
    ASSERT_NE(btc, 0);
    // An order of ours resting on the book (another strategy's): the halt cancels it.
    broker.replies.push_back({test::ScriptedReply::Kind::rest});
    const auto rest = p.orders.submit({{"other", "ETH", kStart, 7, Side::buy, units_of(1.0),
                                        units_of(50.0), ExecStyle::post_only, 600'000, false}});
    ASSERT_EQ(rest.placed.size(), 1u);
    const std::string resting = rest.placed[0].cloid;

    // The operator halts; the flatten's reply is lost after the exchange applied it.
    p.risk_journal.add_command(broker.clock, "halt", "test");
    broker.replies.push_back({.lose_reply_after_applying = true});
    broker.replies.push_back({.lose_reply_after_applying = true});
    const std::size_t calls_before = broker.place_calls.size();
    p.risk.on_poll(broker.clock, -1);
    EXPECT_EQ(p.risk.state(), backtest::TradingState::halted);
    EXPECT_EQ(broker.cancel_calls, std::vector<std::string>{resting});
    ASSERT_EQ(broker.place_calls.size(), calls_before + 1);
    const auto& flatten = broker.place_calls.back();
    ASSERT_EQ(flatten.size(), 2u);
    halt_time = *p.risk_journal.last_halt_time();
    EXPECT_EQ(halt_time,
              bar_at(bars_to_first_position() - 1, 1).time + core::kHourMs);  // the market clock
    // Coin index in the session's coins {BTC, ETH}: ETH 1, BTC 0; the strategy's legs are ETH, BTC.
    const std::pair<const char*, Units> legs[] = {{"ETH", eth}, {"BTC", btc}};
    for (std::size_t k = 0; k < 2; ++k) {
      const auto& [coin, units] = legs[k];
      OrderIntent intent{"s1",
                         coin,
                         halt_time,
                         kFlattenSequence + (k == 0 ? 1u : 0u),
                         units > 0 ? Side::sell : Side::buy,
                         units > 0 ? units : -units,
                         0,
                         ExecStyle::market,
                         0,
                         true};
      EXPECT_EQ(flatten[k].spec.cloid.value_or(""), cloid_of(intent)) << coin;
      EXPECT_TRUE(flatten[k].spec.reduce_only);
      EXPECT_EQ(flatten[k].spec.sz, units > 0 ? units : -units);
      flatten_cloids.push_back(cloid_of(intent));
    }
    // The process dies here: the fills are on the exchange, the journal has the orders as "sent".
  }
  const std::size_t calls_before_restart = broker.place_calls.size();
  {
    Process again(path, broker, limits);  // reconcile finds both filled; the books are flat
    EXPECT_EQ(again.risk.state(), backtest::TradingState::halted);
    EXPECT_EQ(again.held(0), 0);
    EXPECT_EQ(again.held(1), 0);
    again.risk.on_poll(broker.clock + 5'000, -1);
    again.feed(broker, bars_to_first_position(),
               bars_to_first_position() + 3);  // HALTED: nothing new
    EXPECT_EQ(broker.place_calls.size(), calls_before_restart);
    for (const auto& cloid : flatten_cloids) EXPECT_EQ(broker.place_count[cloid], 1) << cloid;
    EXPECT_EQ(again.risk.state(), backtest::TradingState::halted);
  }
}

TEST(RiskManager, AResumeCommandReturnsAHaltedSessionToActive) {
  organism::test::TempDir dir;
  const std::string path = (dir / "j.db").string();
  test::FakeBroker broker;
  Process p(path, broker, roomy_limits());
  p.feed(broker, 0, 5);
  p.risk_journal.add_command(broker.clock, "halt", "test");
  p.risk.on_poll(broker.clock, -1);
  ASSERT_EQ(p.risk.state(), backtest::TradingState::halted);
  EXPECT_EQ(p.risk_journal.memory()->state, backtest::TradingState::halted);

  const auto id = p.risk_journal.add_command(broker.clock + 1000, "resume", "test");
  p.risk.on_poll(broker.clock + 2000, -1);
  EXPECT_EQ(p.risk.state(), backtest::TradingState::active);
  EXPECT_EQ(p.risk_journal.memory()->state, backtest::TradingState::active);
  EXPECT_TRUE(p.risk_journal.pending_commands().empty());
  auto reader = RiskJournalReader::open(path);
  const auto commands = reader.commands(5);
  ASSERT_EQ(commands.size(), 2u);
  EXPECT_EQ(commands[0].id, id);
  EXPECT_TRUE(commands[0].applied_at.has_value());
  const auto transitions = reader.transitions(5);
  ASSERT_EQ(transitions.size(), 2u);
  EXPECT_EQ(transitions[0].from, "HALTED");
  EXPECT_EQ(transitions[0].to, "ACTIVE");
  EXPECT_EQ(transitions[0].reason, "manual");
  EXPECT_EQ(transitions[1].to, "HALTED");
  ASSERT_FALSE(p.notes.empty());
  EXPECT_NE(p.notes.back().find("risk: "), std::string::npos);
}

TEST(RiskJournal, AVersionTwoJournalIsMigratedInPlace) {
  organism::test::TempDir dir;
  const std::string path = (dir / "j.db").string();
  {
    auto journal = Journal::open(path);
    data::sqlite::Db db(path, data::sqlite::Db::Mode::ReadWrite);
    db.exec(
        "DROP TABLE risk_transitions; DROP TABLE risk_memory; DROP TABLE risk_commands; DROP TABLE "
        "risk_checks; "
        "PRAGMA user_version = 2;");
  }
  auto reader_before = RiskJournalReader::open(path);
  EXPECT_FALSE(reader_before.memory().has_value());
  EXPECT_TRUE(reader_before.transitions(5).empty());
  auto journal = Journal::open(path);  // migrates
  auto risk = RiskJournal::open(path);
  backtest::BreakerMemory memory;
  memory.state = backtest::TradingState::halted;
  memory.latched = backtest::Breaker::drawdown;
  memory.peak = 10'500.125;
  risk.record_memory(memory, 1);
  const auto back = risk.memory();
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->state, backtest::TradingState::halted);
  EXPECT_EQ(back->latched, backtest::Breaker::drawdown);
  EXPECT_EQ(back->peak, 10'500.125);
}

}  // namespace
}  // namespace organism::exec

// `organism flatten` through the trading journal, against the scripted broker: the HALT is on
// record first (transition, memory, command), the journal's open orders are canceled, every
// strategy's position is closed by a reduce-only market order under the risk manager's flatten
// identity, the strategies' books end flat, and a second flatten sends nothing. A journal held
// locked by another connection beyond the busy timeout is an error naming the journal.
#include "exec/flatten_journal.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "data/sqlite.hpp"
#include "exec/fake_broker.hpp"
#include "exec/flatten_intents.hpp"
#include "exec/order_manager.hpp"
#include "exec/risk_journal.hpp"
#include "support/test_support.hpp"

namespace organism::exec {
namespace {

constexpr core::TimeMs kBar = 1'699'999'200'000;

OrderIntent intent(const std::string& strategy, const std::string& coin, Side side, Units size,
                   ExecStyle style = ExecStyle::market) {
  OrderIntent in;
  in.strategy_id = strategy;
  in.coin = coin;
  in.bar_time = kBar;
  in.side = side;
  in.size = size;
  in.style = style;
  if (style == ExecStyle::post_only) in.price = 1'200 * kUnitsPerCoin;
  return in;
}

// The journal a killed trader left: s1 long 0.5 ETH, s2 short 0.01 BTC, and s1's resting bid.
void trade_then_die(const std::string& path, test::FakeBroker& broker) {
  auto journal = Journal::open(path);
  OrderManager orders(journal, broker);
  orders.reconcile();
  orders.submit({intent("s1", "ETH", Side::buy, 50'000'000), intent("s2", "BTC", Side::sell, 1'000'000)});
  broker.replies.push_back({.kind = test::ScriptedReply::Kind::rest});
  auto resting = intent("s1", "ETH", Side::buy, 10'000'000, ExecStyle::post_only);
  resting.sequence = 1;
  resting.taker_fallback_ms = 3'600'000;
  orders.submit({resting});
  ASSERT_EQ(orders.open_orders().size(), 1u);
}

Units strategy_position(Journal& journal, const std::string& strategy, const std::string& coin) {
  for (const auto& p : journal.load().positions)
    if (p.strategy_id == strategy && p.coin == coin) return p.size;
  return 0;
}

JournalFlattenOptions options(const std::string& path) {
  JournalFlattenOptions o;
  o.journal_path = path;
  o.pause_ms = 0;
  return o;
}

TEST(FlattenJournal, HaltsThenClosesEveryStrategysBookUnderTheRiskManagersIdentity) {
  ::organism::test::TempDir dir;
  const std::string path = (dir / "organism.journal.db").string();
  test::FakeBroker broker;
  trade_then_die(path, broker);
  broker.clock += 60'000;
  const core::TimeMs flatten_time = broker.clock;
  const std::size_t places_before = broker.place_calls.size();

  const auto report = flatten_journal(options(path), broker);

  // The HALT: a manual transition at the flatten's time, the memory HALTED and latched by manual,
  // a halt command by "organism flatten" for a running trader.
  EXPECT_TRUE(report.halt_recorded);
  EXPECT_EQ(report.halt_time, flatten_time);
  auto reader = RiskJournalReader::open(path);
  const auto transitions = reader.transitions(5);
  ASSERT_EQ(transitions.size(), 1u);
  EXPECT_EQ(transitions[0].to, "HALTED");
  EXPECT_EQ(transitions[0].reason, "manual");
  EXPECT_EQ(transitions[0].time, flatten_time);
  ASSERT_TRUE(reader.memory());
  EXPECT_EQ(reader.memory()->state, backtest::TradingState::halted);
  const auto commands = reader.commands(5);
  ASSERT_EQ(commands.size(), 1u);
  EXPECT_EQ(commands[0].command, "halt");
  EXPECT_EQ(commands[0].by, "organism flatten");
  EXPECT_FALSE(commands[0].applied_at);

  // The resting bid canceled; one place call with the two closes.
  EXPECT_EQ(report.canceled, 1);
  ASSERT_EQ(broker.place_calls.size(), places_before + 1);
  const auto& batch = broker.place_calls.back();
  ASSERT_EQ(batch.size(), 2u);
  // Identities: bar_time = the halt, sequence = kFlattenSequence + the coin's index in {BTC, ETH}.
  OrderIntent close_btc = intent("s2", "BTC", Side::buy, 1'000'000);
  close_btc.bar_time = flatten_time;
  close_btc.sequence = kFlattenSequence + 0;
  OrderIntent close_eth = intent("s1", "ETH", Side::sell, 50'000'000);
  close_eth.bar_time = flatten_time;
  close_eth.sequence = kFlattenSequence + 1;
  std::map<std::string, const BrokerOrder*> by_cloid;
  for (const auto& order : batch) by_cloid[order.spec.cloid.value_or("")] = &order;
  ASSERT_TRUE(by_cloid.contains(cloid_of(close_btc)));
  ASSERT_TRUE(by_cloid.contains(cloid_of(close_eth)));
  const auto& btc = by_cloid[cloid_of(close_btc)]->spec;
  const auto& eth = by_cloid[cloid_of(close_eth)]->spec;
  EXPECT_TRUE(btc.is_buy);
  EXPECT_EQ(btc.sz, 1'000'000);
  EXPECT_TRUE(btc.reduce_only);
  EXPECT_FALSE(eth.is_buy);
  EXPECT_EQ(eth.sz, 50'000'000);
  EXPECT_TRUE(eth.reduce_only);

  // The books: flat per strategy and for the account; the exchange's account flat too.
  EXPECT_TRUE(report.flat());
  EXPECT_EQ(report.closes.size(), 2u);
  auto journal = Journal::open(path);
  EXPECT_EQ(strategy_position(journal, "s1", "ETH"), 0);
  EXPECT_EQ(strategy_position(journal, "s2", "BTC"), 0);
  EXPECT_EQ(strategy_position(journal, "", "ETH"), 0);
  EXPECT_EQ(strategy_position(journal, "", "BTC"), 0);
  EXPECT_TRUE(broker.account().positions.empty());
  EXPECT_TRUE(broker.open_orders().empty());
  // The ledger the trading loop rebuilds from: s1's ETH fills sum to 0 (+0.5 then -0.5).
  Units s1_eth = 0;
  for (const auto& entry : journal.ledger())
    if (entry.strategy_id == "s1" && entry.coin == "ETH") s1_eth += entry.size;
  EXPECT_EQ(s1_eth, 0);

  // Again: HALTED already (the first halt's time stands), nothing to close, nothing sent.
  broker.clock += 60'000;
  const auto again = flatten_journal(options(path), broker);
  EXPECT_FALSE(again.halt_recorded);
  EXPECT_EQ(again.halt_time, flatten_time);
  EXPECT_EQ(again.closes.size(), 0u);
  EXPECT_EQ(again.canceled, 0);
  EXPECT_EQ(broker.place_calls.size(), places_before + 1);
  EXPECT_EQ(RiskJournalReader::open(path).transitions(5).size(), 1u);
  EXPECT_EQ(RiskJournalReader::open(path).commands(5).size(), 2u);
}

TEST(FlattenJournal, CoinsLimitTheClosesButNotTheHalt) {
  ::organism::test::TempDir dir;
  const std::string path = (dir / "organism.journal.db").string();
  test::FakeBroker broker;
  trade_then_die(path, broker);
  auto o = options(path);
  o.coins = {"BTC"};
  const auto report = flatten_journal(o, broker);
  EXPECT_TRUE(report.halt_recorded);
  ASSERT_EQ(report.closes.size(), 1u);
  EXPECT_EQ(report.closes[0].intent.coin, "BTC");
  EXPECT_EQ(report.closes[0].intent.sequence, kFlattenSequence + 0);  // BTC's index in {BTC, ETH}
  EXPECT_TRUE(report.flat());  // of the coins asked
  auto journal = Journal::open(path);
  EXPECT_EQ(strategy_position(journal, "s2", "BTC"), 0);
  EXPECT_EQ(strategy_position(journal, "s1", "ETH"), 50'000'000);
  EXPECT_EQ(RiskJournalReader::open(path).memory()->state, backtest::TradingState::halted);
}

TEST(FlattenJournal, ARefusedCloseLeavesTheBookNotFlatAndSaysWhy) {
  ::organism::test::TempDir dir;
  const std::string path = (dir / "organism.journal.db").string();
  test::FakeBroker broker;
  trade_then_die(path, broker);
  // Every close refused: 2 rounds, each a new attempt identity (the previous one is final).
  for (int i = 0; i < 4; ++i) broker.replies.push_back({.kind = test::ScriptedReply::Kind::reject});
  auto o = options(path);
  o.max_attempts = 2;
  const auto report = flatten_journal(o, broker);
  EXPECT_FALSE(report.flat());
  EXPECT_EQ(report.rounds, 2);
  EXPECT_EQ(report.left.size(), 2u);
  EXPECT_EQ(report.closes.size(), 4u);
  std::set<std::string> cloids;
  for (const auto& c : report.closes) cloids.insert(c.cloid);
  EXPECT_EQ(cloids.size(), 4u);  // never the same order twice
  ASSERT_FALSE(report.notes.empty());
  EXPECT_NE(report.notes[0].find("Insufficient margin"), std::string::npos) << report.notes[0];
}

TEST(FlattenJournal, AJournalLockedByAnotherProcessIsAnErrorNamingIt) {
  ::organism::test::TempDir dir;
  const std::string path = (dir / "organism.journal.db").string();
  test::FakeBroker broker;
  trade_then_die(path, broker);
  data::sqlite::Db holder(path, data::sqlite::Db::Mode::ReadWrite);
  holder.exec("BEGIN IMMEDIATE");  // a writer that does not let go (beyond the 10 s busy timeout)
  try {
    flatten_journal(options(path), broker);
    FAIL() << "no error";
  } catch (const core::Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("the trading journal " + path + " is locked"), std::string::npos) << what;
  }
  holder.exec("ROLLBACK");
  EXPECT_EQ(broker.place_calls.size(), 2u);  // nothing sent
  EXPECT_TRUE(RiskJournalReader::open(path).transitions(5).empty());
}

}  // namespace
}  // namespace organism::exec

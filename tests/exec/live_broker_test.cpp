// The order manager with the live broker against `organism exchange-sim` on loopback: market and
// post-only orders, cancel, a restart that looks its orders up; then faults (a reply delayed past
// the client's timeout, orders rejected for a while, 5xx replies). After each, every journaled
// order is final, the journal and the simulator agree on its state and filled size, and the
// simulator holds at most one order per cloid (exactly one for every order it accepted).
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "exchange/sim_server_client.hpp"
#include "exchange/sim_server_process.hpp"
#include "exec/live_broker.hpp"
#include "exec/order_manager.hpp"
#include "support/test_support.hpp"

namespace organism::exec {
namespace {

using S = OrderState;

// The simulator as trading_sim.hpp starts it, with --order-log: every order it ever accepted,
// one JSON line each, written before its reply, for counting orders per cloid.
struct SimWithOrderLog {
  ::organism::test::TempDir dir;
  std::string order_log = (dir / "orders.jsonl").string();
  ::organism::test::SimProcess sim{{"--speed", "0", "--coins", "BTC,ETH", "--order-log", order_log}};
  ::organism::test::HttpClient http{sim.port()};
  std::shared_ptr<exchange::client::RestSession> session;
  std::unique_ptr<exchange::client::InfoClient> info;

  SimWithOrderLog() {
    EXPECT_TRUE(sim.started());
    EXPECT_EQ(http.post("/control", R"({"type":"advance","steps":12})").status, 200);
    session = std::make_shared<exchange::client::RestSession>("http://127.0.0.1:" + std::to_string(sim.port()),
                                                              nullptr);
    info = std::make_unique<exchange::client::InfoClient>(session);
  }
  // cloid -> how many orders the simulator accepted under it.
  std::map<std::string, int> accepted_per_cloid() const {
    std::map<std::string, int> count;
    std::ifstream in(order_log);
    for (std::string line; std::getline(in, line);) {
      const auto entry = nlohmann::json::parse(line);
      if (entry.contains("cloid") && entry["cloid"].is_string()) ++count[entry["cloid"].get<std::string>()];
    }
    return count;
  }
};

struct LiveFixture {
  SimWithOrderLog sim;
  ::organism::test::TempDir dir;
  Journal journal = Journal::open((dir / "organism.journal.db").string());
  std::unique_ptr<LiveBroker> broker;
  std::unique_ptr<OrderManager> orders;

  explicit LiveFixture(core::TimeMs expiry_ms = 30'000, int request_timeout_ms = 15'000) {
    LiveBrokerOptions options;
    options.url = "http://127.0.0.1:" + std::to_string(sim.sim.port());
    options.expiry_ms = expiry_ms;
    options.session.transport.request_timeout_ms = request_timeout_ms;
    options.session.retry.max_attempts = 2;
    options.session.retry.base_ms = 10;
    broker = std::make_unique<LiveBroker>(exchange::hl::PrivateKey::from_hex(::organism::test::vector_keys().at(0)),
                                          options);
    OrderManagerOptions manager_options;
    manager_options.expiry_ms = expiry_ms;
    orders = std::make_unique<OrderManager>(journal, *broker, manager_options);
  }
  void control(const std::string& body) { ASSERT_EQ(sim.http.post("/control", body).status, 200) << body; }
};

OrderIntent intent(const std::string& coin, Side side, Units size, std::uint32_t sequence) {
  OrderIntent in;
  in.strategy_id = "ema_cross_0_1a2b3c4d";
  in.coin = coin;
  in.bar_time = 1'704'067'200'000;
  in.sequence = sequence;
  in.side = side;
  in.size = size;
  return in;
}

// What the simulator holds for one cloid: its status, the size its fills add to, and every
// distinct order id under that cloid (status, open orders, fills).
struct SimOrder {
  std::optional<OrderStatusInfo> status;
  Units filled = 0;
  std::set<std::uint64_t> oids;
};

SimOrder sim_order(LiveFixture& f, const std::string& cloid) {
  SimOrder view;
  const std::string& user = f.broker->account_address();
  view.status = f.sim.info->order_status_by_cloid(user, cloid);
  if (view.status) view.oids.insert(view.status->order.oid);
  for (const Fill& fill : f.sim.info->user_fills(user)) {
    if (fill.cloid == cloid) {
      view.filled += fill.sz;
      view.oids.insert(fill.oid);
    }
  }
  for (const OrderInfo& open : f.sim.info->open_orders(user)) {
    if (open.cloid == cloid) view.oids.insert(open.oid);
  }
  return view;
}

// Every journaled order final, in the state and with the filled size the simulator reports; one
// order on the simulator per accepted cloid, none for a refused or expired one.
void expect_journal_agrees_with_sim(LiveFixture& f) {
  const JournalState state = f.journal.load();
  EXPECT_TRUE(state.open_orders.empty()) << state.open_orders.size() << " orders not final";
  const std::map<std::string, int> accepted = f.sim.accepted_per_cloid();
  int accepted_orders = 0;
  for (const std::string& cloid : state.cloids) {
    const Order order = *f.journal.find_order(cloid);
    const SimOrder sim = sim_order(f, cloid);
    SCOPED_TRACE(cloid + " " + std::string(name_of(order.state)));
    const auto logged = accepted.find(cloid);
    const int times = logged == accepted.end() ? 0 : logged->second;
    switch (order.state) {
      case S::filled:
      case S::canceled:
        EXPECT_EQ(times, 1);  // the simulator's order log: accepted exactly once
        ++accepted_orders;
        ASSERT_TRUE(sim.status);
        EXPECT_EQ(sim.status->status, name_of(order.state));
        EXPECT_EQ(sim.oids.size(), 1u);
        EXPECT_EQ(order.oid, sim.status->order.oid);
        EXPECT_EQ(order.filled_size, sim.filled);
        break;
      default:  // rejected, expired: the exchange never held it
        EXPECT_EQ(times, 0);
        EXPECT_EQ(sim.filled, 0);
        EXPECT_TRUE(sim.oids.empty() || (sim.status && sim.status->status.find("ejected") != std::string::npos));
        break;
    }
  }
  EXPECT_GT(accepted_orders, 0);
  EXPECT_EQ(accepted.size(), static_cast<std::size_t>(accepted_orders));  // no order but ours
}

TEST(LiveBroker, RefusesAnyHostThatIsNotLoopback) {
  LiveBrokerOptions options;
  options.url = "https://api.hyperliquid.xyz";
  const auto key = exchange::hl::PrivateKey::from_hex(::organism::test::vector_keys().at(0));
  try {
    LiveBroker broker(key, options);
    FAIL() << "a mainnet URL was accepted";
  } catch (const core::UsageError& e) {
    EXPECT_EQ(std::string(e.what()),
              "https://api.hyperliquid.xyz: live trading is allowed only against the local simulator (loopback) "
              "without --network testnet|mainnet (explicit risk limits and a typed confirmation)");
  }
  EXPECT_NO_THROW(require_loopback_url("http://127.3.4.5:9"));
  EXPECT_NO_THROW(require_loopback_url("http://localhost:9"));
  EXPECT_THROW(require_loopback_url("https://10.0.0.1:443"), core::UsageError);
}

TEST(LiveBroker, MarketFillsPostOnlyRestsCancelAndARestartLooksUpNeverPlaces) {
  LiveFixture f;
  const double mid = f.broker->reference_price("ETH");
  ASSERT_GT(mid, 0);
  const OrderIntent market = intent("ETH", Side::buy, 1'000'000, 0);  // 0.01 ETH, ~$22
  OrderIntent maker = intent("ETH", Side::buy, 1'000'000, 1);
  maker.style = ExecStyle::post_only;
  maker.price = static_cast<Units>(mid * 0.9 * 1e8);  // far below the book: rests
  const SubmitReport report = f.orders->submit({market, maker});
  ASSERT_EQ(report.placed.size(), 2u) << (report.refused.empty() ? "" : report.refused[0]);
  EXPECT_EQ(report.placed[0].state, S::filled);
  EXPECT_EQ(report.placed[0].filled_size, 1'000'000);
  EXPECT_EQ(report.placed[1].state, S::resting);
  f.orders->poll();
  EXPECT_EQ(f.orders->position("ETH"), 1'000'000);
  const std::vector<AttributedFill> fills = f.orders->take_fills();
  ASSERT_FALSE(fills.empty());
  EXPECT_EQ(fills[0].strategy_id, "ema_cross_0_1a2b3c4d");
  {
    OrderManager restarted(f.journal, *f.broker);
    const ReconcileReport reconciled = restarted.reconcile();
    EXPECT_EQ(reconciled.orders_checked, 1);
    EXPECT_TRUE(reconciled.foreign_orders.empty());
    EXPECT_TRUE(reconciled.position_mismatches.empty());
    const SubmitReport again = restarted.submit({market, maker});
    EXPECT_TRUE(again.placed.empty());
    EXPECT_EQ(again.looked_up.size(), 2u);
    EXPECT_EQ(restarted.cancel_all(), 1);
  }
  expect_journal_agrees_with_sim(f);
}

TEST(LiveBrokerFaults, AReplyDelayedPastTheTimeoutIsLookedUpAndPlacedOnce) {
  LiveFixture f(30'000, 400);
  const double mid = f.broker->reference_price("ETH");
  ASSERT_GT(mid, 0);
  // A post-only order at its own price: placing it needs no other request than the order.
  OrderIntent in = intent("ETH", Side::buy, 1'000'000, 0);
  in.style = ExecStyle::post_only;
  in.price = static_cast<Units>(mid * 0.9 * 1e8);
  f.control(R"({"type":"fault","fault":"delay","ms":1200})");
  const SubmitReport report = f.orders->submit({in});
  ASSERT_EQ(report.placed.size(), 1u);
  EXPECT_EQ(report.placed[0].state, S::sent);  // the outcome is unknown
  const auto events = f.journal.events_of(cloid_of(in));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].first.event, OrderEvent::unknown_outcome);
  f.control(R"({"type":"fault","fault":"none"})");
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // the delayed request lands
  f.orders->poll();
  EXPECT_EQ(f.journal.find_order(cloid_of(in))->state, S::resting);
  EXPECT_TRUE(f.orders->submit({in}).placed.empty());
  EXPECT_EQ(f.orders->cancel_all(), 1);
  expect_journal_agrees_with_sim(f);
}

TEST(LiveBrokerFaults, OrdersRejectedForAWhileAreRejectedAndLaterIntentsSucceed) {
  LiveFixture f;
  ASSERT_GT(f.broker->reference_price("ETH"), 0);
  f.control(R"({"type":"fault","fault":"rejectOrders","seconds":1})");
  const SubmitReport refused = f.orders->submit({intent("ETH", Side::buy, 1'000'000, 0)});
  ASSERT_EQ(refused.placed.size(), 1u);
  EXPECT_EQ(refused.placed[0].state, S::rejected);
  EXPECT_EQ(refused.refused.size(), 1u);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  const SubmitReport later = f.orders->submit({intent("ETH", Side::buy, 1'000'000, 1)});
  ASSERT_EQ(later.placed.size(), 1u);
  EXPECT_EQ(later.placed[0].state, S::filled);
  f.orders->poll();
  expect_journal_agrees_with_sim(f);
}

TEST(LiveBrokerFaults, FiveHundredsLeaveOrdersSentUntilLookedUpOrExpiredNeverDuplicated) {
  LiveFixture f(2'000);
  const double mid = f.broker->reference_price("ETH");
  ASSERT_GT(mid, 0);
  // Post-only at its own price: the order is the next request, the one that gets the 5xx.
  OrderIntent in = intent("ETH", Side::buy, 1'000'000, 0);
  in.style = ExecStyle::post_only;
  in.price = static_cast<Units>(mid * 0.9 * 1e8);
  // The simulator's first burst comes one period after the request: 0.3 s.
  f.control(R"({"type":"fault","fault":"http5xx","count":1,"everySeconds":0.3})");
  std::this_thread::sleep_for(std::chrono::milliseconds(350));
  const SubmitReport report = f.orders->submit({in});
  ASSERT_EQ(report.placed.size(), 1u);
  EXPECT_EQ(report.placed[0].state, S::sent);
  EXPECT_EQ(f.broker->session().stats().status_5xx, 1);
  f.control(R"({"type":"fault","fault":"none"})");
  f.orders->poll();  // not found, before the deadline: still sent
  EXPECT_EQ(f.journal.find_order(cloid_of(in))->state, S::sent);
  // Past the signed expiresAfter and the order manager's 2 s margin.
  std::this_thread::sleep_for(std::chrono::milliseconds(4100));
  f.orders->poll();
  EXPECT_EQ(f.journal.find_order(cloid_of(in))->state, S::expired);
  // The decision still stands: placed again once, as a market order under the resend leg's cloid.
  const auto resent = f.journal.find_order(cloid_of(in, OrderLeg::resend));
  ASSERT_TRUE(resent);
  EXPECT_EQ(resent->state, S::filled);
  EXPECT_EQ(resent->filled_size, in.size);
  EXPECT_TRUE(f.orders->submit({in}).placed.empty());
  const SubmitReport later = f.orders->submit({intent("ETH", Side::buy, 1'000'000, 1)});
  ASSERT_EQ(later.placed.size(), 1u);
  EXPECT_EQ(later.placed[0].state, S::filled);
  f.orders->poll();
  expect_journal_agrees_with_sim(f);
}

}  // namespace
}  // namespace organism::exec

// ExchangeClient against the real `organism exchange-sim` on loopback (--speed 0): a resting ALO
// with a cloid seen, modified and canceled by cloid; an IOC filling against the simulated book
// with its exact fill, fee and position; leverage; the $10 minimum refused before any request; a
// bad tick as a typed error status; refused versus unknown outcomes; and the nonce source.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <thread>

#include "core/clock.hpp"
#include "exchange/client/exchange_client.hpp"
#include "exchange/client/info_client.hpp"
#include "sim_server_client.hpp"
#include "sim_server_process.hpp"
#include "trading_sim.hpp"

namespace organism::exchange::client {
namespace {

using test::HttpClient;

constexpr const char* kCloid = "0x0000000000000000000000000000abcd";
constexpr const char* kOtherCloid = "0x00000000000000000000000000001234";

Units to_units(double x) { return std::llround(x * static_cast<double>(hl::kUnitsPerOne)); }

// The trading simulator with an ExchangeClient signing as vectors.json's first key.
struct TradingSim : test::TradingSimAccount {
  std::unique_ptr<ExchangeClient> client = std::make_unique<ExchangeClient>(trader(0));
  std::string user = client->address().hex();
  L2BookReply book() { return info->l2_book("BTC"); }
};

OrderSpec btc_order(bool buy, Units px, Units sz, hl::WireTif tif, const char* cloid = kCloid) {
  return OrderSpec{
      .coin = "BTC", .is_buy = buy, .px = px, .sz = sz, .tif = tif, .cloid = std::string(cloid)};
}

TEST(ExchangeClient, RestingAloWithCloidIsSeenModifiedAndCanceledByCloid) {
  TradingSim t;
  auto& c = *t.client;
  const auto book = t.book();
  ASSERT_FALSE(book.bids.empty());
  const Units px = c.price("BTC", book.bids[0].price * 0.98);
  const Units sz = c.size("BTC", 0.01);
  const auto placed = c.place({btc_order(true, px, sz, hl::WireTif::Alo)});
  ASSERT_EQ(placed.size(), 1u);
  ASSERT_EQ(placed[0].kind, OrderOutcome::Kind::resting) << placed[0].error;
  EXPECT_EQ(placed[0].cloid, kCloid);

  auto open = t.info->open_orders(t.user);
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].oid, placed[0].oid);
  EXPECT_EQ(open[0].coin, "BTC");
  EXPECT_TRUE(open[0].buy);
  EXPECT_EQ(open[0].limit_px, px);
  EXPECT_EQ(open[0].sz, sz);
  EXPECT_EQ(open[0].orig_sz, sz);
  EXPECT_EQ(open[0].cloid, kCloid);
  const auto frontend = t.info->frontend_open_orders(t.user);
  ASSERT_EQ(frontend.size(), 1u);
  EXPECT_EQ(frontend[0].tif, "Alo");
  EXPECT_EQ(frontend[0].order_type, "Limit");
  EXPECT_FALSE(frontend[0].reduce_only);

  auto status = t.info->order_status_by_cloid(t.user, kCloid);
  ASSERT_TRUE(status);
  EXPECT_EQ(status->status, "open");
  EXPECT_EQ(status->order.oid, placed[0].oid);
  EXPECT_EQ(status->order.limit_px, px);
  EXPECT_EQ(t.info->order_status(t.user, placed[0].oid)->order.cloid, kCloid);

  const Units px2 = c.price("BTC", book.bids[0].price * 0.97);
  c.modify({std::string(kCloid), btc_order(true, px2, sz, hl::WireTif::Alo)});
  open = t.info->open_orders(t.user);
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].limit_px, px2);
  EXPECT_NE(open[0].oid, placed[0].oid);  // a modify gets a new oid
  EXPECT_EQ(open[0].cloid, kCloid);

  const auto canceled = c.cancel_by_cloid({{"BTC", kCloid}});
  ASSERT_EQ(canceled.size(), 1u);
  EXPECT_TRUE(canceled[0].ok) << canceled[0].error;
  EXPECT_TRUE(t.info->open_orders(t.user).empty());
  status = t.info->order_status_by_cloid(t.user, kCloid);
  ASSERT_TRUE(status);
  EXPECT_EQ(status->status, "canceled");
  EXPECT_FALSE(t.info->order_status_by_cloid(t.user, kOtherCloid));
  // A second cancel of the same order: a typed per-item error, not an exception.
  const auto again = c.cancel_by_cloid({{"BTC", kCloid}});
  ASSERT_EQ(again.size(), 1u);
  EXPECT_FALSE(again[0].ok);
  EXPECT_EQ(again[0].error, "Order was never placed, already canceled, or filled.");
}

TEST(ExchangeClient, IocFillShowsInFillsAndPositionWithExactFee) {
  TradingSim t;
  auto& c = *t.client;
  c.update_leverage("BTC", /*cross=*/true, 7);
  const auto book = t.book();
  ASSERT_FALSE(book.asks.empty());
  const Units ask = to_units(book.asks[0].price);
  const Units sz = c.size("BTC", 0.01);
  ASSERT_GE(to_units(book.asks[0].size), sz);
  const auto placed =
      c.place({btc_order(true, c.price("BTC", book.asks[0].price * 1.01), sz, hl::WireTif::Ioc)});
  ASSERT_EQ(placed.size(), 1u);
  ASSERT_EQ(placed[0].kind, OrderOutcome::Kind::filled) << placed[0].error;
  EXPECT_EQ(placed[0].total_sz, sz);
  EXPECT_EQ(placed[0].avg_px, ask);

  // Taker fee 0.045% of px x sz, exact: 0.01 BTC at a price of at most one decimal is a whole
  // number of 1e-8 USD.
  const Units fee = static_cast<Units>(notional_units(ask, sz) * 45 / 100'000);
  const auto fills = t.info->user_fills(t.user);
  ASSERT_EQ(fills.size(), 1u);
  const Fill& f = fills[0];
  EXPECT_EQ(f.coin, "BTC");
  EXPECT_EQ(f.px, ask);
  EXPECT_EQ(f.sz, sz);
  EXPECT_TRUE(f.buy);
  EXPECT_TRUE(f.crossed);
  EXPECT_EQ(f.fee, fee);
  EXPECT_EQ(f.fee_token, "USDC");
  EXPECT_EQ(f.start_position, 0);
  EXPECT_EQ(f.dir, "Open Long");
  EXPECT_EQ(f.closed_pnl, 0);
  EXPECT_EQ(f.oid, placed[0].oid);
  EXPECT_EQ(f.cloid, kCloid);
  const auto by_time = t.info->user_fills_by_time(t.user, 0);
  ASSERT_EQ(by_time.size(), 1u);
  EXPECT_EQ(by_time[0], f);

  const auto state = t.info->clearinghouse_state(t.user);
  ASSERT_EQ(state.positions.size(), 1u);
  const Position& p = state.positions[0];
  EXPECT_EQ(p.coin, "BTC");
  EXPECT_EQ(p.szi, sz);
  EXPECT_EQ(p.entry_px, ask);
  EXPECT_TRUE(p.cross);
  EXPECT_EQ(p.leverage, 7);
  EXPECT_FALSE(p.raw_usd);
  EXPECT_NEAR(static_cast<double>(p.margin_used), static_cast<double>(p.position_value) / 7, 1.0);
  EXPECT_GT(state.withdrawable, 0);
  const auto status = t.info->order_status_by_cloid(t.user, kCloid);
  ASSERT_TRUE(status);
  EXPECT_EQ(status->status, "filled");
}

TEST(ExchangeClient, UnderTenDollarsIsRefusedBeforeAnyRequest) {
  TradingSim t;
  auto& c = *t.client;
  const auto before = t.session->stats().requests;
  const Units px = c.price("BTC", t.book().bids[0].price * 0.98);
  const auto requests = t.session->stats().requests;
  ASSERT_EQ(requests, before + 1);  // the book
  try {
    c.place({btc_order(true, px, c.size("BTC", 0.0001), hl::WireTif::Gtc)});
    FAIL() << "an order under $10 was sent";
  } catch (const InvalidOrder& e) {
    EXPECT_NE(std::string(e.what()).find("$10 minimum"), std::string::npos) << e.what();
  }
  EXPECT_EQ(t.session->stats().requests, requests);
  EXPECT_THROW(c.place({btc_order(true, px, 1'000'000, hl::WireTif::Gtc, "0x12")}),
               InvalidOrder);  // bad cloid
  EXPECT_THROW(c.place({OrderSpec{.coin = "DOGE", .px = 100, .sz = 100}}), InvalidOrder);
  EXPECT_EQ(t.session->stats().requests, requests);
}

TEST(ExchangeClient, BadTickIsATypedErrorStatusPerOrder) {
  TradingSim t;
  auto& c = *t.client;
  const Units px = c.price("BTC", t.book().bids[0].price * 0.98);
  const Units sz = c.size("BTC", 0.01);
  const auto out =
      c.place({btc_order(true, px + 1, sz, hl::WireTif::Gtc, kCloid),  // 1e-8 off the tick
               btc_order(true, px, sz, hl::WireTif::Gtc, kOtherCloid)});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].kind, OrderOutcome::Kind::error);
  EXPECT_EQ(out[0].error, "Price must be divisible by tick size.");
  EXPECT_EQ(out[1].kind, OrderOutcome::Kind::resting) << out[1].error;
  ASSERT_EQ(t.info->open_orders(t.user).size(), 1u);
  EXPECT_EQ(t.info->order_status_by_cloid(t.user, kOtherCloid)->status, "open");
}

TEST(ExchangeClient, RefusedAndUnknownOutcomesAreDistinguished) {
  TradingSim t;
  auto& c = *t.client;
  // The exchange's {"status":"err"}: not applied.
  EXPECT_THROW(
      c.modify({std::uint64_t{987654}, btc_order(true, c.price("BTC", t.book().bids[0].price * 0.9),
                                                 c.size("BTC", 0.01), hl::WireTif::Alo)}),
      ActionRefused);
  EXPECT_THROW(c.update_leverage("BTC", true, 500), ActionRefused);
  // A 429 on an action: it may have been applied; the action is not re-sent.
  // The simulator's first burst comes one period after the fault is set.
  ASSERT_EQ(
      t.http.post("/control", R"({"type":"fault","fault":"http429","count":1,"everySeconds":0.5})")
          .status,
      200);
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  const auto requests = t.session->stats().requests;
  EXPECT_THROW(c.noop(), ActionOutcomeUnknown);
  EXPECT_EQ(t.session->stats().requests, requests + 1);
  ASSERT_EQ(t.http.post("/control", R"({"type":"fault","fault":"none"})").status, 200);
  c.noop();
  // The exchange gone: the same signed body is re-sent while no reply byte came back, and when
  // the tries run out nobody knows whether one of them arrived. Waits counted, not slept.
  std::vector<TimeMs> waits;
  SessionOptions counted;
  counted.sleep = [&waits](TimeMs ms) { waits.push_back(ms); };
  auto quick = std::make_shared<RestSession>("http://127.0.0.1:" + std::to_string(t.sim.port()),
                                             nullptr, counted);
  ExchangeClient gone(quick, hl::PrivateKey::from_hex(test::vector_keys().at(0)), c.assets(), {},
                      c.nonces());
  t.sim.stop();
  EXPECT_THROW(gone.noop(), ActionOutcomeUnknown);
  EXPECT_EQ(quick->stats().requests, RetryPolicy{}.max_attempts);
  EXPECT_EQ(waits.size(), static_cast<std::size_t>(RetryPolicy{}.max_attempts - 1));
}

core::TimeMs market_time(HttpClient& http) {
  return hl::Json::parse(http.post("/control", R"({"type":"status"})").body)
      .at("marketTime")
      .get<core::TimeMs>();
}

TEST(ExchangeClient, TriggerBatchModifyScheduleCancelIsolatedMarginAndExpiry) {
  TradingSim t;
  auto& c = *t.client;
  const auto book = t.book();
  const Units sz = c.size("BTC", 0.01);
  ASSERT_EQ(
      c.place({btc_order(true, c.price("BTC", book.asks[0].price * 1.01), sz, hl::WireTif::Ioc)})[0]
          .kind,
      OrderOutcome::Kind::filled);
  // A reduce-only market stop loss under the long position.
  OrderSpec stop{.coin = "BTC",
                 .is_buy = false,
                 .px = c.price("BTC", book.bids[0].price * 0.9),
                 .sz = sz,
                 .reduce_only = true};
  stop.trigger = TriggerSpec{.is_market = true,
                             .trigger_px = c.price("BTC", book.bids[0].price * 0.95),
                             .take_profit = false};
  const auto stop_out = c.place({stop});
  ASSERT_EQ(stop_out[0].kind, OrderOutcome::Kind::resting) << stop_out[0].error;
  auto frontend = t.info->frontend_open_orders(t.user);
  ASSERT_EQ(frontend.size(), 1u);
  EXPECT_TRUE(frontend[0].is_trigger);
  EXPECT_EQ(frontend[0].trigger_px, stop.trigger->trigger_px);
  EXPECT_EQ(frontend[0].order_type, "Stop Market");
  EXPECT_TRUE(frontend[0].reduce_only);
  EXPECT_FALSE(frontend[0].tif);

  // Two resting bids replaced in one batchModify, addressed by cloid and by oid.
  const Units low = c.price("BTC", book.bids[0].price * 0.9);
  const auto bids = c.place({btc_order(true, low, sz, hl::WireTif::Alo, kCloid),
                             btc_order(true, low, sz, hl::WireTif::Alo, kOtherCloid)});
  ASSERT_EQ(bids[1].kind, OrderOutcome::Kind::resting);
  const Units lower = c.price("BTC", book.bids[0].price * 0.85);
  const auto modified =
      c.batch_modify({{std::string(kCloid), btc_order(true, lower, sz, hl::WireTif::Alo, kCloid)},
                      {bids[1].oid, btc_order(true, lower, sz, hl::WireTif::Alo, kOtherCloid)}});
  ASSERT_EQ(modified.size(), 2u);
  for (const auto& m : modified) {
    EXPECT_EQ(m.kind, OrderOutcome::Kind::resting) << m.error;
    EXPECT_NE(m.oid, bids[0].oid);
    EXPECT_NE(m.oid, bids[1].oid);
  }
  EXPECT_EQ(t.info->order_status_by_cloid(t.user, kOtherCloid)->order.limit_px, lower);

  // The dead man's switch runs on the wall clock: too soon is refused; at its time the server
  // cancels every open order by itself, with the market clock still (--speed 0) and no request
  // coming in: the orderUpdates feed carries the cancels before anything is asked.
  test::WsClient feed(t.sim.port());
  ASSERT_TRUE(feed.ok());
  feed.send(R"({"method":"subscribe","subscription":{"type":"orderUpdates","user":")" + t.user + "\"}}");
  ASSERT_TRUE(feed.next_containing("subscriptionResponse"));
  const core::TimeMs market_before = market_time(t.http);
  const core::TimeMs wall = core::WallClock().now();
  EXPECT_THROW(c.schedule_cancel(wall + 1000), ActionRefused);
  c.schedule_cancel(wall + 5'500);
  ASSERT_EQ(t.info->open_orders(t.user).size(), 3u);
  const auto canceled = feed.next_containing("scheduledCancel", std::chrono::milliseconds(15'000));
  ASSERT_TRUE(canceled);
  EXPECT_GE(core::WallClock().now(), wall + 5'500);
  EXPECT_TRUE(t.info->open_orders(t.user).empty());
  EXPECT_EQ(t.info->order_status_by_cloid(t.user, kCloid)->status, "scheduledCancel");
  EXPECT_EQ(market_time(t.http), market_before);

  // Isolated margin on ETH: +$1 exactly.
  c.update_leverage("ETH", /*cross=*/false, 5);
  const auto eth = t.info->l2_book("ETH");
  const auto eth_fill = c.place({OrderSpec{.coin = "ETH",
                                           .is_buy = true,
                                           .px = c.price("ETH", eth.asks[0].price * 1.01),
                                           .sz = c.size("ETH", 0.1),
                                           .tif = hl::WireTif::Ioc}});
  ASSERT_EQ(eth_fill[0].kind, OrderOutcome::Kind::filled) << eth_fill[0].error;
  auto eth_position = [&] {
    for (const auto& p : t.info->clearinghouse_state(t.user).positions)
      if (p.coin == "ETH") return p;
    ADD_FAILURE() << "no ETH position";
    return Position{};
  };
  const Position before = eth_position();
  EXPECT_FALSE(before.cross);
  ASSERT_TRUE(before.raw_usd);
  c.update_isolated_margin("ETH", 1'000'000);
  const Position after = eth_position();
  EXPECT_EQ(after.margin_used - before.margin_used, hl::kUnitsPerOne);

  // expiresAfter: a signed action already expired is refused; one with time left goes through.
  const auto key = hl::PrivateKey::from_hex(test::vector_keys().at(0));
  // Same key, so the same nonce source (two sources hand out one ms twice: "duplicate nonce").
  ExchangeClient late(t.session, key, t.info->meta(), {.expires_after_ms = -60'000}, c.nonces());
  EXPECT_THROW(late.noop(), ActionRefused);
  ExchangeClient timely(t.session, key, t.info->meta(), {.expires_after_ms = 60'000}, c.nonces());
  timely.noop();
}

TEST(NonceSource, StrictlyIncreasingUnderATightLoopAndAClockStepBack) {
  core::TimeMs now = 1'700'000'000'000;
  NonceSource fixed([&now] { return now; });
  EXPECT_EQ(fixed.next(), 1'700'000'000'000u);
  EXPECT_EQ(fixed.next(), 1'700'000'000'001u);  // same ms: bumped by one
  now += 10;
  EXPECT_EQ(fixed.next(), 1'700'000'000'010u);  // follows the clock again
  now -= 1000;
  EXPECT_EQ(fixed.next(), 1'700'000'000'011u);  // a clock stepping back never reuses a nonce

  // 1000 actions signed in a tight loop against the wall clock.
  NonceSource wall;
  const auto key = hl::PrivateKey::from_hex(test::vector_keys().at(0));
  const auto start =
      static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count());
  std::uint64_t previous = 0;
  for (int i = 0; i < 1000; ++i) {
    const auto request =
        hl::sign_request(hl::to_json(hl::L1Action{hl::NoopAction{}}), wall.next(), true, key);
    ASSERT_GT(request.nonce, previous) << "action " << i;
    previous = request.nonce;
  }
  EXPECT_GE(previous, start + 999);
  EXPECT_LT(previous, start + 60'000);  // still a timestamp, well inside (T - 2 d, T + 1 d)
}

}  // namespace
}  // namespace organism::exchange::client

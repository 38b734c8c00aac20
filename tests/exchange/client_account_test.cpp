// The account side of the client: InfoClient's typed account replies (exact units, PROTOCOL's
// own examples, and malformed replies named by request, item and field) from a scripted server;
// then, against the real `organism exchange-sim`, the userFills and orderUpdates feeds carrying
// the same fill and states as REST, and an approved agent trading for its master.
#include <gtest/gtest.h>

#include <deque>
#include <mutex>
#include <thread>

#include "exchange/client/exchange_client.hpp"
#include "exchange/client/info_client.hpp"
#include "exchange/client/ws_client.hpp"
#include "exchange/sim_server/server.hpp"
#include "io_wait.hpp"
#include "queued_info_server.hpp"
#include "sim_server_client.hpp"
#include "sim_server_process.hpp"
#include "trading_sim.hpp"

namespace organism::exchange::client {
namespace {

using test::run_until;

using namespace std::chrono_literals;
using sim_server::Reply;

struct ScriptedServer {
  test::QueuedInfoHandler handler;
  test::RunningServer server{handler};
  std::shared_ptr<RestSession> session = std::make_shared<RestSession>(server.url(), WeightBudget::make(1'000'000));
  InfoClient info{session};
  InfoClient& reply(std::string text) {
    handler.queue_ok(std::move(text));
    return info;
  }
};

// PROTOCOL §3.7's example, verbatim.
constexpr const char* kClearinghouse =
    R"({"assetPositions":[{"type":"oneWay","position":{"coin":"ETH","szi":"0.0335",)"
    R"("entryPx":"2986.3","leverage":{"type":"isolated","value":20,"rawUsd":"-95.059824"},)"
    R"("liquidationPx":"2866.26936529","marginUsed":"4.967826","maxLeverage":50,"positionValue":"100.02765",)"
    R"("returnOnEquity":"-0.0026789","unrealizedPnl":"-0.0134","cumFunding":{"allTime":"514.085417",)"
    R"("sinceChange":"0.0","sinceOpen":"0.0"}}}],"marginSummary":{"accountValue":"13109.482328",)"
    R"("totalMarginUsed":"4.967826","totalNtlPos":"100.02765","totalRawUsd":"13009.454678"},)"
    R"("crossMarginSummary":{"accountValue":"13104.514502","totalMarginUsed":"0.0","totalNtlPos":"0.0",)"
    R"("totalRawUsd":"13104.514502"},"crossMaintenanceMarginUsed":"0.0","withdrawable":"13104.514502",)"
    R"("time":1708622398623})";

TEST(AccountInfo, ProtocolExamplesParseExactly) {
  ScriptedServer s;
  const auto state = s.reply(kClearinghouse).clearinghouse_state("0x1");
  ASSERT_EQ(state.positions.size(), 1u);
  const Position& p = state.positions[0];
  EXPECT_EQ(p.coin, "ETH");
  EXPECT_EQ(p.szi, 3'350'000);
  EXPECT_EQ(p.entry_px, 298'630'000'000);
  EXPECT_FALSE(p.cross);
  EXPECT_EQ(p.leverage, 20);
  EXPECT_EQ(p.raw_usd, -9'505'982'400);
  EXPECT_EQ(p.liquidation_px, 286'626'936'529);
  EXPECT_EQ(p.margin_used, 496'782'600);
  EXPECT_EQ(p.unrealized_pnl, -1'340'000);
  EXPECT_EQ(p.cum_funding_all_time, 51'408'541'700);
  EXPECT_EQ(state.margin_summary.account_value, 1'310'948'232'800);
  EXPECT_EQ(state.withdrawable, 1'310'451'450'200);
  EXPECT_EQ(state.time, 1708622398623);

  // §3.8's short form has no origSz; §3.10's found order and the unknown one.
  const auto open =
      s.reply(
           R"([{"coin":"BTC","limitPx":"29792.0","oid":91490942,"side":"A","sz":"0.0","timestamp":1681247412573}])")
          .open_orders("0x1");
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].limit_px, 2'979'200'000'000);
  EXPECT_FALSE(open[0].buy);
  EXPECT_EQ(open[0].orig_sz, 0);
  const auto status =
      s.reply(
           R"({"status":"order","order":{"order":{"coin":"ETH","side":"A","limitPx":"2412.7",)"
           R"("sz":"0.0","oid":1,"timestamp":1724361546645,"triggerCondition":"N/A","isTrigger":false,)"
           R"("triggerPx":"0.0","children":[],"isPositionTpsl":false,"reduceOnly":true,)"
           R"("orderType":"Market","origSz":"0.0076","tif":"FrontendMarket","cloid":null},)"
           R"("status":"filled","statusTimestamp":1724361546645}})")
          .order_status("0x1", 1);
  ASSERT_TRUE(status);
  EXPECT_EQ(status->status, "filled");
  EXPECT_EQ(status->order.orig_sz, 760'000);
  EXPECT_TRUE(status->order.reduce_only);
  EXPECT_EQ(status->order.tif, "FrontendMarket");
  EXPECT_FALSE(status->order.cloid);
  EXPECT_FALSE(s.reply(R"({"status":"unknownOid"})").order_status("0x1", 2));
  const auto funding =
      s.reply(R"([{"time":1,"hash":"0x0","delta":{"type":"funding","coin":"BTC","usdc":"-0.5",)"
              R"("szi":"2","fundingRate":"0.0000125","nSamples":null}}])")
          .user_funding("0x1", 0);
  ASSERT_EQ(funding.size(), 1u);
  EXPECT_EQ(funding[0].usdc, -50'000'000);
  EXPECT_EQ(funding[0].funding_rate, 1'250);
}

std::string error_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const core::Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(AccountInfo, MalformedRepliesNameRequestItemAndField) {
  ScriptedServer s;
  const std::string fill =
      R"({"coin":"BTC","px":"42000","sz":"0.01","side":"B","time":5,"startPosition":"0",)"
      R"("dir":"Open Long","closedPnl":"0","hash":"0x1","oid":3,"crossed":true,"fee":"0.189","tid":9})";
  EXPECT_EQ(s.reply("[" + fill + "]").user_fills("0x1").at(0).fee, 18'900'000);
  auto with = [&](const std::string& from, const std::string& to) {
    std::string out = fill;
    out.replace(out.find(from), from.size(), to);
    return "[" + fill + "," + out + "]";
  };
  EXPECT_EQ(
      error_of(
          [&] { s.reply(with(R"("fee":"0.189")", R"("fee":"0.1890000001")")).user_fills("0x1"); }),
      R"(userFills: fill 1: field 'fee': expected a decimal string of at most 8 decimals, got "0.1890000001")");
  EXPECT_EQ(error_of([&] { s.reply(with(R"("oid":3)", R"("oid":"3")")).user_fills("0x1"); }),
            R"(userFills: fill 1: field 'oid': expected an unsigned integer, got "3")");
  EXPECT_EQ(error_of([&] { s.reply(with(R"("crossed":true,)", "")).user_fills("0x1"); }),
            "userFills: fill 1: field 'crossed': expected a boolean, got nothing");
  EXPECT_EQ(error_of([&] { s.reply(with(R"("side":"B")", R"("side":"b")")).user_fills("0x1"); }),
            R"(userFills: fill 1: field 'side': expected "B" or "A", got "b")");
  EXPECT_EQ(error_of([&] { s.reply(R"({"fills":[]})").user_fills("0x1"); }).substr(0, 34),
            "userFills: expected a JSON array, ");
  EXPECT_EQ(error_of([&] { s.reply(R"([{"coin":"BTC"}])").open_orders("0x1"); }),
            "openOrders: order 0: field 'side': expected a string, got nothing");
  EXPECT_EQ(error_of([&] { s.reply(R"({"status":"maybe"})").order_status("0x1", 4); }),
            R"(orderStatus 4: field 'status': expected "order" or "unknownOid", got "maybe")");
  std::string broken = kClearinghouse;
  broken.replace(broken.find(R"("value":20)"), 10, R"("value":"20")");
  EXPECT_EQ(
      error_of([&] { s.reply(broken).clearinghouse_state("0x1"); }),
      R"(clearinghouseState: assetPositions 0: leverage: field 'value': expected an integer, got "20")");
  EXPECT_EQ(error_of([&] { s.reply("[]").order_status_by_cloid("0x1", "0x12"); }),
            "orderStatus: '0x12' is not a cloid (0x and 32 hex digits)");
}

using SimAccount = test::TradingSimAccount;

TEST(AccountFeeds, UserFillsAndOrderUpdatesCarryWhatRestReports) {
  SimAccount a;
  auto trader = a.trader(0);
  const std::string user = trader.address().hex();
  boost::asio::io_context ioc;
  WsClient ws(ioc, {.url = "ws://127.0.0.1:" + std::to_string(a.sim.port()) + "/ws"});
  std::vector<WsUserFills> fills_frames;
  std::vector<OrderStatusInfo> updates;
  ws.on_frame([&](const WsFrame& frame) {
    if (frame.kind == FrameKind::user_fills) fills_frames.push_back(frame.user_fills);
    if (frame.kind == FrameKind::order_updates)
      updates.insert(updates.end(), frame.order_updates.begin(), frame.order_updates.end());
  });
  const WsSubscription fills_sub{"userFills", "", "", user};
  const WsSubscription updates_sub{"orderUpdates", "", "", user};
  ws.subscribe(fills_sub);
  ws.subscribe(updates_sub);
  ws.start();
  ASSERT_TRUE(run_until(
      ioc, [&] { return ws.acknowledged(fills_sub) && ws.acknowledged(updates_sub); }, 5s));
  ASSERT_TRUE(run_until(
      ioc, [&] { return !fills_frames.empty(); }, 5s));
  EXPECT_TRUE(fills_frames[0].is_snapshot);
  EXPECT_TRUE(fills_frames[0].fills.empty());

  const auto book = a.info->l2_book("BTC");
  const std::string cloid = "0x000000000000000000000000000000f1";
  const auto sz = trader.size("BTC", 0.01);
  const auto filled = trader.place({OrderSpec{.coin = "BTC",
                                              .is_buy = false,
                                              .px = trader.price("BTC", book.bids[0].price * 0.99),
                                              .sz = sz,
                                              .tif = hl::WireTif::Ioc,
                                              .cloid = cloid}});
  ASSERT_EQ(filled.at(0).kind, OrderOutcome::Kind::filled) << filled[0].error;
  const auto resting = trader.place({OrderSpec{.coin = "BTC",
                                               .is_buy = false,
                                               .px = trader.price("BTC", book.asks[0].price * 1.05),
                                               .sz = sz,
                                               .tif = hl::WireTif::Alo}});
  ASSERT_EQ(resting.at(0).kind, OrderOutcome::Kind::resting) << resting[0].error;
  ASSERT_TRUE(trader.cancel({{"BTC", resting[0].oid}}).at(0).ok);
  ASSERT_TRUE(run_until(
      ioc, [&] { return fills_frames.size() >= 2 && updates.size() >= 3; }, 5s))
      << fills_frames.size() << " fill frames, " << updates.size() << " updates";

  const auto rest_fills = a.info->user_fills(user);
  ASSERT_EQ(rest_fills.size(), 1u);
  EXPECT_FALSE(fills_frames[1].is_snapshot);
  ASSERT_EQ(fills_frames[1].fills.size(), 1u);
  EXPECT_EQ(fills_frames[1].fills[0], rest_fills[0]);  // every field, exactly
  EXPECT_EQ(rest_fills[0].cloid, cloid);
  EXPECT_FALSE(rest_fills[0].buy);
  EXPECT_EQ(rest_fills[0].dir, "Open Short");

  // The IOC's fill, then the ALO opened and canceled, in order.
  std::vector<std::pair<std::uint64_t, std::string>> seen;
  for (const auto& u : updates) seen.emplace_back(u.order.oid, u.status);
  const std::vector<std::pair<std::uint64_t, std::string>> want = {
      {filled[0].oid, "filled"}, {resting[0].oid, "open"}, {resting[0].oid, "canceled"}};
  EXPECT_EQ(seen, want);
  EXPECT_EQ(updates[1].order.limit_px, trader.price("BTC", book.asks[0].price * 1.05));
  ws.stop();
}

TEST(AccountFeeds, AnApprovedAgentTradesForItsMaster) {
  SimAccount a;
  auto master = a.trader(0);
  auto agent = a.trader(1);
  master.noop();  // the master's account opens with --balance
  master.approve_agent(agent.address(), "bot");
  const auto book = a.info->l2_book("BTC");
  const auto placed = agent.place({OrderSpec{.coin = "BTC",
                                             .is_buy = true,
                                             .px = agent.price("BTC", book.bids[0].price * 0.95),
                                             .sz = agent.size("BTC", 0.01),
                                             .tif = hl::WireTif::Gtc}});
  ASSERT_EQ(placed.at(0).kind, OrderOutcome::Kind::resting) << placed[0].error;
  const auto open = a.info->open_orders(master.address().hex());
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].oid, placed[0].oid);
  EXPECT_TRUE(a.info->open_orders(agent.address().hex()).empty());
  // An agent may not approve agents: the exchange refuses, nothing applied.
  EXPECT_THROW(agent.approve_agent(master.address()), ActionRefused);
}

}  // namespace
}  // namespace organism::exchange::client

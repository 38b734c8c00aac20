// The paper broker against books with numbers worked by hand: an IOC walking three levels with a
// partial fill at its collar (taker fees, VWAP), a post-only resting and filling as a maker,
// cancel, lookups by cloid, fills and funding since a time, the latency model, the state file
// (round trip and the save-before-answer rule) and the MarketReplay feed.
#include "exec/book_broker.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "exchange/client/info_client.hpp"
#include "exchange/sim/market_replay.hpp"
#include "exec/book_feed.hpp"
#include "support/test_support.hpp"

namespace organism::exec {
namespace {

namespace sim = exchange::sim;
using exchange::client::CancelCloidRef;
using exchange::client::OrderOutcome;
using Units = exchange::client::Units;
using test::TempDir;
using test::write_file;

constexpr core::TimeMs kT0 = 1'700'000'000'000;
constexpr Units kUnit = 100'000'000;  // 1.0 in 1e-8 units

Units u(double x) { return std::llround(x * 1e8); }

std::vector<sim::Level> levels(std::vector<std::pair<double, double>> px_sz) {
  std::vector<sim::Level> out;
  for (auto [px, sz] : px_sz) out.push_back({u(px), u(sz), 1});
  return out;
}

std::vector<sim::AssetSpec> eth() { return {sim::AssetSpec{"ETH", 4, 50, false}}; }

BookBrokerOptions options(core::TimeMs latency_ms = 0) {
  BookBrokerOptions o;
  o.capital = 100'000;
  o.latency_ms = latency_ms;
  return o;
}

// bids 1999.5 x 1, 1999 x 2; asks 2000.5 x 1, 2001 x 2, 2002 x 3, 2003 x 5 (mid 2000).
void base_book(BookBroker& broker, core::TimeMs time = kT0) {
  broker.on_book("ETH", time, levels({{1999.5, 1}, {1999, 2}}),
                 levels({{2000.5, 1}, {2001, 2}, {2002, 3}, {2003, 5}}));
}

std::string cloid(int n) {
  std::string hex = std::to_string(n);
  return "0x" + std::string(32 - hex.size(), '0') + hex;
}

BrokerOrder order(bool buy, double px, double sz, exchange::hl::WireTif tif, int id) {
  BrokerOrder o;
  o.spec.coin = "ETH";
  o.spec.is_buy = buy;
  o.spec.px = u(px);
  o.spec.sz = u(sz);
  o.spec.tif = tif;
  o.spec.cloid = cloid(id);
  return o;
}
BrokerOrder ioc(bool buy, double collar, double sz, int id) {
  return order(buy, collar, sz, exchange::hl::WireTif::Ioc, id);
}
BrokerOrder post_only(bool buy, double px, double sz, int id) {
  return order(buy, px, sz, exchange::hl::WireTif::Alo, id);
}

OrderOutcome place1(BookBroker& broker, const BrokerOrder& o) { return broker.place({o}).at(0); }

TEST(BookBroker, IocWalksThreeLevelsAndLeavesTheRestBeyondTheCollar) {
  BookBroker broker(eth(), options());
  base_book(broker);
  EXPECT_DOUBLE_EQ(broker.reference_price("ETH"), 2000.0);
  // Buy 7 limited at 2002: 1 @ 2000.5, 2 @ 2001, 3 @ 2002; the 5 at 2003 are beyond the collar.
  const OrderOutcome out = place1(broker, ioc(true, 2002, 7, 1));
  ASSERT_EQ(out.kind, OrderOutcome::Kind::filled) << out.error;
  EXPECT_EQ(out.total_sz, 6 * kUnit);
  // VWAP = (2000.5 + 4002 + 6006) / 6 = 12008.5 / 6 = 2001.41666666..., on the wire 8 decimals.
  EXPECT_EQ(out.avg_px, 200'141'666'667);
  EXPECT_EQ(out.cloid, cloid(1));

  const auto fills = broker.fills_since(0);
  ASSERT_EQ(fills.size(), 3u);
  const Units px[] = {u(2000.5), u(2001), u(2002)};
  const Units sz[] = {1 * kUnit, 2 * kUnit, 3 * kUnit};
  // Taker 0.045 %: 2000.5 x 0.00045 = 0.900225; 4002 x = 1.8009; 6006 x = 2.7027.
  const Units fee[] = {90'022'500, 180'090'000, 270'270'000};
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(fills[i].px, px[i]);
    EXPECT_EQ(fills[i].sz, sz[i]);
    EXPECT_EQ(fills[i].fee, fee[i]);
    EXPECT_TRUE(fills[i].crossed);
    EXPECT_TRUE(fills[i].buy);
    EXPECT_EQ(fills[i].oid, out.oid);
    EXPECT_EQ(fills[i].cloid, cloid(1));
    EXPECT_EQ(fills[i].time, kT0);
    EXPECT_EQ(fills[i].coin, "ETH");
  }
  EXPECT_EQ(fills[0].start_position, 0);
  EXPECT_EQ(fills[2].start_position, 3 * kUnit);

  // The remaining 1 was canceled, not left resting.
  const auto status = broker.order_status(cloid(1));
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(status->status, "canceled");
  EXPECT_EQ(status->order.orig_sz, 7 * kUnit);
  EXPECT_EQ(status->order.sz, 1 * kUnit);
  EXPECT_EQ(status->order.tif, "Ioc");
  EXPECT_TRUE(broker.open_orders().empty());

  const auto account = broker.account();
  ASSERT_EQ(account.positions.size(), 1u);
  EXPECT_EQ(account.positions[0].coin, "ETH");
  EXPECT_EQ(account.positions[0].szi, 6 * kUnit);
  EXPECT_EQ(account.positions[0].entry_px, 200'141'666'667);
  // Marked at the mid 2000: (2000 - 2001.41666...) x 6 = -8.5; value 100000 - 5.403825 - 8.5.
  EXPECT_EQ(account.positions[0].unrealized_pnl, u(-8.5));
  EXPECT_EQ(account.margin_summary.account_value, u(99'986.096175));
}

TEST(BookBroker, TakesALiveL2BookReply) {
  BookBroker broker(eth(), options());
  exchange::client::L2BookReply book;
  book.coin = "ETH";
  book.time = kT0;
  book.bids = {{3001.2, 0.5, 2}};
  book.asks = {{3001.3, 0.25, 1}, {3001.9, 1.5, 3}};
  broker.on_book(book);
  EXPECT_DOUBLE_EQ(broker.reference_price("ETH"), 3001.25);
  EXPECT_EQ(broker.now(), kT0);
  // 0.25 @ 3001.3 and 0.25 @ 3001.9: the sizes converted exactly.
  const OrderOutcome out = place1(broker, ioc(true, 3002, 0.5, 15));
  ASSERT_TRUE(out.ok()) << out.error;
  EXPECT_EQ(out.total_sz, u(0.5));
  EXPECT_EQ(out.avg_px, u(3001.6));
}

TEST(L2BookPoller, WaitsForTheLatencyThenMatchesAFreshSnapshot) {
  core::FixedClock clock(kT0);
  BookBrokerOptions o = options(50);
  o.clock = &clock;
  BookBroker broker(eth(), o);
  std::vector<core::TimeMs> slept;
  int fetches = 0;
  L2BookPoller poller(
      {"ETH"},
      [&](const std::string& coin) {
        ++fetches;
        exchange::client::L2BookReply book;
        book.coin = coin;
        book.time = clock.now();
        book.bids = {{2000.0 + fetches, 1, 1}};
        book.asks = {{2001.0 + fetches, 1, 1}};
        return book;
      },
      clock,
      [&](core::TimeMs until) {
        slept.push_back(until);
        clock.set(until + 3);  // the snapshot comes a little after the time asked
      });
  poller.feed_through(kT0, broker);  // now: no wait, the first snapshot (ask 2002)
  EXPECT_TRUE(slept.empty());
  broker.set_book_source(&poller);
  const OrderOutcome out = place1(broker, ioc(true, 2100, 1, 16));
  ASSERT_TRUE(out.ok()) << out.error;
  EXPECT_EQ(slept, std::vector<core::TimeMs>{kT0 + 50});
  EXPECT_EQ(out.avg_px, u(2003));  // the second snapshot, taken after the latency
  EXPECT_EQ(broker.fills_since(0).at(0).time, kT0 + 53);
  EXPECT_EQ(broker.now(), kT0 + 53);
  // The same exchange time again: dropped, the broker keeps its book.
  poller.feed_through(kT0 + 53, broker);
  EXPECT_EQ(fetches, 3);
  EXPECT_DOUBLE_EQ(broker.reference_price("ETH"), 2002.5);
}

TEST(BookBroker, IocWithNothingInsideTheCollarIsRefused) {
  BookBroker broker(eth(), options());
  base_book(broker);
  const OrderOutcome out = place1(broker, ioc(true, 2000, 1, 2));
  EXPECT_EQ(out.kind, OrderOutcome::Kind::error);
  EXPECT_EQ(out.error, "Order could not immediately match against any resting orders.");
  EXPECT_EQ(broker.order_status(cloid(2))->status, "rejected");
  EXPECT_TRUE(broker.fills_since(0).empty());
}

TEST(BookBroker, PostOnlyRestsThenFillsAsMakerWhenALaterBookReachesIt) {
  BookBroker broker(eth(), options());
  base_book(broker);
  // Crossing the best ask is refused with the exchange's text.
  const OrderOutcome crossing = place1(broker, post_only(true, 2000.5, 1, 3));
  EXPECT_EQ(crossing.kind, OrderOutcome::Kind::error);
  EXPECT_EQ(crossing.error,
            "Post only order would have immediately matched, bbo was 1999.5@2000.5.");

  const OrderOutcome rest = place1(broker, post_only(true, 1999, 1, 4));
  ASSERT_EQ(rest.kind, OrderOutcome::Kind::resting) << rest.error;
  const auto open = broker.open_orders();
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].cloid, cloid(4));
  EXPECT_EQ(open[0].limit_px, u(1999));
  EXPECT_EQ(open[0].tif, "Alo");
  EXPECT_EQ(broker.order_status(cloid(4))->status, "open");

  // Mid 1999.5: not yet at 1999.
  broker.on_book("ETH", kT0 + 1000, levels({{1999, 1}}), levels({{2000, 1}}));
  EXPECT_TRUE(broker.fills_since(0).empty());
  // Mid 1998 <= 1999: the whole order fills at its price, maker fee 1999 x 0.00015 = 0.29985.
  broker.on_book("ETH", kT0 + 2000, levels({{1997.5, 1}}), levels({{1998.5, 1}}));
  const auto fills = broker.fills_since(0);
  ASSERT_EQ(fills.size(), 1u);
  EXPECT_EQ(fills[0].px, u(1999));
  EXPECT_EQ(fills[0].sz, kUnit);
  EXPECT_FALSE(fills[0].crossed);
  EXPECT_EQ(fills[0].fee, 29'985'000);
  EXPECT_EQ(fills[0].time, kT0 + 2000);
  EXPECT_EQ(fills[0].oid, rest.oid);
  const auto status = broker.order_status(cloid(4));
  EXPECT_EQ(status->status, "filled");
  EXPECT_EQ(status->status_timestamp, kT0 + 2000);
  EXPECT_TRUE(broker.open_orders().empty());
  EXPECT_EQ(broker.now(), kT0 + 2000);
}

TEST(BookBroker, CancelByCloidOnceAndUnknownCloidsAreNotFound) {
  BookBroker broker(eth(), options());
  base_book(broker);
  ASSERT_EQ(place1(broker, post_only(false, 2010, 1, 5)).kind, OrderOutcome::Kind::resting);
  EXPECT_EQ(broker.cancel({CancelCloidRef{"ETH", cloid(5)}}), std::vector<bool>{true});
  EXPECT_EQ(broker.order_status(cloid(5))->status, "canceled");
  EXPECT_TRUE(broker.open_orders().empty());
  EXPECT_EQ(broker.cancel({CancelCloidRef{"ETH", cloid(5)}, CancelCloidRef{"BTC", cloid(5)}}),
            (std::vector<bool>{false, false}));
  EXPECT_FALSE(broker.order_status(cloid(99)).has_value());
  // An unknown coin is a refused order, not an exception.
  BrokerOrder btc = ioc(true, 50000, 1, 6);
  btc.spec.coin = "BTC";
  const OrderOutcome out = place1(broker, btc);
  EXPECT_EQ(out.kind, OrderOutcome::Kind::error);
  EXPECT_EQ(out.cloid, cloid(6));
}

TEST(BookBroker, FillsAndFundingSinceATime) {
  BookBroker broker(eth(), options());
  base_book(broker);
  ASSERT_TRUE(place1(broker, ioc(true, 2001, 1, 7)).ok());  // 1 @ 2000.5
  base_book(broker, kT0 + 5000);
  ASSERT_TRUE(place1(broker, ioc(false, 1999, 1.5, 8)).ok());  // 1 @ 1999.5, 0.5 @ 1999
  EXPECT_EQ(broker.fills_since(0).size(), 3u);
  const auto later = broker.fills_since(kT0 + 1);
  ASSERT_EQ(later.size(), 2u);
  EXPECT_EQ(later[0].px, u(1999.5));
  EXPECT_EQ(later[1].px, u(1999));
  EXPECT_EQ(later[1].sz, u(0.5));
  // Closing 1 long bought at 2000.5 at 1999.5 realizes -1; the last 0.5 opens a short.
  EXPECT_EQ(later[0].closed_pnl, u(-1));
  EXPECT_EQ(later[1].start_position, 0);
  EXPECT_EQ(later[1].dir, "Open Short");

  // Short 0.5 at mark 2000 and a rate of +0.0001: shorts receive 0.5 x 2000 x 0.0001 = 0.1.
  const core::TimeMs hour = (kT0 / 3'600'000 + 1) * 3'600'000;
  broker.settle_funding("ETH", 0.0001, hour);
  EXPECT_TRUE(broker.funding_since(hour + 1).empty());
  const auto funding = broker.funding_since(hour);
  ASSERT_EQ(funding.size(), 1u);
  EXPECT_EQ(funding[0].coin, "ETH");
  EXPECT_EQ(funding[0].usdc, u(0.1));
  EXPECT_EQ(funding[0].szi, -u(0.5));
  EXPECT_EQ(funding[0].funding_rate, 10'000);
  EXPECT_EQ(funding[0].time, hour);
  EXPECT_EQ(broker.now(), hour);
}

// A source holding books that the broker may ask for: it hands over those up to the time asked.
class ScriptedBooks final : public BookSource {
 public:
  struct Entry {
    core::TimeMs time = 0;
    std::vector<sim::Level> bids{}, asks{};
  };
  std::vector<Entry> books{};
  std::vector<core::TimeMs> asked{};
  void feed_through(core::TimeMs time, BookBroker& broker) override {
    asked.push_back(time);
    while (!books.empty() && books.front().time <= time) {
      broker.on_book("ETH", books.front().time, books.front().bids, books.front().asks);
      books.erase(books.begin());
    }
  }
};

TEST(BookBroker, LatencyMatchesTheBookInForceWhenTheOrderArrives) {
  BookBroker broker(eth(), options(50));
  base_book(broker);  // ask 2000.5 at kT0
  ScriptedBooks source;
  source.books = {{kT0 + 30, levels({{2009.5, 5}}), levels({{2010.5, 5}})},
                  {kT0 + 60, levels({{2019.5, 5}}), levels({{2020.5, 5}})}};
  broker.set_book_source(&source);
  const OrderOutcome out = place1(broker, ioc(true, 2100, 1, 9));
  ASSERT_TRUE(out.ok()) << out.error;
  EXPECT_EQ(source.asked, std::vector<core::TimeMs>{kT0 + 50});
  EXPECT_EQ(out.avg_px, u(2010.5));  // the book of kT0 + 30, not kT0's nor kT0 + 60's
  EXPECT_EQ(broker.fills_since(0).at(0).time, kT0 + 50);
  EXPECT_EQ(broker.now(), kT0 + 50);
  EXPECT_EQ(broker.stale_book_matches(), 0u);
  broker.advance(kT0 + 100);
  EXPECT_DOUBLE_EQ(broker.reference_price("ETH"), 2020.0);
  EXPECT_EQ(broker.now(), kT0 + 100);
}

TEST(BookBroker, LatencyWithoutASourceMatchesTheLatestBookAndCountsIt) {
  BookBroker broker(eth(), options(50));
  base_book(broker);
  const OrderOutcome out = place1(broker, ioc(true, 2100, 1, 10));
  ASSERT_TRUE(out.ok()) << out.error;
  EXPECT_EQ(out.avg_px, u(2000.5));
  EXPECT_EQ(broker.fills_since(0).at(0).time, kT0 + 50);
  EXPECT_EQ(broker.stale_book_matches(), 1u);
}

TEST(BookBroker, StateFileRoundTripsAndIsWrittenBeforeAnAnswerThatChangedTheAccount) {
  TempDir tmp;
  BookBrokerOptions with_file = options();
  with_file.state_path = (tmp / "paper.json").string();
  BookBroker broker(eth(), with_file);
  base_book(broker);
  EXPECT_FALSE(std::filesystem::exists(with_file.state_path));  // a book alone changes nothing
  ASSERT_TRUE(place1(broker, ioc(true, 2002, 4, 11)).ok());     // 1 @ 2000.5, 2 @ 2001, 1 @ 2002
  EXPECT_TRUE(std::filesystem::exists(with_file.state_path));
  ASSERT_EQ(place1(broker, post_only(false, 2010, 1, 12)).kind, OrderOutcome::Kind::resting);
  const core::TimeMs hour = (kT0 / 3'600'000 + 1) * 3'600'000;
  broker.settle_funding("ETH", 0.0001, hour);

  // A book that moved nothing of the account is not written...
  std::filesystem::remove(with_file.state_path);
  broker.on_book("ETH", hour + 1000, levels({{2004.5, 1}}), levels({{2005.5, 1}}));
  EXPECT_FALSE(std::filesystem::exists(with_file.state_path));
  // ...one that filled the resting sell (mid 2010 >= 2010) is, before on_book returns.
  broker.on_book("ETH", hour + 2000, levels({{2009.5, 1}}), levels({{2010.5, 1}}));
  ASSERT_TRUE(std::filesystem::exists(with_file.state_path));

  BookBroker restored = BookBroker::restore(eth(), with_file);
  EXPECT_EQ(restored.now(), broker.now());
  EXPECT_EQ(restored.reference_price("ETH"), broker.reference_price("ETH"));
  EXPECT_EQ(restored.fills_since(0), broker.fills_since(0));
  EXPECT_EQ(restored.funding_since(0), broker.funding_since(0));
  EXPECT_EQ(restored.order_status(cloid(12)), broker.order_status(cloid(12)));
  EXPECT_EQ(restored.order_status(cloid(12))->status, "filled");
  const auto a = broker.account(), b = restored.account();
  EXPECT_EQ(a.positions, b.positions);
  EXPECT_EQ(a.margin_summary, b.margin_summary);
  EXPECT_EQ(a.withdrawable, b.withdrawable);
  ASSERT_EQ(b.positions.size(), 1u);
  EXPECT_EQ(b.positions[0].szi, 3 * kUnit);

  // Both continue alike: the same order on the same next book gives the same fills.
  for (BookBroker* x : {&broker, &restored}) {
    x->on_book("ETH", hour + 3000, levels({{2011.5, 3}}), levels({{2012.5, 3}}));
    ASSERT_TRUE(place1(*x, ioc(false, 2000, 3, 13)).ok());
  }
  EXPECT_EQ(restored.fills_since(0), broker.fills_since(0));
  EXPECT_EQ(restored.account().positions, broker.account().positions);
  EXPECT_TRUE(restored.account().positions.empty());
}

TEST(BookBroker, RestoreWithoutAFileStartsFreshAndABadFileIsAnError) {
  TempDir tmp;
  BookBrokerOptions with_file = options();
  with_file.state_path = (tmp / "paper.json").string();
  BookBroker fresh = BookBroker::restore(eth(), with_file);
  EXPECT_EQ(fresh.account().margin_summary.account_value, 100'000 * kUnit);
  write_file(tmp / "paper.json", "{\"format\": \"something else\"}");
  EXPECT_THROW(BookBroker::restore(eth(), with_file), core::Error);
  EXPECT_THROW(BookBroker(eth(), options(-1)), core::UsageError);
}

TEST(BookFeed, DrivesTheBrokerWithTheReplaysBooksAndFunding) {
  // Four 1h bars from an hour boundary: ticks every 15 min (4 per bar), funding each hour.
  const core::TimeMs t0 = (kT0 / 3'600'000 + 1) * 3'600'000;
  sim::CoinMarketData coin;
  coin.spec = sim::AssetSpec{"ETH", 4, 50, false};
  for (int i = 0; i < 4; ++i)
    coin.bars.push_back(
        data::Bar{t0 + i * 3'600'000, 2000.0 + i, 2010.0 + i, 1990.0 + i, 2001.0 + i, 100});
  data::FundingSeries funding;
  for (int i = 0; i < 4; ++i) {
    funding.time.push_back(t0 + i * 3'600'000);
    funding.rate.push_back(0.0001);
  }
  coin.funding = funding;
  sim::MarketConfig config;
  config.interval = core::Interval::parse_or_throw("1h");
  config.from = t0;
  config.steps_per_bar = 4;
  sim::MarketReplay replay({coin}, config), twin({coin}, config);

  BookBroker broker(eth(), options(50));
  BookFeed feed(replay);
  broker.set_book_source(&feed);
  feed.feed_through(t0, broker);
  // The same replay, recorded: the broker holds its tick's book.
  std::vector<sim::MarketTick> ticks;
  twin.advance_to(t0 + 3'600'000,
                  sim::MarketListener{[&](int, const sim::MarketTick& t) { ticks.push_back(t); },
                                      [](int, double, core::TimeMs) {}});
  ASSERT_EQ(ticks.size(), 5u);
  EXPECT_EQ(broker.now(), t0);
  const auto& first = ticks[0];
  EXPECT_DOUBLE_EQ(broker.reference_price("ETH"),
                   static_cast<double>(first.bids.front().px + first.asks.front().px) / 2e8);

  // Sent at t0, at the exchange at t0 + 50: the book in force is still t0's (next tick 15 min on).
  const Units ask = first.asks.front().px;
  BrokerOrder buy = ioc(true, 2100, 0.01, 14);
  const OrderOutcome out = place1(broker, buy);
  ASSERT_TRUE(out.ok()) << out.error;
  EXPECT_EQ(out.avg_px, ask);
  EXPECT_EQ(feed.now(), t0 + 50);
  EXPECT_EQ(broker.stale_book_matches(), 0u);

  // An hour on: the book of t0 + 1 h and that hour's funding (position 0.01 long pays).
  feed.feed_through(t0 + 3'600'000, broker);
  EXPECT_EQ(broker.now(), t0 + 3'600'000);
  const auto& last = ticks[4];
  EXPECT_DOUBLE_EQ(broker.reference_price("ETH"),
                   static_cast<double>(last.bids.front().px + last.asks.front().px) / 2e8);
  const auto payments = broker.funding_since(0);
  ASSERT_EQ(payments.size(), 1u);
  EXPECT_EQ(payments[0].time, t0 + 3'600'000);
  EXPECT_EQ(payments[0].szi, u(0.01));
  // Pays 0.01 x mark x 0.0001, the mark being the path price of that hour's tick.
  EXPECT_EQ(payments[0].usdc, -u(0.01 * last.mark_px * 0.0001));
  EXPECT_TRUE(feed.step(broker));
  EXPECT_EQ(broker.now(), t0 + 3'600'000 + 900'000);
}

}  // namespace
}  // namespace organism::exec

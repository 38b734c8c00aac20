// The stale-book age (exec/book_age.hpp): wall time since a coin's book time last changed, the
// oldest coin's, whatever clock the book times are on; and the paper poller feeding it every
// snapshot, the repeated ones it drops included.
#include "exec/book_age.hpp"

#include <gtest/gtest.h>

#include "exchange/client/info_client.hpp"
#include "exec/book_broker.hpp"
#include "exec/book_feed.hpp"

namespace organism::exec {
namespace {

constexpr core::TimeMs kWall = 1'800'000'000'000;    // the wall clock
constexpr core::TimeMs kMarket = 1'600'000'000'000;  // a replayed market's clock, years behind

TEST(BookAge, IsWallTimeSinceTheBookTimeLastChangedOldestCoinFirst) {
  BookAge ages({"BTC", "ETH"}, kWall);
  EXPECT_EQ(ages.age_ms(kWall + 700), 700);  // no book yet: from the start
  ages.saw("BTC", kMarket, kWall + 1'000);
  ages.saw("ETH", kMarket + 5, kWall + 1'000);
  EXPECT_EQ(ages.age_ms(kWall + 1'000), 0);  // not kWall - kMarket: the clocks are not compared
  // BTC moves every second; ETH's time stops at kMarket + 5 (a stuck book).
  for (int s = 2; s <= 4; ++s) {
    ages.saw("BTC", kMarket + s * 1'000, kWall + s * 1'000);
    ages.saw("ETH", kMarket + 5, kWall + s * 1'000);
  }
  EXPECT_EQ(ages.age_ms(kWall + 4'250), 3'250);  // ETH: unchanged since kWall + 1000
  // An older reply (overtaken) is no change; ETH moving again resets it, BTC is then the oldest.
  ages.saw("ETH", kMarket, kWall + 4'500);
  EXPECT_EQ(ages.age_ms(kWall + 4'500), 3'500);
  ages.saw("ETH", kMarket + 9'000, kWall + 4'600);
  EXPECT_EQ(ages.age_ms(kWall + 4'600), 600);  // BTC: last changed at kWall + 4000
  ages.saw("SOL", kMarket, kWall + 4'600);     // not a session coin: ignored
  EXPECT_EQ(ages.age_ms(kWall + 4'600), 600);
}

TEST(BookAge, ThePaperPollerReportsEverySnapshotItFetches) {
  core::FixedClock clock(kWall);
  BookBrokerOptions o;
  o.latency_ms = 0;
  o.clock = &clock;
  BookBroker broker({{"ETH", 4, 50, false}}, o);
  core::TimeMs book_time = kWall + 300;  // the exchange stamps its books on its own clock
  L2BookPoller poller(
      {"ETH"},
      [&](const std::string& coin) {
        exchange::client::L2BookReply book;
        book.coin = coin;
        book.time = book_time;
        book.bids = {{2000.0, 1, 1}};
        book.asks = {{2001.0, 1, 1}};
        return book;
      },
      clock, [&](core::TimeMs until) { clock.set(until); });
  BookAge ages({"ETH"}, kWall);
  poller.set_book_age(&ages);
  clock.set(kWall + 300);
  poller.feed_through(clock.now(), broker);
  EXPECT_EQ(ages.age_ms(clock.now()), 0);
  // The exchange repeats its book for 2.1 s: dropped by the poller, still aging.
  for (int k = 0; k < 7; ++k) {
    clock.set(clock.now() + 300);
    poller.feed_through(clock.now(), broker);
  }
  EXPECT_EQ(ages.age_ms(clock.now()), 2'100);
  book_time += 500;
  clock.set(clock.now() + 300);
  poller.feed_through(clock.now(), broker);
  EXPECT_EQ(ages.age_ms(clock.now()), 0);
}

}  // namespace
}  // namespace organism::exec

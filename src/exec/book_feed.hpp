// The two BookSources of the paper broker (book_broker.hpp). BookFeed drives it from the exchange
// simulator's MarketReplay: each tick's synthetic book (with its path price and mark) and each
// hourly funding settlement go to the broker in time order; it serves `replay --fill book`, whose
// driver calls feed_through(t) as its bars close while the broker calls it for an order's
// latency. L2BookPoller serves `paper`: it waits until the time asked and snapshots each coin's
// live l2Book.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "exchange/client/info_client.hpp"
#include "exchange/sim/market_replay.hpp"
#include "exec/book_age.hpp"
#include "exec/book_broker.hpp"

namespace organism::exec {

class BookFeed final : public BookSource {
 public:
  // Uses `replay` (not owned; it must outlive the feed). Coins are named by replay.assets().
  explicit BookFeed(exchange::sim::MarketReplay& replay);

  // Every tick and funding settlement in (replay.now(), time] (the first call also the tick at
  // replay.now()), clamped to the replay's end; nothing when time is not later.
  void feed_through(core::TimeMs time, BookBroker& broker) override;
  // One tick forward (to replay.next_tick()); false when the replay had already finished.
  bool step(BookBroker& broker);
  core::TimeMs now() const { return replay_.now(); }
  bool finished() const { return replay_.finished(); }

 private:
  exchange::sim::MarketReplay& replay_;
  std::vector<std::string> coins_;  // by the replay's asset index
};

class L2BookPoller final : public BookSource {
 public:
  using Fetch = std::function<exchange::client::L2BookReply(const std::string& coin)>;
  using SleepUntil = std::function<void(core::TimeMs)>;
  // `fetch`: InfoClient::l2_book in paper, a fake in tests; `clock` (not owned) the broker's
  // wall clock; `sleep_until` blocks until the clock reads at least the time given (null: the
  // thread sleeps on the system clock).
  L2BookPoller(std::vector<std::string> coins, Fetch fetch, const core::Clock& clock,
               SleepUntil sleep_until = nullptr);

  // Waits until the clock reads `time`, then hands the broker one fresh snapshot per coin; a
  // snapshot no newer than the last one of its coin is dropped (the exchange had nothing new).
  void feed_through(core::TimeMs time, BookBroker& broker) override;
  // Every snapshot's time also goes to `ages` (not owned; null: none), at the clock's time.
  void set_book_age(BookAge* ages) { ages_ = ages; }

 private:
  std::vector<std::string> coins_;
  Fetch fetch_;
  BookAge* ages_ = nullptr;
  const core::Clock& clock_;
  SleepUntil sleep_until_;
  std::map<std::string, core::TimeMs> last_time_;
};

}  // namespace organism::exec

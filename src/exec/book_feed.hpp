// Drives a paper BookBroker from the exchange simulator's MarketReplay: each tick's synthetic book
// (with its path price and mark) and each hourly funding settlement go to the broker in time
// order. It is the BookSource of `replay --fill book`: the replay driver calls feed_through(t) as
// its bars close, and the broker calls it when an order's latency needs a later book.
#pragma once

#include <string>
#include <vector>

#include "exchange/sim/market_replay.hpp"
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

}  // namespace organism::exec

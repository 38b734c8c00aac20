// MarketReplay ticks and funding, or live l2Book snapshots, handed to the paper broker by coin.
#include "exec/book_feed.hpp"

#include <chrono>
#include <thread>

namespace organism::exec {

BookFeed::BookFeed(exchange::sim::MarketReplay& replay) : replay_(replay) {
  for (const auto& spec : replay_.assets()) coins_.push_back(spec.coin);
}

void BookFeed::feed_through(core::TimeMs time, BookBroker& broker) {
  const exchange::sim::MarketListener listener{
      [&](int asset, const exchange::sim::MarketTick& tick) {
        broker.on_tick(coins_.at(static_cast<std::size_t>(asset)), tick);
      },
      [&](int asset, double hourly_rate, core::TimeMs hour) {
        broker.settle_funding(coins_.at(static_cast<std::size_t>(asset)), hourly_rate, hour);
      }};
  replay_.advance_to(time, listener);
}

bool BookFeed::step(BookBroker& broker) {
  if (replay_.finished()) return false;
  feed_through(replay_.next_tick(), broker);
  return true;
}

L2BookPoller::L2BookPoller(std::vector<std::string> coins, Fetch fetch, const core::Clock& clock,
                           SleepUntil sleep_until)
    : coins_(std::move(coins)),
      fetch_(std::move(fetch)),
      clock_(clock),
      sleep_until_(std::move(sleep_until)) {
  if (!sleep_until_)
    sleep_until_ = [this](core::TimeMs until) {
      while (clock_.now() < until)
        std::this_thread::sleep_for(std::chrono::milliseconds(until - clock_.now()));
    };
}

void L2BookPoller::feed_through(core::TimeMs time, BookBroker& broker) {
  if (clock_.now() < time) sleep_until_(time);
  for (const std::string& coin : coins_) {
    const exchange::client::L2BookReply book = fetch_(coin);
    if (ages_) ages_->saw(coin, book.time, clock_.now());
    const auto last = last_time_.find(coin);
    if (last != last_time_.end() && book.time <= last->second) continue;
    last_time_[coin] = book.time;
    broker.on_book(book);
  }
}

}  // namespace organism::exec

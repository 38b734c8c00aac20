// MarketReplay ticks and funding, handed to the paper broker by coin name.
#include "exec/book_feed.hpp"

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

}  // namespace organism::exec

// The market replay driving the engine (market_replay.hpp): kept apart so that code using the
// replay with its own listener (tests, tools) does not link the engine.
#include "exchange/sim/market_replay.hpp"

namespace organism::exchange::sim {

void MarketReplay::advance_to(TimeMs t, Engine& engine) {
  const MarketListener listener{
      [&engine](int asset, const MarketTick& tick) { engine.on_market(asset, tick); },
      [&engine](int asset, double rate, TimeMs hour) { engine.settle_funding(asset, rate, hour); }};
  advance_to(t, listener);
}

}  // namespace organism::exchange::sim

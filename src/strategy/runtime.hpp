// A strategy running one bar at a time: created from a genome, fed bars (with funding and
// sentiment when known) by the backtest's --stream path, replay, paper and live trading; it
// returns the target exposure decided at each bar's close, bit for bit what exposures() gives
// for the same series. It holds its own history, indicator and position state.
#pragma once

#include <limits>
#include <memory>
#include <vector>

#include "data/align.hpp"
#include "core/time.hpp"
#include "data/series.hpp"
#include "strategy/family.hpp"
#include "strategy/genome.hpp"

namespace organism::strategy {

class Runtime {
 public:
  // Throws core::Error for a genome whose family cannot stream.
  Runtime(const Genome& genome, core::Interval interval);
  ~Runtime();
  Runtime(Runtime&&) noexcept;
  Runtime& operator=(Runtime&&) noexcept;

  // The next bar (its open time after the last one's), the funding rate settled during it
  // (data::funding_per_bar's value; NaN when unknown) and the Fear & Greed value in effect
  // (NaN when unknown). Returns the target exposure in [-1, 1] decided at this bar's close.
  double on_bar(const data::Bar& bar, double funding = std::numeric_limits<double>::quiet_NaN(),
                double sentiment = std::numeric_limits<double>::quiet_NaN());
  std::size_t bars() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace organism::strategy

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
  // Which per-bar inputs the caller has. A feed that is off is the batch path's empty span
  // (MarketView: funding or sentiment unknown for the whole series): the family and the filters
  // see no column, and on_bar ignores that argument. A feed that is on keeps every value given,
  // NaN meaning unknown at that bar, as a NaN in the batch path's column.
  struct Feeds {
    bool funding = true;
    bool sentiment = true;
  };

  // Throws core::Error for a genome whose family cannot stream (tree rules that fail their
  // structure check: std::invalid_argument).
  Runtime(const Genome& genome, core::Interval interval, Feeds feeds);
  Runtime(const Genome& genome, core::Interval interval) : Runtime(genome, interval, Feeds{}) {}
  ~Runtime();
  Runtime(Runtime&&) noexcept;
  Runtime& operator=(Runtime&&) noexcept;

  // The next bar (its open time after the last one's; an earlier or equal time throws
  // core::Error and changes nothing), the funding rate settled during it (data::funding_per_bar's
  // value) and the Fear & Greed value in effect (data::sentiment_per_bar's). Returns the target
  // exposure in [-1, 1] decided at this bar's close: exposures()[i] over the bars so far.
  double on_bar(const data::Bar& bar, double funding = std::numeric_limits<double>::quiet_NaN(),
                double sentiment = std::numeric_limits<double>::quiet_NaN());
  std::size_t bars() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace organism::strategy

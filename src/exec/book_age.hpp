// How long the session's order books have not moved, for the risk manager's stale-book breaker
// (risk.stale_book_seconds). Fed with each l2Book reply the session reads anyway (the paper
// poller's snapshots, the live broker's reference-price books): no request of its own.
//
// The age is wall time since a coin's book `time` last CHANGED, not wall now minus that `time`:
// the book's time is the exchange's clock, which is the simulator's market clock when it replays
// an old market (years behind the wall, or stepped by hand at --speed 0) and a remote clock with
// its own skew live. Comparing a book time with the previous book time of the same source is
// like with like; a book whose time stops moving is stale whatever clock it is on. The cost: a
// stuck book is seen one poll after it stuck at the latest, as its last change is known only
// when a later reply repeats it.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/clock.hpp"

namespace organism::exec {

class BookAge {
 public:
  // `coins`: the session's coins; until a coin's first book, its age runs from `start_wall`.
  BookAge(const std::vector<std::string>& coins, core::TimeMs start_wall);

  // A book of `coin` stamped `book_time` (the l2Book reply's time, ms), read at `wall_now`.
  // Coins outside the session's are ignored.
  void saw(const std::string& coin, core::TimeMs book_time, core::TimeMs wall_now);
  // The oldest coin's age at `wall_now`: wall ms since its book time last changed (>= 0).
  core::TimeMs age_ms(core::TimeMs wall_now) const;

 private:
  struct Seen {
    core::TimeMs book_time = -1;     // the newest book time seen; -1: none yet
    core::TimeMs changed_wall = 0;   // wall time it was first seen
  };
  std::map<std::string, Seen> coins_;
};

}  // namespace organism::exec

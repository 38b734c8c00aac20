// Strategy lifecycle on the store: birth, checked state moves with their events, validation
// outcomes, history. Used by the run service (src/runs/), the CLI, and later promotion/decay.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "data/store.hpp"
#include "lifecycle/state.hpp"

namespace organism::lifecycle {

using core::TimeMs;

// One stored move; `from` is empty for the birth.
struct Event {
  std::optional<State> from;
  State to = State::Testing;
  TimeMs time = 0;
  std::string reason;
  std::string evidence;  // JSON
};

// Stores a strategy found by a run. A new one is born Testing (the record's state is ignored),
// created and updated at `now`, with a birth event. One already stored (found again, by a resumed
// or later run) keeps its id, state, history and first run; its metrics and update time are
// refreshed. Either way the record's run is added to the runs that found it. Call inside the
// caller's transaction (the run service's), so the strategy and its link are written together.
void birth(data::Store& store, data::StrategyRecord record, TimeMs now, const std::string& reason);

// The stored state; core::Error for an unknown strategy or a state this build does not know.
State current_state(data::Store& store, const std::string& id);

// Moves a strategy to `to` and stores the event (time, reason, evidence JSON) in the same write,
// so the event exists before anything acts on the new state. core::Error naming the strategy,
// from and to when the table forbids the move, or for an unknown strategy.
void transition(data::Store& store, const std::string& id, State to, const std::string& reason,
                const std::string& evidence, TimeMs now);

// A validation's outcome: stores its evidence and moves testing -> validated when it passed,
// validated -> testing when it failed. A strategy further on (paper, production, ...) keeps its
// state and gains the evidence; a strategy already where the outcome points records no event.
void record_validation(data::Store& store, const std::string& id, bool passed, const std::string& evidence,
                       TimeMs now);

// Every event of a strategy, oldest first; core::Error for an unknown strategy.
std::vector<Event> history(data::Store& store, const std::string& id);

}  // namespace organism::lifecycle

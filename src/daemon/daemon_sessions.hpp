// The pieces of `organism run` around its two sessions (organism_run.hpp): a stored strategy as a
// trading slot, each session's options, the plan of a session's slots when the scheduler's sets
// change (closing slots), and the marks of a bar.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "daemon/organism_run.hpp"
#include "data/store.hpp"
#include "exec/trading_loop.hpp"

namespace organism::daemon {

inline constexpr const char* kPaperSession = "paper";
inline constexpr const char* kProductionSession = "production";

// One slot of a session: the strategy, and whether it only closes its position.
struct PlannedSlot {
  std::string id;
  bool closing = false;
  bool operator==(const PlannedSlot&) const = default;
};

// The slots a session should run: every wanted id (in the scheduler's order), then the ids it
// runs now that are no longer wanted but whose book still holds a position (`held`; an id with no
// status yet counts as holding) as closing slots. A closing slot whose book is flat is dropped.
std::vector<PlannedSlot> plan_slots(const std::vector<std::string>& wanted, const std::vector<PlannedSlot>& current,
                                    const std::map<std::string, bool>& held);

// The session's options with these slots: paper (paper broker, identity, paper_capital each,
// paper journal) or production (paper or live broker, the allocator, capital, default journal).
// Strategies the store no longer has, or of another interval, are left out (said through `say`).
exec::SessionOptions session_options(const std::string& session, const RunOptions& options, data::Store& store,
                                     const std::vector<PlannedSlot>& slots, const Say& say);

// Each session's marks: a strategy's book equity at a bar, its return since its previous mark in
// the same epoch (a session's start or restart begins one; NaN at its first bar).
class MarkBook {
 public:
  void new_epoch(const std::string& session);
  std::vector<data::StrategyMark> marks_at(const std::string& session, core::TimeMs time,
                                           const std::vector<exec::StrategyStatus>& statuses);

 private:
  std::map<std::string, std::map<std::string, double>> last_equity_;  // session -> id -> equity
};

// "mark ID SESSION TIME equity E ret R gross G" (R "nan" at an epoch's first bar).
std::string format_mark(const data::StrategyMark& mark);

}  // namespace organism::daemon

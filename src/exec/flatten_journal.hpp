// `organism flatten` through the trading journal: the strategies' books are closed by orders the
// journal knows, so a trader restarted afterwards finds its books flat (not foreign fills on an
// account that disagrees with them) and HALTED (not free to trade again from a wrong book).
//
// Order of work, each step durable before the next acts:
//  1. a manual HALT in the journal: the transition and the breakers' memory (a trader started
//     later restores HALTED, `risk status` says so) and a halt command (a running trader applies
//     it at its next poll); both stay until `organism risk resume`;
//  2. an order manager on the journal: reconcile() (fills the dead trader missed are booked),
//     cancel_all(), then for every strategy's position the reduce-only market close of
//     flatten_intents.hpp (the risk manager's identities), polled until final, up to
//     max_attempts rounds.
// The exchange-level sweep of flatten.hpp closes what is left afterwards (positions no strategy
// holds). A journal locked by another process beyond SQLite's busy timeout (10 s) is a core::Error
// naming the journal: nothing is forced.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "exec/broker.hpp"
#include "exec/journal.hpp"
#include "exec/order_manager.hpp"

namespace organism::exec {

struct JournalFlattenOptions {
  std::string journal_path{};
  std::string by = "organism flatten";  // who halted: the command's author
  std::vector<std::string> coins{};     // close only these coins' positions; empty: every coin
  int max_attempts = 5;                 // close rounds
  core::TimeMs pause_ms = 500;          // between polls of a close not final yet
  int polls_per_round = 20;             // polls of open closes before the next round
  OrderManagerOptions orders{};
};

struct JournalFlattenReport {
  std::string journal{};
  bool halt_recorded = false;  // false: the journal was HALTED already (that halt stands)
  core::TimeMs halt_time = 0;  // the HALT the closes' identity derives from
  std::int64_t command_id = 0;
  ReconcileReport reconciled{};
  int canceled = 0;
  std::vector<Order> closes{};  // placed or looked up, in their states after the replies
  std::vector<std::string> notes{};
  int rounds = 0;
  std::vector<PositionChange> left{};  // strategies' positions still open after the last round
  bool flat() const { return left.empty(); }
};

struct FlattenHalt {
  bool recorded = false;
  core::TimeMs time = 0;
  std::int64_t command_id = 0;
};

// Step 1 alone: the HALT transition (unless HALTED already) and the halt command, at `now`.
FlattenHalt write_flatten_halt(const std::string& journal_path, core::TimeMs now,
                               const std::string& by);

// Steps 1 and 2 with `broker` (a LiveBroker for the CLI). `progress` gets one line per action.
JournalFlattenReport flatten_journal(const JournalFlattenOptions& options, Broker& broker,
                                     const std::function<void(const std::string&)>& progress = {});

}  // namespace organism::exec

// The risk manager's record in the trading journal's SQLite file (schema version 3,
// journal_schema.cpp): every change of the trading state with the figures that tripped it, the
// breakers' memory (so a restart continues with the same peak, day start and latched halt), the
// operator's commands (`organism risk resume | halt`, applied by the trading process at its next
// poll or start) and every pre-trade action. RiskJournal writes (the trading process, and the CLI
// for a command); RiskJournalReader reads while a session writes (`organism risk status`).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "backtest/circuit_breakers.hpp"
#include "core/time.hpp"
#include "exec/order.hpp"

namespace organism::exec {

// One row of risk_commands. applied_at is empty until the trading process applied it.
struct RiskCommand {
  std::int64_t id = 0;
  core::TimeMs time = 0;
  std::string command{};  // "resume" or "halt"
  std::string by{};       // who asked: "cli (user@host)"
  std::optional<core::TimeMs> applied_at{};
};

// One pre-trade action (a shrunk or rejected intent), as journaled.
struct RiskCheckRecord {
  core::TimeMs time = 0;
  std::string strategy{}, coin{}, cloid{};
  std::string reason{};  // name_of(CheckReason)
  bool rejected = false;
  Units size_before = 0, size_after = 0;
  std::string detail{};
};

// Check counts of one reason.
struct RiskCheckCount {
  std::int64_t rejected = 0;
  std::int64_t shrunk = 0;
};

// BreakerMemory <-> the JSON text of risk_memory (doubles kept to the bit).
std::string memory_json(const backtest::BreakerMemory& memory);
backtest::BreakerMemory memory_from_json(const std::string& text);  // core::Error when malformed
// A transition's figures as a JSON object, and back.
std::string figures_json(const std::vector<std::pair<std::string, double>>& figures);
std::vector<std::pair<std::string, double>> figures_from_json(const std::string& text);

class RiskJournal {
 public:
  // Opens the journal file (creating or migrating its schema like Journal::open). A second
  // connection beside the Journal's: both write in short transactions from one thread.
  static RiskJournal open(const std::string& path);
  RiskJournal(RiskJournal&&) noexcept;
  RiskJournal& operator=(RiskJournal&&) noexcept;
  ~RiskJournal();

  // The transitions and the memory after them, in one transaction (durable when this returns).
  void record_transitions(const std::vector<backtest::Transition>& transitions,
                          const backtest::BreakerMemory& memory, core::TimeMs time);
  // The memory alone (every bar close).
  void record_memory(const backtest::BreakerMemory& memory, core::TimeMs time);
  // Pre-trade actions of one decision, in one transaction.
  void record_checks(const std::vector<RiskCheckRecord>& checks);

  std::optional<backtest::BreakerMemory> memory();
  // The time of the newest transition into HALTED (the flatten orders' identity).
  std::optional<core::TimeMs> last_halt_time();

  // A command for the trading process; returns its id.
  std::int64_t add_command(core::TimeMs time, const std::string& command, const std::string& by);
  // Commands not applied yet, oldest first.
  std::vector<RiskCommand> pending_commands();
  void mark_applied(std::int64_t id, core::TimeMs time);

 private:
  struct Impl;
  explicit RiskJournal(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// A transition as read back.
struct RiskTransitionRecord {
  core::TimeMs time = 0;
  std::string from{}, to{}, reason{};
  std::vector<std::pair<std::string, double>> figures{};
  std::string description{};
};

class RiskJournalReader {
 public:
  // core::Error when the file does not exist or is not an organism journal; nothing is created. A
  // journal of version 2 (before the risk tables) reads as empty.
  static RiskJournalReader open(const std::string& path);
  RiskJournalReader(RiskJournalReader&&) noexcept;
  ~RiskJournalReader();

  std::optional<backtest::BreakerMemory> memory();
  // Newest first, at most `limit`.
  std::vector<RiskTransitionRecord> transitions(std::size_t limit);
  // Per reason name.
  std::map<std::string, RiskCheckCount> check_counts();
  // Newest first, at most `limit`.
  std::vector<RiskCommand> commands(std::size_t limit);

 private:
  struct Impl;
  explicit RiskJournalReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace organism::exec

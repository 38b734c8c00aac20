// Aggregates of one trading journal for the metrics and the alerts, read with a few SQL
// statements on a read-only connection (WAL: safe while a session writes): counts and sums instead
// of rows, so a scrape costs the same whatever the journal's age. Money is in USD (doubles), from
// the journal's 1e-8 units.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"

namespace organism::monitor {

struct JournalTotals {
  std::map<std::string, std::int64_t> orders_by_state{};  // "new", "resting", "filled", ...
  std::int64_t orders = 0;
  std::int64_t fills = 0;
  double fees_paid = 0;         // sum of the positive fees of the fills
  double rebates = 0;           // sum of the negative ones, as a positive number
  double funding_paid = 0;      // sum of the ledger's positive funding payments
  double funding_received = 0;  // sum of the negative ones, as a positive number
  // Transitions into REDUCING or HALTED per breaker name ("drawdown", "manual", ...).
  std::map<std::string, std::int64_t> trips_by_breaker{};
  std::int64_t last_transition_seq = 0;  // 0: none
};

// A new order's timing: the decision's bar and when the order was journaled.
struct OrderTiming {
  std::int64_t seq = 0;
  std::string coin{};
  core::TimeMs bar_time = 0;  // open time of the bar whose close decided it
  core::TimeMs created_ms = 0;
};

// One row of risk_transitions with its seq (RiskJournalReader's records carry none).
struct TransitionRow {
  std::int64_t seq = 0;
  core::TimeMs time = 0;
  std::string from{}, to{}, reason{}, description{};
  std::vector<std::pair<std::string, double>> figures{};
};

// core::Error when the file is missing or is not an organism journal.
class JournalScan {
 public:
  explicit JournalScan(const std::string& path);
  ~JournalScan();
  JournalScan(const JournalScan&) = delete;
  JournalScan& operator=(const JournalScan&) = delete;

  JournalTotals totals();
  // Orders with seq > after, oldest first, at most `limit`.
  std::vector<OrderTiming> orders_after(std::int64_t after, std::size_t limit);
  // Risk transitions with seq > after, oldest first, at most `limit`.
  std::vector<TransitionRow> transitions_after(std::int64_t after, std::size_t limit);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace organism::monitor

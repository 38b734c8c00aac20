// Aggregates of a trading journal (journal_totals.hpp).
#include "monitor/metrics/journal_totals.hpp"

#include <filesystem>

#include <fmt/format.h>

#include "core/error.hpp"
#include "data/sqlite.hpp"
#include "exchange/hyperliquid/decimal.hpp"
#include "exec/journal_schema.hpp"
#include "exec/risk_journal.hpp"

namespace organism::monitor {

using data::sqlite::Db;
using data::sqlite::Statement;

namespace {

double usd(std::int64_t units) { return exchange::hl::units_to_double(units); }

}  // namespace

struct JournalScan::Impl {
  explicit Impl(const std::string& path) : db(path, Db::Mode::ReadOnly) {}
  Db db;
  bool has_risk_tables = false;
};

JournalScan::JournalScan(const std::string& path) {
  // Db opens read-only without creating; the check first gives the message a missing file deserves.
  if (!std::filesystem::exists(path)) throw core::Error(fmt::format("journal {}: no such file", path));
  impl_ = std::make_unique<Impl>(path);
  Statement id(impl_->db, "PRAGMA application_id");
  id.step_row();
  if (id.column_int(0) != exec::kJournalApplicationId) {
    throw core::Error(fmt::format("{}: not an organism trading journal", path));
  }
  Statement version(impl_->db, "PRAGMA user_version");
  version.step_row();
  if (version.column_int(0) < 2 || version.column_int(0) > exec::kJournalSchemaVersion) {
    throw core::Error(fmt::format("journal {}: schema {} (this build reads {})", path, version.column_int(0),
                                  exec::kJournalSchemaVersion));
  }
  impl_->has_risk_tables = version.column_int(0) >= 3;
}

JournalScan::~JournalScan() = default;

JournalTotals JournalScan::totals() {
  const data::sqlite::ReadSnapshot snapshot(impl_->db);  // every figure from one state of the file
  JournalTotals t;
  Statement states(impl_->db, "SELECT state, count(*) FROM orders GROUP BY state");
  while (states.step()) {
    t.orders_by_state[states.column_text(0)] = states.column_int(1);
    t.orders += states.column_int(1);
  }
  Statement fills(impl_->db,
                  "SELECT count(*), coalesce(sum(max(fee, 0)), 0), coalesce(sum(max(-fee, 0)), 0) FROM fills");
  fills.step_row();
  t.fills = fills.column_int(0);
  t.fees_paid = usd(fills.column_int(1));
  t.rebates = usd(fills.column_int(2));
  Statement funding(impl_->db,
                    "SELECT coalesce(sum(max(funding, 0)), 0), coalesce(sum(max(-funding, 0)), 0) FROM ledger");
  funding.step_row();
  t.funding_paid = usd(funding.column_int(0));
  t.funding_received = usd(funding.column_int(1));
  if (impl_->has_risk_tables) {
    Statement trips(impl_->db,
                    "SELECT reason, count(*) FROM risk_transitions WHERE to_state IN ('REDUCING', 'HALTED') "
                    "GROUP BY reason");
    while (trips.step()) t.trips_by_breaker[trips.column_text(0)] = trips.column_int(1);
    Statement last(impl_->db, "SELECT coalesce(max(seq), 0) FROM risk_transitions");
    last.step_row();
    t.last_transition_seq = last.column_int(0);
  }
  return t;
}

std::vector<OrderTiming> JournalScan::orders_after(std::int64_t after, std::size_t limit) {
  Statement st(impl_->db, "SELECT seq, coin, bar_time, created_ms FROM orders WHERE seq > ? ORDER BY seq LIMIT ?");
  st.bind(1, after);
  st.bind(2, static_cast<std::int64_t>(limit));
  std::vector<OrderTiming> out;
  while (st.step()) out.push_back({st.column_int(0), st.column_text(1), st.column_int(2), st.column_int(3)});
  return out;
}

std::vector<TransitionRow> JournalScan::transitions_after(std::int64_t after, std::size_t limit) {
  std::vector<TransitionRow> out;
  if (!impl_->has_risk_tables) return out;
  Statement st(impl_->db,
               "SELECT seq, time, from_state, to_state, reason, figures, description FROM risk_transitions "
               "WHERE seq > ? ORDER BY seq LIMIT ?");
  st.bind(1, after);
  st.bind(2, static_cast<std::int64_t>(limit));
  while (st.step()) {
    out.push_back({st.column_int(0), st.column_int(1), st.column_text(2), st.column_text(3), st.column_text(4),
                   st.column_text(6), exec::figures_from_json(st.column_text(5))});
  }
  return out;
}

}  // namespace organism::monitor

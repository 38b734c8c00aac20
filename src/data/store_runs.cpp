// The store's evolution records: runs, their latest checkpoint, and the strategies they found.
#include "data/store.hpp"

#include <fmt/format.h>

#include "core/error.hpp"

namespace organism::data {
namespace {

using sqlite::Statement;

RunRecord run_from(const Statement& st) {
  RunRecord r;
  r.id = st.column_text(0);
  r.created = st.column_int(1);
  r.options = st.column_text(2);
  r.universe = st.column_text(3);
  r.status = st.column_text(4);
  r.generation = static_cast<int>(st.column_int(5));
  r.evaluations = st.column_int(6);
  r.seconds = st.column_double(7);
  r.result = st.column_is_null(8) ? "" : st.column_text(8);
  return r;
}

constexpr const char* kRunColumns =
    "SELECT id, created, options, universe, status, generation, evaluations, seconds, result FROM runs";

}  // namespace

void Store::save_run(const RunRecord& run) {
  Statement st(*db_, R"sql(
    INSERT INTO runs (id, created, options, universe, status, generation, evaluations, seconds, result)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (id) DO UPDATE SET options = excluded.options, universe = excluded.universe,
      status = excluded.status, generation = excluded.generation, evaluations = excluded.evaluations,
      seconds = excluded.seconds, result = excluded.result)sql");
  st.bind(1, run.id).bind(2, run.created).bind(3, run.options).bind(4, run.universe).bind(5, run.status);
  st.bind(6, static_cast<std::int64_t>(run.generation)).bind(7, run.evaluations).bind(8, run.seconds);
  if (run.result.empty()) {
    st.bind_null(9);
  } else {
    st.bind(9, run.result);
  }
  st.run();
}

std::optional<RunRecord> Store::load_run(const std::string& id) {
  Statement st(*db_, std::string(kRunColumns) + " WHERE id = ?");
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  return run_from(st);
}

std::vector<RunRecord> Store::list_runs() {
  Statement st(*db_, std::string(kRunColumns) + " ORDER BY created DESC, id DESC");
  std::vector<RunRecord> out;
  while (st.step()) out.push_back(run_from(st));
  return out;
}

void Store::save_checkpoint(const std::string& run_id, int generation, const std::string& state) {
  Statement st(*db_, R"sql(
    INSERT INTO checkpoints (run_id, generation, state) VALUES (?, ?, ?)
    ON CONFLICT (run_id) DO UPDATE SET generation = excluded.generation, state = excluded.state)sql");
  st.bind(1, run_id).bind(2, static_cast<std::int64_t>(generation)).bind(3, state);
  st.run();
}

std::optional<std::string> Store::load_checkpoint(const std::string& run_id) {
  Statement st(*db_, "SELECT state FROM checkpoints WHERE run_id = ?");
  st.bind(1, run_id);
  if (!st.step()) return std::nullopt;
  return st.column_text(0);
}

void Store::save_strategy(const StrategyRecord& s) {
  Statement st(*db_, R"sql(
    INSERT INTO strategies (id, run_id, family, generation, genome, parents, metrics, state, created, updated)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (id) DO UPDATE SET run_id = excluded.run_id, metrics = excluded.metrics,
      state = excluded.state, updated = excluded.updated)sql");
  st.bind(1, s.id).bind(2, s.run_id).bind(3, s.family).bind(4, static_cast<std::int64_t>(s.generation));
  st.bind(5, s.genome).bind(6, s.parents).bind(7, s.metrics).bind(8, s.state).bind(9, s.created).bind(10, s.updated);
  st.run();
}

std::vector<StrategyRecord> Store::list_strategies(const std::string& run_id) {
  Statement st(*db_, std::string("SELECT id, run_id, family, generation, genome, parents, metrics, state, created, "
                                 "updated, validation FROM strategies") +
                         (run_id.empty() ? "" : " WHERE run_id = ?") + " ORDER BY id");
  if (!run_id.empty()) st.bind(1, run_id);
  std::vector<StrategyRecord> out;
  while (st.step()) {
    StrategyRecord s;
    s.id = st.column_text(0);
    s.run_id = st.column_is_null(1) ? "" : st.column_text(1);
    s.family = st.column_text(2);
    s.generation = static_cast<int>(st.column_int(3));
    s.genome = st.column_text(4);
    s.parents = st.column_text(5);
    s.metrics = st.column_text(6);
    s.state = st.column_text(7);
    s.created = st.column_int(8);
    s.updated = st.column_int(9);
    s.validation = st.column_is_null(10) ? "" : st.column_text(10);
    out.push_back(std::move(s));
  }
  return out;
}

void Store::set_strategy_validation(const std::string& id, const std::string& state, const std::string& validation,
                                    TimeMs updated) {
  // Validation only moves a strategy between `testing` and `validated`: one already further on in
  // its lifecycle (production, retired, ...) keeps its state and gains the new evidence.
  Statement st(*db_, "UPDATE strategies SET state = CASE WHEN state IN ('testing', 'validated') THEN ? ELSE state END, "
                     "validation = ?, updated = ? WHERE id = ?");
  st.bind(1, state).bind(2, validation).bind(3, updated).bind(4, id);
  st.run();
  if (db_->changes() == 0) throw core::Error(fmt::format("store {}: no strategy '{}'", db_->path(), id));
}

}  // namespace organism::data

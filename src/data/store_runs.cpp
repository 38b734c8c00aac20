// The store's evolution records: runs, their latest checkpoint, and the strategies they found.
#include "data/store.hpp"

#include <fmt/format.h>

#include <map>

#include "core/error.hpp"
#include "data/postgres.hpp"

namespace organism::data {
namespace {

using sql::Statement;

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

void bind_run(Statement& st, const RunRecord& run) {
  st.bind(1, run.id).bind(2, run.created).bind(3, run.options).bind(4, run.universe).bind(5, run.status);
  st.bind(6, static_cast<std::int64_t>(run.generation)).bind(7, run.evaluations).bind(8, run.seconds);
  if (run.result.empty()) {
    st.bind_null(9);
  } else {
    st.bind(9, run.result);
  }
}

// A store opened read-only at an older schema lacks the newer tables; it reads as if they were empty.
bool has_table(sql::Connection& db, const char* name) {
  Statement st(db, db.dialect() == sql::Dialect::Postgres
                       ? "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?"
                       : "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
  st.bind(1, std::string_view(name));
  return st.step();
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
  bind_run(st, run);
  st.run();
}

bool Store::insert_run(const RunRecord& run) {
  Statement st(*db_, R"sql(
    INSERT INTO runs (id, created, options, universe, status, generation, evaluations, seconds, result)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING)sql");
  bind_run(st, run);
  st.run();
  return db_->changes() == 1;
}

void Store::link_strategy_run(const std::string& strategy_id, const StrategyFinding& finding) {
  Statement st(*db_, R"sql(
    INSERT INTO strategy_runs (strategy_id, run_id, generation, found_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (strategy_id, run_id) DO NOTHING)sql");
  st.bind(1, strategy_id).bind(2, finding.run_id).bind(3, static_cast<std::int64_t>(finding.generation));
  st.bind(4, finding.found);
  st.run();
}

namespace {

std::string run_lock_key(const std::string& run_id) { return "organism run " + run_id; }

}  // namespace

bool Store::try_own_run(const std::string& run_id) {
  auto* server = dynamic_cast<postgres::Connection*>(db_.get());
  return !server || server->try_lock(run_lock_key(run_id));
}

void Store::release_run(const std::string& run_id) {
  if (auto* server = dynamic_cast<postgres::Connection*>(db_.get())) server->unlock(run_lock_key(run_id));
}

std::optional<RunLockRecord> Store::load_run_lock(const std::string& run_id) {
  if (!has_table(*db_, "run_locks")) return std::nullopt;
  Statement st(*db_, "SELECT run_id, pid, host, started FROM run_locks WHERE run_id = ?");
  st.bind(1, run_id);
  if (!st.step()) return std::nullopt;
  return RunLockRecord{st.column_text(0), st.column_int(1), st.column_text(2), st.column_int(3)};
}

void Store::save_run_lock(const RunLockRecord& lock) {
  Statement st(*db_, R"sql(
    INSERT INTO run_locks (run_id, pid, host, started) VALUES (?, ?, ?, ?)
    ON CONFLICT (run_id) DO UPDATE SET pid = excluded.pid, host = excluded.host, started = excluded.started)sql");
  st.bind(1, lock.run_id).bind(2, lock.pid).bind(3, lock.host).bind(4, lock.started);
  st.run();
}

void Store::delete_run_lock(const RunLockRecord& lock) {
  Statement st(*db_, "DELETE FROM run_locks WHERE run_id = ? AND pid = ? AND host = ?");
  st.bind(1, lock.run_id).bind(2, lock.pid).bind(3, lock.host);
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
    ON CONFLICT (id) DO UPDATE SET metrics = excluded.metrics,
      state = excluded.state, updated = excluded.updated)sql");
  st.bind(1, s.id).bind(2, s.run_id).bind(3, s.family).bind(4, static_cast<std::int64_t>(s.generation));
  st.bind(5, s.genome).bind(6, s.parents).bind(7, s.metrics).bind(8, s.state).bind(9, s.created).bind(10, s.updated);
  st.run();
}

std::vector<StrategyRecord> Store::list_strategies(const std::string& run_id) {
  const bool linked = has_table(*db_, "strategy_runs");
  std::map<std::string, std::vector<StrategyFinding>> found_by;
  if (linked) {
    Statement links(*db_, std::string("SELECT strategy_id, run_id, generation, found_at FROM strategy_runs") +
                              (run_id.empty() ? "" : " WHERE strategy_id IN (SELECT strategy_id FROM strategy_runs "
                                                     "WHERE run_id = ?)") +
                              " ORDER BY found_at, run_id");
    if (!run_id.empty()) links.bind(1, run_id);
    while (links.step()) {
      found_by[links.column_text(0)].push_back(
          {links.column_text(1), static_cast<int>(links.column_int(2)), links.column_int(3)});
    }
  }
  // A run's strategies are those it found, including those another run found first.
  const std::string where = run_id.empty() ? ""
                            : linked       ? " WHERE id IN (SELECT strategy_id FROM strategy_runs WHERE run_id = ?)"
                                           : " WHERE run_id = ?";
  Statement st(*db_, std::string("SELECT id, run_id, family, generation, genome, parents, metrics, state, created, "
                                 "updated, validation FROM strategies") +
                         where + " ORDER BY id");
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
    if (const auto it = found_by.find(s.id); it != found_by.end()) s.found_by = it->second;
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

// The store's strategy lifecycle records: one strategy by id, its birth, its state moves and
// their events. Each write is a savepoint, so it joins a caller's transaction or stands alone.
#include <fmt/format.h>

#include "core/error.hpp"
#include "data/store.hpp"

namespace organism::data {
namespace {

using sql::Statement;

void insert_event(sql::Connection& db, const StrategyEvent& e) {
  Statement st(db, R"sql(
    INSERT INTO strategy_events (strategy_id, time, from_state, to_state, reason, evidence)
    VALUES (?, ?, ?, ?, ?, ?))sql");
  st.bind(1, e.strategy_id).bind(2, e.time);
  if (e.from_state.empty()) {
    st.bind_null(3);
  } else {
    st.bind(3, e.from_state);
  }
  st.bind(4, e.to_state).bind(5, e.reason).bind(6, e.evidence.empty() ? std::string("{}") : e.evidence);
  st.run();
}

}  // namespace

std::optional<StrategyRecord> Store::load_strategy(const std::string& id) {
  Statement st(*db_, "SELECT run_id FROM strategies WHERE id = ?");
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  const std::string run_id = st.column_is_null(0) ? "" : st.column_text(0);
  for (auto& s : list_strategies(run_id)) {
    if (s.id == id) return std::move(s);
  }
  return std::nullopt;
}

void Store::insert_strategy_born(const StrategyRecord& strategy, const StrategyEvent& birth) {
  sql::Savepoint sp(*db_);
  {
    Statement exists(*db_, "SELECT 1 FROM strategies WHERE id = ?");
    exists.bind(1, strategy.id);
    if (exists.step()) throw core::Error(fmt::format("store {}: strategy '{}' already exists", db_->path(), strategy.id));
  }
  save_strategy(strategy);
  insert_event(*db_, birth);
  sp.release();
}

void Store::record_strategy_event(const StrategyEvent& event, const std::optional<std::string>& validation) {
  sql::Savepoint sp(*db_);
  // The state column only moves if it still holds from_state: a concurrent writer that moved the
  // strategy first makes this an error instead of a history that skips a step.
  Statement st(*db_, validation ? "UPDATE strategies SET state = ?, updated = ?, validation = ? WHERE id = ? AND state = ?"
                                : "UPDATE strategies SET state = ?, updated = ? WHERE id = ? AND state = ?");
  st.bind(1, event.to_state).bind(2, event.time);
  const int id_index = validation ? 4 : 3;
  if (validation) st.bind(3, *validation);
  st.bind(id_index, event.strategy_id).bind(id_index + 1, event.from_state);
  st.run();
  if (db_->changes() == 0) {
    throw core::Error(fmt::format("store {}: no strategy '{}' in state '{}'", db_->path(), event.strategy_id,
                                  event.from_state));
  }
  insert_event(*db_, event);
  sp.release();
}

std::vector<StrategyEvent> Store::list_strategy_events(const std::string& strategy_id) {
  Statement st(*db_, "SELECT seq, strategy_id, time, from_state, to_state, reason, evidence FROM strategy_events "
                     "WHERE strategy_id = ? ORDER BY seq");
  st.bind(1, strategy_id);
  std::vector<StrategyEvent> out;
  while (st.step()) {
    StrategyEvent e;
    e.seq = st.column_int(0);
    e.strategy_id = st.column_text(1);
    e.time = st.column_int(2);
    e.from_state = st.column_is_null(3) ? "" : st.column_text(3);
    e.to_state = st.column_text(4);
    e.reason = st.column_text(5);
    e.evidence = st.column_text(6);
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace organism::data

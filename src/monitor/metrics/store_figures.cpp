// The store's figures for the monitor (store_figures.hpp).
#include "monitor/metrics/store_figures.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "data/sql.hpp"
#include "data/store.hpp"

namespace organism::monitor {

using data::sql::Statement;

struct StoreScan::Impl {
  explicit Impl(const std::string& path) : conn(data::sql::open_connection(path, data::sql::Connection::Mode::ReadOnly)), db(*conn) {}
  std::unique_ptr<data::sql::Connection> conn;
  data::sql::Connection& db;
};

StoreScan::StoreScan(const std::string& path) {
  if (!data::Store::may_exist(path)) {
    throw core::Error(fmt::format("store {}: no such file", path));
  }
  impl_ = std::make_unique<Impl>(path);
}

StoreScan::~StoreScan() = default;

std::map<std::string, std::int64_t> StoreScan::strategies_by_state() {
  std::map<std::string, std::int64_t> out;
  Statement st(impl_->db, "SELECT state, count(*) FROM strategies GROUP BY state");
  while (st.step()) out[st.column_text(0)] = st.column_int(1);
  return out;
}

std::optional<RunProgress> StoreScan::run(const std::string& run_id) {
  Statement st(impl_->db, "SELECT status, evaluations, seconds FROM runs WHERE id = ?");
  st.bind(1, run_id);
  if (!st.step()) return std::nullopt;
  return RunProgress{st.column_text(0), st.column_int(1), st.column_double(2)};
}

std::vector<LifecycleEventRow> StoreScan::events_after(std::int64_t after, std::size_t limit) {
  Statement st(impl_->db,
               "SELECT seq, strategy_id, time, coalesce(from_state, ''), to_state, reason FROM strategy_events "
               "WHERE seq > ? ORDER BY seq LIMIT ?");
  st.bind(1, after);
  st.bind(2, static_cast<std::int64_t>(limit));
  std::vector<LifecycleEventRow> out;
  while (st.step()) {
    out.push_back({st.column_int(0), st.column_text(1), st.column_int(2), st.column_text(3), st.column_text(4),
                   st.column_text(5)});
  }
  return out;
}

std::int64_t StoreScan::last_event_seq() {
  Statement st(impl_->db, "SELECT coalesce(max(seq), 0) FROM strategy_events");
  st.step_row();
  return st.column_int(0);
}

}  // namespace organism::monitor

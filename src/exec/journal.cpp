#include "exec/journal.hpp"

#include <filesystem>
#include <type_traits>

#include <fmt/format.h>

#include "core/error.hpp"
#include "data/sqlite.hpp"
#include "exec/journal_schema.hpp"

namespace organism::exec {

using data::sqlite::Db;
using data::sqlite::Statement;

struct Journal::Impl {
  explicit Impl(const std::string& path)
      : db(path, Db::Mode::ReadWrite), schema_ready((prepare_journal_schema(db), true)) {}

  Db db;  // first: the statements below hold a reference to it
  bool schema_ready = false;  // before the statements, which need the tables to prepare
  Statement insert_order{db, R"(
    INSERT INTO orders (cloid, strategy, coin, bar_time, sequence, side, size, price, style,
      taker_fallback_ms, reduce_only, leg, oid, state, filled_size, average_price, fees,
      created_ms, updated_ms, seq)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19,
      (SELECT coalesce(max(seq), 0) + 1 FROM orders))
    ON CONFLICT (cloid) DO NOTHING)"};
  // Guarded by the state the caller believes current: a stale record writes nothing.
  Statement update_order{db, R"(
    UPDATE orders SET oid = ?2, state = ?3, filled_size = ?4, average_price = ?5, fees = ?6,
      updated_ms = ?7
    WHERE cloid = ?1 AND state = ?8)"};
  Statement insert_event{db, R"(
    INSERT INTO order_events (cloid, event, state_after, time, oid, fill_size, fill_price, fee, detail)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?))"};
  Statement insert_fill{db, R"(
    INSERT INTO fills (tid, coin, px, sz, buy, time, start_position, dir, closed_pnl, hash, oid,
      crossed, fee, cloid, fee_token, liquidation)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (tid) DO NOTHING)"};
  Statement count_duplicate{db, "UPDATE journal_counters SET value = value + 1 WHERE name = 'duplicate_fills'"};
  Statement insert_position{db, R"(
    INSERT INTO positions (strategy, coin, size, entry_price, realized_pnl, fees, funding, time, cause)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?))"};
  // A fill of one of our orders goes on its strategy's ledger; a fill of no order of ours
  // (by hand, a liquidation) matches no row and is only in `fills`.
  Statement insert_ledger_fill{db, R"(
    INSERT INTO ledger (tid, strategy, coin, time, size, price, fee, funding)
    SELECT ?1, strategy, ?2, ?3, ?4, ?5, ?6, 0 FROM orders WHERE cloid = ?7)"};
  Statement insert_ledger_funding{db, R"(
    INSERT INTO ledger (tid, strategy, coin, time, size, price, fee, funding)
    VALUES (NULL, ?, ?, ?, 0, 0, 0, ?))"};
  int batch_depth = 0;
  bool batch_failed = false;  // a write inside the open batch threw: the batch must not commit

  // Runs `write` as one transaction, or as part of the open batch. No savepoint inside a batch
  // (a statement journal per event costs more than the event): a failed write poisons the batch
  // instead, so a caller that catches and goes on still cannot commit half an event.
  template <typename Write>
  auto atomically(Write&& write) {
    if (batch_depth > 0) {
      try {
        return write();
      } catch (...) {
        batch_failed = true;
        throw;
      }
    }
    data::sqlite::Transaction tx(db);
    if constexpr (std::is_void_v<decltype(write())>) {
      write();
      tx.commit();
    } else {
      auto result = write();
      tx.commit();
      return result;
    }
  }
};

namespace {

void bind_optional_oid(Statement& st, int index, const std::optional<std::uint64_t>& oid) {
  if (oid) st.bind(index, static_cast<std::int64_t>(*oid));
  else st.bind_null(index);
}

// Runs a cached statement; on failure it is reset too, so its next use starts clean.
void run_cached(Statement& st) {
  try {
    st.run();
  } catch (...) {
    st.reset();
    throw;
  }
}

}  // namespace

Journal Journal::open(const std::string& path, Durability durability) {
  auto impl = std::make_unique<Impl>(path);
  if (durability == Durability::none) impl->db.exec("PRAGMA synchronous = OFF");
  return Journal(std::move(impl));
}

std::string Journal::path_for_store(const std::string& store_path) {
  std::filesystem::path p(data::sql::local_files_base(store_path));
  const std::string extension = p.has_extension() ? p.extension().string() : std::string(".db");
  p.replace_filename(p.stem().string() + ".journal" + extension);
  return p.string();
}

Journal::Journal(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Journal::Journal(Journal&&) noexcept = default;
Journal& Journal::operator=(Journal&&) noexcept = default;
Journal::~Journal() = default;

const std::string& Journal::path() const { return impl_->db.path(); }

bool Journal::record_intent(const Order& order) {
  if (order.state != OrderState::created) {
    throw core::Error(fmt::format("journal {}: order {} is recorded as an intent in state '{}', not 'new'", path(),
                                  order.cloid, name_of(order.state)));
  }
  const OrderIntent& in = order.intent;
  Statement& st = impl_->insert_order;
  st.bind(1, order.cloid).bind(2, in.strategy_id).bind(3, in.coin).bind(4, in.bar_time);
  st.bind(5, static_cast<std::int64_t>(in.sequence)).bind(6, name_of(in.side)).bind(7, in.size).bind(8, in.price);
  st.bind(9, name_of(in.style)).bind(10, in.taker_fallback_ms).bind(11, std::int64_t{in.reduce_only});
  st.bind(12, name_of(order.leg));
  bind_optional_oid(st, 13, order.oid);
  st.bind(14, name_of(order.state)).bind(15, order.filled_size).bind(16, order.average_price).bind(17, order.fees);
  st.bind(18, order.created_ms).bind(19, order.updated_ms);
  return impl_->atomically([&] {
    run_cached(st);
    return impl_->db.changes() == 1;
  });
}

Order Journal::record_event(const Order& order, const OrderUpdate& update) {
  const Order after = apply(order, update);
  impl_->atomically([&] { write_event(order, after, update); });
  return after;
}

void Journal::write_event(const Order& order, const Order& after, const OrderUpdate& update) {
  Statement& up = impl_->update_order;
  up.bind(1, after.cloid);
  bind_optional_oid(up, 2, after.oid);
  up.bind(3, name_of(after.state)).bind(4, after.filled_size).bind(5, after.average_price).bind(6, after.fees);
  up.bind(7, after.updated_ms).bind(8, name_of(order.state));
  run_cached(up);
  if (impl_->db.changes() != 1) {
    throw core::Error(fmt::format("journal {}: order {} is not journaled in state '{}' (event '{}' not written)",
                                  path(), order.cloid, name_of(order.state), name_of(update.event)));
  }
  Statement& ev = impl_->insert_event;
  ev.bind(1, after.cloid).bind(2, name_of(update.event)).bind(3, name_of(after.state)).bind(4, update.time);
  bind_optional_oid(ev, 5, update.oid);
  ev.bind(6, update.fill_size).bind(7, update.fill_price).bind(8, update.fee).bind(9, update.detail);
  run_cached(ev);
}

bool Journal::record_fill(const exchange::client::Fill& fill) {
  return impl_->atomically([&] { return write_fill(fill); });
}

bool Journal::write_fill(const exchange::client::Fill& fill) {
  Statement& st = impl_->insert_fill;
  st.bind(1, static_cast<std::int64_t>(fill.tid)).bind(2, fill.coin).bind(3, fill.px).bind(4, fill.sz);
  st.bind(5, std::int64_t{fill.buy}).bind(6, fill.time).bind(7, fill.start_position).bind(8, fill.dir);
  st.bind(9, fill.closed_pnl).bind(10, fill.hash).bind(11, static_cast<std::int64_t>(fill.oid));
  st.bind(12, std::int64_t{fill.crossed}).bind(13, fill.fee);
  if (fill.cloid) st.bind(14, *fill.cloid);
  else st.bind_null(14);
  st.bind(15, fill.fee_token).bind(16, std::int64_t{fill.liquidation});
  run_cached(st);
  const bool fresh = impl_->db.changes() == 1;
  if (!fresh) {
    run_cached(impl_->count_duplicate);
  } else if (fill.cloid) {
    Statement& ledger = impl_->insert_ledger_fill;
    ledger.bind(1, static_cast<std::int64_t>(fill.tid)).bind(2, fill.coin).bind(3, fill.time);
    ledger.bind(4, fill.buy ? fill.sz : -fill.sz).bind(5, fill.px).bind(6, fill.fee).bind(7, *fill.cloid);
    run_cached(ledger);
  }
  return fresh;
}

void Journal::record_position(const PositionChange& change) {
  Statement& st = impl_->insert_position;
  st.bind(1, change.strategy_id).bind(2, change.coin).bind(3, change.size).bind(4, change.entry_price);
  st.bind(5, change.realized_pnl).bind(6, change.fees).bind(7, change.funding).bind(8, change.time);
  st.bind(9, change.cause);
  impl_->atomically([&] { run_cached(st); });
}

void Journal::record_funding(const std::string& strategy_id, const std::string& coin, Units paid,
                             core::TimeMs time) {
  Statement& st = impl_->insert_ledger_funding;
  st.bind(1, strategy_id).bind(2, coin).bind(3, time).bind(4, paid);
  impl_->atomically([&] { run_cached(st); });
}

void Journal::record_allocations(const std::vector<AllocationRow>& rows) {
  impl_->atomically([&] {
    Statement st(impl_->db, "INSERT INTO allocations (time, strategy, coin, weight, exposure) VALUES (?, ?, ?, ?, ?)");
    for (const auto& r : rows) {
      st.bind(1, r.time).bind(2, r.strategy).bind(3, r.coin).bind(4, r.weight).bind(5, r.exposure);
      st.run();
    }
  });
}

std::vector<AllocationRow> Journal::allocations() {
  Statement st(impl_->db, "SELECT time, strategy, coin, weight, exposure FROM allocations ORDER BY seq");
  std::vector<AllocationRow> rows;
  while (st.step()) {
    rows.push_back({st.column_int(0), st.column_text(1), st.column_text(2), st.column_double(3), st.column_double(4)});
  }
  return rows;
}

std::vector<LedgerEntry> Journal::ledger() {
  Statement st(impl_->db, "SELECT strategy, coin, time, size, price, fee, funding FROM ledger ORDER BY seq");
  std::vector<LedgerEntry> entries;
  while (st.step()) {
    entries.push_back({st.column_text(0), st.column_text(1), st.column_int(2), st.column_int(3), st.column_int(4),
                       st.column_int(5), st.column_int(6)});
  }
  return entries;
}

std::optional<Order> Journal::find_order(const std::string& cloid) {
  Statement st(impl_->db, fmt::format("SELECT {} FROM orders WHERE cloid = ?", kOrderColumns));
  st.bind(1, cloid);
  if (!st.step()) return std::nullopt;
  return order_from_row(st);
}

void Journal::batch(const std::function<void()>& writes) {
  if (impl_->batch_depth > 0) {  // inside another batch: its commit makes these durable
    writes();
    return;
  }
  data::sqlite::Transaction tx(impl_->db);
  impl_->batch_depth = 1;
  impl_->batch_failed = false;
  try {
    writes();
  } catch (...) {
    impl_->batch_depth = 0;
    throw;  // tx rolls back
  }
  impl_->batch_depth = 0;
  if (impl_->batch_failed) {
    throw core::Error(fmt::format("journal {}: a write of the batch failed; nothing of the batch was written", path()));
  }
  tx.commit();
}

JournalState Journal::load() {
  JournalState state;
  {
    Statement st(impl_->db, fmt::format("SELECT {} FROM orders WHERE state IN ('new', 'sent', 'resting', "
                                        "'partially_filled') ORDER BY seq",
                                        kOrderColumns));
    while (st.step()) state.open_orders.push_back(order_from_row(st));
  }
  {
    // SQLite takes the bare columns of a max() aggregate from the row holding the maximum.
    Statement st(impl_->db, R"(
      SELECT strategy, coin, max(seq), size, entry_price, realized_pnl, fees, funding, time, cause
      FROM positions GROUP BY strategy, coin ORDER BY strategy, coin)");
    while (st.step()) {
      state.positions.push_back({st.column_text(0), st.column_text(1), st.column_int(3), st.column_int(4),
                                 st.column_int(5), st.column_int(6), st.column_int(7), st.column_int(8),
                                 st.column_text(9)});
    }
  }
  {
    Statement coins(impl_->db, "SELECT DISTINCT coin FROM fills ORDER BY coin");
    Statement last(impl_->db, "SELECT time, tid FROM fills WHERE coin = ? ORDER BY time DESC, tid DESC LIMIT 1");
    while (coins.step()) {
      const std::string coin = coins.column_text(0);
      last.bind(1, coin);
      last.step_row();
      state.last_fill_by_coin[coin] = {last.column_int(0), static_cast<std::uint64_t>(last.column_int(1))};
      last.reset();
    }
  }
  {
    Statement st(impl_->db, "SELECT cloid FROM orders");
    while (st.step()) state.cloids.insert(st.column_text(0));
  }
  {
    Statement st(impl_->db, "SELECT value FROM journal_counters WHERE name = 'duplicate_fills'");
    st.step_row();
    state.duplicate_fills = st.column_int(0);
  }
  return state;
}

std::vector<std::pair<OrderUpdate, OrderState>> Journal::events_of(const std::string& cloid) {
  Statement st(impl_->db, R"(
    SELECT event, state_after, time, oid, fill_size, fill_price, fee, detail
    FROM order_events WHERE cloid = ? ORDER BY seq)");
  st.bind(1, cloid);
  std::vector<std::pair<OrderUpdate, OrderState>> events;
  while (st.step()) {
    OrderUpdate update;
    update.event = order_event_from(st.column_text(0));
    update.time = st.column_int(2);
    update.oid = optional_oid(st, 3);
    update.fill_size = st.column_int(4);
    update.fill_price = st.column_int(5);
    update.fee = st.column_int(6);
    update.detail = st.column_text(7);
    events.emplace_back(std::move(update), order_state_from(st.column_text(1)));
  }
  return events;
}

std::string Journal::integrity_check() {
  Statement st(impl_->db, "PRAGMA integrity_check");
  st.step_row();
  return st.column_text(0);
}

}  // namespace organism::exec

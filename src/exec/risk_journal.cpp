#include "exec/risk_journal.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "data/sqlite.hpp"
#include "exec/journal_schema.hpp"

namespace organism::exec {

using data::sqlite::Db;
using data::sqlite::Statement;
using Json = nlohmann::ordered_json;

std::string memory_json(const backtest::BreakerMemory& m) {
  Json j;
  j["state"] = std::string(backtest::name_of(m.state));
  j["latched"] = m.latched ? Json(std::string(backtest::name_of(*m.latched))) : Json(nullptr);
  j["peak"] = m.peak;
  j["day"] = m.day;
  j["day_start"] = m.day_start;
  j["losing_streak"] = m.losing_streak;
  j["equity"] = m.equity;
  j["band_peak"] = m.band_peak;
  return j.dump();
}

backtest::BreakerMemory memory_from_json(const std::string& text) {
  try {
    const auto j = Json::parse(text);
    backtest::BreakerMemory m;
    const auto state = backtest::trading_state_from(j.at("state").get<std::string>());
    if (!state) throw core::Error("unknown state");
    m.state = *state;
    if (!j.at("latched").is_null())
      m.latched = backtest::breaker_from(j.at("latched").get<std::string>());
    m.peak = j.at("peak").get<double>();
    m.day = j.at("day").get<std::int64_t>();
    m.day_start = j.at("day_start").get<double>();
    m.losing_streak = j.at("losing_streak").get<int>();
    m.equity = j.value("equity", 0.0);  // absent in the first journals of schema 3
    m.band_peak = j.value("band_peak", 0.0);
    return m;
  } catch (const std::exception& e) {
    throw core::Error(
        fmt::format("the journal's risk memory '{}' is malformed: {}", text, e.what()));
  }
}

std::string figures_json(const std::vector<std::pair<std::string, double>>& figures) {
  Json j = Json::object();
  for (const auto& [name, value] : figures) j[name] = value;
  return j.dump();
}

std::vector<std::pair<std::string, double>> figures_from_json(const std::string& text) {
  std::vector<std::pair<std::string, double>> out;
  const auto j = Json::parse(text, nullptr, false);
  if (!j.is_object()) return out;
  for (const auto& [name, value] : j.items()) {
    if (value.is_number()) out.emplace_back(name, value.get<double>());
  }
  return out;
}

namespace {

std::vector<RiskCommand> read_commands(Statement& st) {
  std::vector<RiskCommand> out;
  while (st.step()) {
    RiskCommand c{st.column_int(0), st.column_int(1), st.column_text(2), st.column_text(3),
                  std::nullopt};
    if (!st.column_is_null(4)) c.applied_at = st.column_int(4);
    out.push_back(std::move(c));
  }
  return out;
}

std::optional<backtest::BreakerMemory> read_memory(Db& db) {
  Statement st(db, "SELECT memory FROM risk_memory WHERE id = 1");
  if (!st.step()) return std::nullopt;
  return memory_from_json(st.column_text(0));
}

void write_memory(Db& db, const backtest::BreakerMemory& memory, core::TimeMs time) {
  Statement st(db,
               "INSERT INTO risk_memory (id, memory, time) VALUES (1, ?, ?) "
               "ON CONFLICT (id) DO UPDATE SET memory = excluded.memory, time = excluded.time");
  st.bind(1, memory_json(memory)).bind(2, time).run();
}

}  // namespace

// ---- RiskJournal ----

struct RiskJournal::Impl {
  explicit Impl(const std::string& path) : db(path, Db::Mode::ReadWrite) {
    prepare_journal_schema(db);
  }
  Db db;
};

RiskJournal RiskJournal::open(const std::string& path) {
  return RiskJournal(std::make_unique<Impl>(path));
}
RiskJournal::RiskJournal(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RiskJournal::RiskJournal(RiskJournal&&) noexcept = default;
RiskJournal& RiskJournal::operator=(RiskJournal&&) noexcept = default;
RiskJournal::~RiskJournal() = default;

void RiskJournal::record_transitions(const std::vector<backtest::Transition>& transitions,
                                     const backtest::BreakerMemory& memory, core::TimeMs time) {
  data::sqlite::Transaction tx(impl_->db);
  Statement st(impl_->db,
               "INSERT INTO risk_transitions (time, from_state, to_state, reason, figures, description) "
               "VALUES (?, ?, ?, ?, ?, ?)");
  for (const auto& t : transitions) {
    st.bind(1, t.time)
        .bind(2, backtest::name_of(t.from))
        .bind(3, backtest::name_of(t.to))
        .bind(4, backtest::name_of(t.reason))
        .bind(5, figures_json(t.figures))
        .bind(6, t.describe())
        .run();
  }
  write_memory(impl_->db, memory, time);
  tx.commit();
}

void RiskJournal::record_memory(const backtest::BreakerMemory& memory, core::TimeMs time) {
  write_memory(impl_->db, memory, time);
}

void RiskJournal::record_checks(const std::vector<RiskCheckRecord>& checks) {
  if (checks.empty()) return;
  data::sqlite::Transaction tx(impl_->db);
  Statement st(impl_->db,
               "INSERT INTO risk_checks (time, strategy, coin, cloid, reason, rejected, size_before, "
               "size_after, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  for (const auto& c : checks) {  // one statement, run() resets it for the next row
    st.bind(1, c.time)
        .bind(2, c.strategy)
        .bind(3, c.coin)
        .bind(4, c.cloid)
        .bind(5, c.reason)
        .bind(6, std::int64_t{c.rejected ? 1 : 0})
        .bind(7, c.size_before)
        .bind(8, c.size_after)
        .bind(9, c.detail)
        .run();
  }
  tx.commit();
}

std::optional<backtest::BreakerMemory> RiskJournal::memory() { return read_memory(impl_->db); }

std::optional<core::TimeMs> RiskJournal::last_halt_time() {
  Statement st(
      impl_->db,
      "SELECT time FROM risk_transitions WHERE to_state = 'HALTED' ORDER BY seq DESC LIMIT 1");
  if (!st.step()) return std::nullopt;
  return st.column_int(0);
}

std::int64_t RiskJournal::add_command(core::TimeMs time, const std::string& command,
                                      const std::string& by) {
  if (command != "resume" && command != "halt")
    throw core::Error(fmt::format("risk command '{}': resume or halt", command));
  Statement st(impl_->db,
               "INSERT INTO risk_commands (time, command, by, applied_at) VALUES (?, ?, ?, NULL)");
  st.bind(1, time).bind(2, command).bind(3, by).run();
  return impl_->db.last_insert_rowid();
}

std::vector<RiskCommand> RiskJournal::pending_commands() {
  Statement st(impl_->db,
               "SELECT id, time, command, by, applied_at FROM risk_commands WHERE applied_at IS "
               "NULL ORDER BY id");
  return read_commands(st);
}

void RiskJournal::mark_applied(std::int64_t id, core::TimeMs time) {
  Statement st(impl_->db, "UPDATE risk_commands SET applied_at = ? WHERE id = ?");
  st.bind(1, time).bind(2, id).run();
}

// ---- RiskJournalReader ----

struct RiskJournalReader::Impl {
  explicit Impl(const std::string& path) : db(path, Db::Mode::ReadOnly) {}
  Db db;
  bool has_risk_tables = false;
};

RiskJournalReader RiskJournalReader::open(const std::string& path) {
  if (!std::filesystem::exists(path)) {
    throw core::Error(fmt::format(
        "journal {}: no such file (paper and trade write it beside the store; or give --journal)",
        path));
  }
  auto impl = std::make_unique<Impl>(path);
  Statement id(impl->db, "PRAGMA application_id");
  id.step_row();
  if (id.column_int(0) != kJournalApplicationId)
    throw core::Error(fmt::format("{}: not an organism trading journal", path));
  Statement version(impl->db, "PRAGMA user_version");
  version.step_row();
  if (version.column_int(0) > kJournalSchemaVersion) {
    throw core::Error(fmt::format("journal {}: schema {} (this build reads {})", path,
                                  version.column_int(0), kJournalSchemaVersion));
  }
  impl->has_risk_tables = version.column_int(0) >= 3;
  return RiskJournalReader(std::move(impl));
}

RiskJournalReader::RiskJournalReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RiskJournalReader::RiskJournalReader(RiskJournalReader&&) noexcept = default;
RiskJournalReader::~RiskJournalReader() = default;

std::optional<backtest::BreakerMemory> RiskJournalReader::memory() {
  if (!impl_->has_risk_tables) return std::nullopt;
  return read_memory(impl_->db);
}

std::vector<RiskTransitionRecord> RiskJournalReader::transitions(std::size_t limit) {
  std::vector<RiskTransitionRecord> out;
  if (!impl_->has_risk_tables) return out;
  Statement st(
      impl_->db,
      "SELECT time, from_state, to_state, reason, figures, description FROM risk_transitions "
      "ORDER BY seq DESC LIMIT ?");
  st.bind(1, static_cast<std::int64_t>(limit));
  while (st.step()) {
    out.push_back({st.column_int(0), st.column_text(1), st.column_text(2), st.column_text(3),
                   figures_from_json(st.column_text(4)), st.column_text(5)});
  }
  return out;
}

std::map<std::string, RiskCheckCount> RiskJournalReader::check_counts() {
  std::map<std::string, RiskCheckCount> out;
  if (!impl_->has_risk_tables) return out;
  Statement st(impl_->db,
               "SELECT reason, sum(rejected), sum(1 - rejected) FROM risk_checks GROUP BY reason");
  while (st.step()) out[st.column_text(0)] = {st.column_int(1), st.column_int(2)};
  return out;
}

std::vector<RiskCommand> RiskJournalReader::commands(std::size_t limit) {
  if (!impl_->has_risk_tables) return {};
  Statement st(
      impl_->db,
      "SELECT id, time, command, by, applied_at FROM risk_commands ORDER BY id DESC LIMIT ?");
  st.bind(1, static_cast<std::int64_t>(limit));
  return read_commands(st);
}

}  // namespace organism::exec

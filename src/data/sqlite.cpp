#include "data/sqlite.hpp"

#include <sqlite3.h>

#include <fmt/format.h>

#include "core/error.hpp"

namespace organism::data::sqlite {

Db::Db(const std::string& path, Mode mode) : path_(path) {
  const int flags = mode == Mode::ReadOnly ? SQLITE_OPEN_READONLY
                                           : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  const int rc = sqlite3_open_v2(path.c_str(), &db_, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    const std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw core::Error(fmt::format("store {}: cannot open: {}", path, msg));
  }
  sqlite3_busy_timeout(db_, 10'000);  // another organism process may hold the write lock briefly
  sqlite3_extended_result_codes(db_, 1);
}

Db::~Db() {
  idle_statements_.clear();  // sqlite3_close refuses to close while statements are unfinalized
  sqlite3_close(db_);
}

CachedStatement Db::cached(std::string_view sql) {
  auto it = idle_statements_.find(sql);
  if (it == idle_statements_.end()) it = idle_statements_.emplace(std::string(sql), std::vector<std::unique_ptr<Statement>>{}).first;
  auto& idle = it->second;
  if (idle.empty()) return CachedStatement(idle, std::make_unique<Statement>(*this, sql));
  auto statement = std::move(idle.back());
  idle.pop_back();
  return CachedStatement(idle, std::move(statement));
}

CachedStatement::~CachedStatement() {
  if (!stmt_) return;  // moved from
  stmt_->reset();
  try {
    idle_->push_back(std::move(stmt_));
  } catch (...) {  // out of memory: the statement is finalized instead of kept
  }
}

void Db::fail(std::string_view what) const {
  throw core::Error(fmt::format("store {}: {}: {}", path_, what, sqlite3_errmsg(db_)));
}

void Db::exec(std::string_view sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    const std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    throw core::Error(fmt::format("store {}: {}", path_, msg));
  }
}

std::int64_t Db::changes() const { return sqlite3_changes(db_); }
std::int64_t Db::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

namespace {

// The statement's first words on one line, for error messages.
std::string statement_label(std::string_view sql) {
  std::string label;
  for (const char c : sql) {
    if (label.size() >= 60) break;
    const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (!space) label += c;
    else if (!label.empty() && label.back() != ' ') label += ' ';
  }
  return label;
}

}  // namespace

Statement::Statement(Db& db, std::string_view sql) : db_(db), sql_(statement_label(sql)) {
  if (sqlite3_prepare_v2(db.handle(), sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr) != SQLITE_OK) {
    db_.fail(fmt::format("cannot prepare '{}'", sql_));
  }
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::bind(int index, std::int64_t value) {
  if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK) db_.fail("bind");
  return *this;
}

Statement& Statement::bind(int index, double value) {
  if (sqlite3_bind_double(stmt_, index, value) != SQLITE_OK) db_.fail("bind");
  return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
  if (sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT) != SQLITE_OK) {
    db_.fail("bind");
  }
  return *this;
}

Statement& Statement::bind_null(int index) {
  if (sqlite3_bind_null(stmt_, index) != SQLITE_OK) db_.fail("bind");
  return *this;
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  db_.fail(fmt::format("query failed ('{}')", sql_));
}

void Statement::step_row() {
  if (!step()) db_.fail(fmt::format("no row from '{}'", sql_));
}

void Statement::run() {
  while (step()) {
  }
  reset();
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::int64_t Statement::column_int(int index) const { return sqlite3_column_int64(stmt_, index); }
double Statement::column_double(int index) const { return sqlite3_column_double(stmt_, index); }
bool Statement::column_is_null(int index) const { return sqlite3_column_type(stmt_, index) == SQLITE_NULL; }

std::string Statement::column_text(int index) const {
  const auto* text = sqlite3_column_text(stmt_, index);
  return text ? std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, index)))
              : std::string();
}

void Db::backup_into(Db& target) {
  sqlite3_backup* backup = sqlite3_backup_init(target.handle(), "main", db_, "main");
  if (!backup) target.fail(fmt::format("cannot start a backup of {}", path_));
  int rc = SQLITE_OK;
  // -1 copies every page in one step under one read transaction; a writer holding the lock
  // only delays it (busy/locked), which the loop retries like the busy timeout would.
  for (int attempt = 0; attempt < 1000; ++attempt) {
    rc = sqlite3_backup_step(backup, -1);
    if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
    sqlite3_sleep(10);
  }
  sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) {
    throw core::Error(fmt::format("store {}: backup into {} failed: {}", path_, target.path(), sqlite3_errstr(rc)));
  }
}

Transaction::Transaction(Db& db) : db_(db) { db_.cached("BEGIN IMMEDIATE")->run(); }

Transaction::~Transaction() {
  if (!done_) {
    try {
      db_.exec("ROLLBACK");
    } catch (...) {  // nothing more to do: the connection closes and SQLite rolls back
    }
  }
}

void Transaction::commit() {
  db_.cached("COMMIT")->run();
  done_ = true;
}

ReadSnapshot::ReadSnapshot(Db& db) : db_(db), began_(sqlite3_get_autocommit(db.handle()) != 0) {
  if (began_) db_.cached("BEGIN")->run();
}

ReadSnapshot::~ReadSnapshot() {
  if (!began_) return;
  try {
    db_.exec("COMMIT");  // nothing written: ends the read transaction
  } catch (...) {  // the connection's close ends it too
  }
}

Savepoint::Savepoint(Db& db) : db_(db), outermost_(sqlite3_get_autocommit(db.handle()) != 0) {
  db_.cached(outermost_ ? "BEGIN IMMEDIATE" : "SAVEPOINT organism_write")->run();
}

Savepoint::~Savepoint() {
  if (!done_) {
    try {
      db_.exec(outermost_ ? "ROLLBACK" : "ROLLBACK TO organism_write; RELEASE organism_write");
    } catch (...) {  // the enclosing transaction's rollback or the connection's close cleans up
    }
  }
}

void Savepoint::release() {
  db_.cached(outermost_ ? "COMMIT" : "RELEASE organism_write")->run();
  done_ = true;
}

}  // namespace organism::data::sqlite

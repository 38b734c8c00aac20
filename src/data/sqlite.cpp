#include "data/sqlite.hpp"

#include <sqlite3.h>

#include <fmt/format.h>

#include "core/error.hpp"

namespace organism::data::sqlite {
namespace {

class SqliteStatement final : public sql::StatementImpl {
 public:
  SqliteStatement(Db& db, std::string_view sql) : db_(db), label_(sql::Statement::label(sql)) {
    if (sqlite3_prepare_v2(db.handle(), sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr) != SQLITE_OK) {
      db_.fail(fmt::format("cannot prepare '{}'", label_));
    }
  }
  ~SqliteStatement() override { sqlite3_finalize(stmt_); }

  void bind_int(int index, std::int64_t value) override {
    if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK) db_.fail("bind");
  }
  void bind_double(int index, double value) override {
    if (sqlite3_bind_double(stmt_, index, value) != SQLITE_OK) db_.fail("bind");
  }
  void bind_text(int index, std::string_view value) override {
    if (sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT) != SQLITE_OK) {
      db_.fail("bind");
    }
  }
  void bind_null(int index) override {
    if (sqlite3_bind_null(stmt_, index) != SQLITE_OK) db_.fail("bind");
  }
  bool step() override {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    db_.fail(fmt::format("query failed ('{}')", label_));
  }
  void reset() override {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  std::int64_t column_int(int index) const override { return sqlite3_column_int64(stmt_, index); }
  double column_double(int index) const override { return sqlite3_column_double(stmt_, index); }
  bool column_is_null(int index) const override { return sqlite3_column_type(stmt_, index) == SQLITE_NULL; }
  std::string column_text(int index) const override {
    const auto* text = sqlite3_column_text(stmt_, index);
    return text ? std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, index)))
                : std::string();
  }

 private:
  Db& db_;
  std::string label_;
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace

Db::Db(const std::string& path, Mode mode) : sql::Connection(path) {
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
  drop_cached_statements();  // sqlite3_close refuses to close while statements are unfinalized
  sqlite3_close(db_);
}

std::unique_ptr<sql::StatementImpl> Db::prepare(std::string_view sql, bool) {
  return std::make_unique<SqliteStatement>(*this, sql);
}

void Db::fail(std::string_view what) const {
  throw core::Error(fmt::format("store {}: {}: {}", path(), what, sqlite3_errmsg(db_)));
}

void Db::exec(std::string_view sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    const std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    throw core::Error(fmt::format("store {}: {}", path(), msg));
  }
}

std::int64_t Db::changes() const { return sqlite3_changes(db_); }
std::int64_t Db::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }
bool Db::in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }
// Cached: these run several times a bar, and preparing costs more than running them.
void Db::begin_write() { cached("BEGIN IMMEDIATE")->run(); }
void Db::begin_read() { cached("BEGIN")->run(); }
void Db::commit() { cached("COMMIT")->run(); }

void Db::backup_into(Db& target) {
  sqlite3_backup* backup = sqlite3_backup_init(target.handle(), "main", db_, "main");
  if (!backup) target.fail(fmt::format("cannot start a backup of {}", path()));
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
    throw core::Error(fmt::format("store {}: backup into {} failed: {}", path(), target.path(), sqlite3_errstr(rc)));
  }
}

}  // namespace organism::data::sqlite

#include "data/sql.hpp"

#include <fmt/format.h>

#include <cctype>

#include "data/postgres.hpp"
#include "data/sqlite.hpp"

namespace organism::data::sql {

std::string Statement::label(std::string_view sql) {
  std::string label;
  for (const char c : sql) {
    if (label.size() >= 60) break;
    const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (!space) label += c;
    else if (!label.empty() && label.back() != ' ') label += ' ';
  }
  return label;
}

Statement::Statement(Connection& db, std::string_view sql, bool reused)
    : db_(&db), label_(label(sql)), impl_(db.prepare(sql, reused)) {}

void Statement::step_row() {
  if (!step()) db_->fail(fmt::format("no row from '{}'", label_));
}

void Statement::run() {
  while (step()) {
  }
  reset();
}

CachedStatement Connection::cached(std::string_view sql) {
  auto it = idle_statements_.find(sql);
  if (it == idle_statements_.end()) it = idle_statements_.emplace(std::string(sql), std::vector<std::unique_ptr<Statement>>{}).first;
  auto& idle = it->second;
  if (idle.empty()) return CachedStatement(idle, std::make_unique<Statement>(*this, sql, true));
  auto statement = std::move(idle.back());
  idle.pop_back();
  return CachedStatement(idle, std::move(statement));
}

CachedStatement::~CachedStatement() {
  if (!stmt_) return;  // moved from
  try {
    stmt_->reset();
    idle_->push_back(std::move(stmt_));
  } catch (...) {  // out of memory, or a connection gone bad: the statement is dropped instead of kept
  }
}

void Connection::copy_in(std::string_view copy_sql, std::string_view) {
  fail(fmt::format("'{}': this database has no bulk copy", Statement::label(copy_sql)));
}

bool is_server_location(std::string_view location) {
  return location.starts_with("postgresql://") || location.starts_with("postgres://");
}

std::string display_location(std::string_view location) {
  return is_server_location(location) ? postgres::redact_url(location) : std::string(location);
}

std::string local_files_base(std::string_view location) {
  if (!is_server_location(location)) return std::string(location.starts_with("sqlite:") ? location.substr(7) : location);
  std::string_view rest = location.substr(location.find("://") + 3);
  rest = rest.substr(0, rest.find('?'));
  const auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  const std::string_view database = slash == std::string_view::npos ? std::string_view("postgres") : rest.substr(slash + 1);
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) authority = authority.substr(at + 1);
  std::string host(authority.empty() ? "localhost" : authority), port = "5432";
  if (const auto colon = host.rfind(':'); colon != std::string::npos && host.find(']', colon) == std::string::npos) {
    port = host.substr(colon + 1);
    host.resize(colon);
  }
  std::string name = fmt::format("{}-{}-{}", host, port, database.empty() ? "postgres" : database);
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_') c = '_';
  }
  return name + ".db";
}

std::unique_ptr<Connection> open_connection(const std::string& location, Connection::Mode mode) {
  if (is_server_location(location)) return std::make_unique<postgres::Connection>(location, mode);
  std::string path = location.starts_with("sqlite:") ? location.substr(7) : location;
  if (path.empty()) throw core::UsageError("store location 'sqlite:' names no file");
  return std::make_unique<sqlite::Db>(path, mode);
}

Transaction::Transaction(Connection& db) : db_(&db) { db_->begin_write(); }

Transaction::Transaction(Transaction&& other) noexcept : db_(other.db_), done_(other.done_) { other.done_ = true; }

Transaction::~Transaction() {
  if (!done_) {
    try {
      db_->rollback();
    } catch (...) {  // nothing more to do: closing the connection rolls back
    }
  }
}

void Transaction::commit() {
  db_->commit();
  done_ = true;
}

ReadSnapshot::ReadSnapshot(Connection& db) : db_(db), began_(!db.in_transaction()) {
  if (began_) db_.begin_read();
}

ReadSnapshot::~ReadSnapshot() {
  if (!began_) return;
  try {
    db_.commit();  // nothing written: ends the read transaction
  } catch (...) {  // the connection's close ends it too
  }
}

Savepoint::Savepoint(Connection& db) : db_(db), outermost_(!db.in_transaction()) {
  if (outermost_) {
    db_.begin_write();
  } else {
    db_.exec("SAVEPOINT organism_write");
  }
}

Savepoint::~Savepoint() {
  if (!done_) {
    try {
      if (outermost_) {
        db_.rollback();
      } else {
        db_.exec("ROLLBACK TO SAVEPOINT organism_write; RELEASE SAVEPOINT organism_write");
      }
    } catch (...) {  // the enclosing transaction's rollback or the connection's close cleans up
    }
  }
}

void Savepoint::release() {
  if (outermost_) {
    db_.commit();
  } else {
    db_.exec("RELEASE SAVEPOINT organism_write");
  }
  done_ = true;
}

}  // namespace organism::data::sql

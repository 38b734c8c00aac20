// The PostgreSQL backend of sql::Connection (sql.hpp), over libpq: a connection to the server a
// postgresql:// URL names, statements with text parameters and binary results, the store's
// writer lock, and COPY for bulk loads. The password comes from libpq's own sources (PGPASSWORD,
// ~/.pgpass, PGPASSFILE or the URL's passfile= parameter, a file libpq ignores unless it is 0600);
// messages show the URL without any password.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "data/sql.hpp"

struct pg_conn;

namespace organism::data::postgres {

// The URL without a password (user:password@ becomes user@; a password= parameter is dropped).
std::string redact_url(std::string_view url);

// SQL in the store's dialect (`?` and `?N` parameters) as PostgreSQL writes it (`$N`). Quoted
// strings and identifiers are left as they are.
std::string numbered_parameters(std::string_view sql);

// A failure the server says is worth running the transaction again for: a serialization failure
// (40001), a deadlock (40P01) or a lock not obtained in time (55P03).
struct RetryableError : core::Error {
  using core::Error::Error;
};

class Connection final : public sql::Connection {
 public:
  Connection(const std::string& url, Mode mode);
  ~Connection() override;

  sql::Dialect dialect() const override { return sql::Dialect::Postgres; }
  void exec(std::string_view sql) override;
  std::unique_ptr<sql::StatementImpl> prepare(std::string_view sql, bool reused) override;
  std::int64_t changes() const override { return changes_; }
  [[noreturn]] void fail(std::string_view what) const override;
  bool in_transaction() const override;
  void begin_write() override;
  void begin_read() override;
  void copy_in(std::string_view copy_sql, std::string_view data) override;

  // Session advisory locks (held until unlocked or the connection ends, whatever the process's
  // fate): `key` is hashed by the server to 64 bits. true when this connection now holds it.
  bool try_lock(std::string_view key);
  void unlock(std::string_view key);

  // For the backend's statements.
  pg_conn* handle() { return conn_; }
  std::string next_statement_name();
  void set_changes(std::int64_t n) { changes_ = n; }

 private:
  pg_conn* conn_ = nullptr;
  std::int64_t changes_ = 0;
  std::uint64_t statements_ = 0;
};

// Rows in PostgreSQL's binary COPY format (COPY ... FROM STDIN (FORMAT binary)): exact doubles
// and integers without text conversion, the fastest way in.
class CopyBuffer {
 public:
  CopyBuffer();
  // Room for `rows` rows of `fields` 8-byte values, so that a million rows are not copied as the
  // buffer grows.
  void reserve(std::size_t rows, int fields);
  void row(int fields);
  void add(std::int64_t value);
  void add(double value);
  void add(std::string_view value);
  void add_null();
  // The data with its trailer; the buffer is done after this.
  const std::string& finish();

 private:
  void put16(std::uint16_t v);
  void put32(std::uint32_t v);
  void put64(std::uint64_t v);
  std::string data_;
};

}  // namespace organism::data::postgres

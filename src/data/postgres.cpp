#include "data/postgres.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <bit>
#include <cctype>
#include <limits>
#include <chrono>
#include <cmath>
#include <cstring>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/format.h>

namespace organism::data::postgres {
namespace {

// Type oids of the built-in types the store's columns and expressions produce.
constexpr Oid kBool = 16, kName = 19, kInt8 = 20, kInt2 = 21, kInt4 = 23, kText = 25, kFloat4 = 700,
              kFloat8 = 701, kUnknown = 705, kVarchar = 1043, kNumeric = 1700;

// The store's one writer at a time: every write transaction holds this advisory lock to its end,
// as SQLite's BEGIN IMMEDIATE holds the file's write lock ("organism" in ASCII).
constexpr std::int64_t kWriterLock = 0x6f7267616e69736d;

std::uint16_t get16(const char* p) { std::uint16_t v; std::memcpy(&v, p, 2); return __builtin_bswap16(v); }
std::uint32_t get32(const char* p) { std::uint32_t v; std::memcpy(&v, p, 4); return __builtin_bswap32(v); }
std::uint64_t get64(const char* p) { std::uint64_t v; std::memcpy(&v, p, 8); return __builtin_bswap64(v); }

std::string trimmed(const char* message) {
  std::string s = message ? message : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

bool retryable_state(const char* state) {
  return state && (std::strcmp(state, "40001") == 0 || std::strcmp(state, "40P01") == 0 ||
                   std::strcmp(state, "55P03") == 0);
}

// A PGresult owned for its life.
struct Result {
  PGresult* res = nullptr;
  Result() = default;
  explicit Result(PGresult* r) : res(r) {}
  Result(Result&& o) noexcept : res(std::exchange(o.res, nullptr)) {}
  Result& operator=(Result&& o) noexcept {
    if (this != &o) {
      PQclear(res);
      res = std::exchange(o.res, nullptr);
    }
    return *this;
  }
  ~Result() { PQclear(res); }
};

// Throws for a result that is not `ok` (TUPLES_OK or COMMAND_OK), naming what ran.
void check(const Connection& db, const Result& r, std::string_view what) {
  const auto status = PQresultStatus(r.res);
  if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) return;
  const char* state = r.res ? PQresultErrorField(r.res, PG_DIAG_SQLSTATE) : nullptr;
  const std::string message = trimmed(r.res ? PQresultErrorMessage(r.res) : "no result (connection lost?)");
  const auto text = fmt::format("store {}: {}: {}{}", db.path(), what, message,
                                state ? fmt::format(" (SQLSTATE {})", state) : "");
  if (retryable_state(state)) throw RetryableError(text);
  throw core::Error(text);
}

// A numeric (the type of sum() over integers) in its binary form: base-10000 digits.
long double numeric_value(const char* p, int length) {
  if (length < 8) return 0;
  const int ndigits = static_cast<std::int16_t>(get16(p));
  const int weight = static_cast<std::int16_t>(get16(p + 2));
  const std::uint16_t sign = get16(p + 4);
  if (sign == 0xC000) return std::numeric_limits<long double>::quiet_NaN();
  long double v = 0;
  for (int i = 0; i < ndigits && 8 + 2 * i + 2 <= length; ++i) {
    v += get16(p + 8 + 2 * i) * std::pow(10000.0L, weight - i);
  }
  return sign == 0x4000 ? -v : v;
}

class PgStatement final : public sql::StatementImpl {
 public:
  PgStatement(Connection& db, std::string_view sql, bool reused)
      : db_(db), sql_(numbered_parameters(sql)), label_(sql::Statement::label(sql)) {
    if (reused) name_ = db.next_statement_name();
    // A write outside a transaction takes the writer lock for itself, as SQLite's autocommit
    // write takes the file's lock: every write to the store is serialized the same way.
    const auto start = sql_.find_first_not_of(" \t\r\n");
    std::string verb = start == std::string::npos ? "" : sql_.substr(start, 6);
    for (char& ch : verb) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    writes_ = verb == "INSERT" || verb == "UPDATE" || verb == "DELETE";
  }

  void bind_int(int index, std::int64_t value) override { param(index) = std::to_string(value); }
  void bind_double(int index, double value) override {
    // As SQLite stores it: a NaN is NULL.
    if (std::isnan(value)) {
      param(index).reset();
    } else if (std::isinf(value)) {
      param(index) = value > 0 ? "Infinity" : "-Infinity";
    } else {
      param(index) = fmt::format("{}", value);  // the shortest text that reads back to the same double
    }
  }
  void bind_text(int index, std::string_view value) override { param(index) = std::string(value); }
  void bind_null(int index) override { param(index).reset(); }

  bool step() override {
    if (!result_.res) execute();
    return ++row_ < rows_;
  }
  void reset() override {
    result_ = Result();
    row_ = -1;
    rows_ = 0;
    types_.clear();
    params_.clear();
  }

  std::int64_t column_int(int c) const override {
    if (null(c)) return 0;
    const char* p = value(c);
    switch (types_[static_cast<std::size_t>(c)]) {
      case kInt8: return static_cast<std::int64_t>(get64(p));
      case kInt4: return static_cast<std::int32_t>(get32(p));
      case kInt2: return static_cast<std::int16_t>(get16(p));
      case kBool: return *p != 0;
      case kFloat8: case kFloat4: return static_cast<std::int64_t>(column_double(c));
      case kNumeric: return static_cast<std::int64_t>(numeric_value(p, PQgetlength(result_.res, row_, c)));
      default: return std::strtoll(column_text(c).c_str(), nullptr, 10);
    }
  }
  double column_double(int c) const override {
    if (null(c)) return 0;
    const char* p = value(c);
    switch (types_[static_cast<std::size_t>(c)]) {
      case kFloat8: return std::bit_cast<double>(get64(p));
      case kFloat4: return std::bit_cast<float>(get32(p));
      case kNumeric: return static_cast<double>(numeric_value(p, PQgetlength(result_.res, row_, c)));
      case kInt8: case kInt4: case kInt2: case kBool: return static_cast<double>(column_int(c));
      default: return std::strtod(column_text(c).c_str(), nullptr);
    }
  }
  std::string column_text(int c) const override {
    if (null(c)) return {};
    switch (types_[static_cast<std::size_t>(c)]) {
      case kInt8: case kInt4: case kInt2: case kBool: return std::to_string(column_int(c));
      case kFloat8: case kFloat4: case kNumeric: return fmt::format("{}", column_double(c));
      default: return std::string(value(c), static_cast<std::size_t>(PQgetlength(result_.res, row_, c)));
    }
  }
  bool column_is_null(int c) const override { return null(c); }

 private:
  std::optional<std::string>& param(int index) {
    if (index < 1) db_.fail(fmt::format("bind: parameter {} of '{}'", index, label_));
    if (params_.size() < static_cast<std::size_t>(index)) params_.resize(static_cast<std::size_t>(index));
    return params_[static_cast<std::size_t>(index - 1)];
  }
  bool null(int c) const {
    if (row_ < 0 || row_ >= rows_ || c < 0 || static_cast<std::size_t>(c) >= types_.size()) {
      db_.fail(fmt::format("column {} of '{}' read without a row", c, label_));
    }
    return PQgetisnull(result_.res, row_, c) != 0;
  }
  const char* value(int c) const { return PQgetvalue(result_.res, row_, c); }

  void execute() {
    const bool own_transaction = writes_ && !db_.in_transaction();
    for (int attempt = 0;; ++attempt) {
      try {
        if (own_transaction) db_.begin_write();
        result_ = run_once();
        check(db_, result_, fmt::format("query failed ('{}')", label_));
        db_.set_changes(std::strtoll(PQcmdTuples(result_.res), nullptr, 10));
        if (own_transaction) db_.commit();
        // The result's shape, read once: columns are read millions of times on a large load.
        row_ = -1;
        rows_ = PQntuples(result_.res);
        types_.resize(static_cast<std::size_t>(PQnfields(result_.res)));
        for (std::size_t i = 0; i < types_.size(); ++i) types_[i] = PQftype(result_.res, static_cast<int>(i));
        return;
      } catch (const RetryableError&) {
        if (own_transaction && db_.in_transaction()) db_.rollback();
        result_ = Result();
        // Inside a caller's transaction the whole transaction must run again: the caller's
        // Transaction rolls back and the error goes up. Alone, this statement is the transaction.
        if (db_.in_transaction() || attempt >= 4) throw;
        std::this_thread::sleep_for(std::chrono::milliseconds(10 << attempt));
      } catch (...) {
        if (own_transaction && db_.in_transaction()) {
          try {
            db_.rollback();
          } catch (...) {
          }
        }
        throw;
      }
    }
  }

  Result run_once() {
    std::vector<const char*> values(params_.size());
    std::vector<int> lengths(params_.size()), formats(params_.size(), 0);
    for (std::size_t i = 0; i < params_.size(); ++i) {
      values[i] = params_[i] ? params_[i]->c_str() : nullptr;
      lengths[i] = params_[i] ? static_cast<int>(params_[i]->size()) : 0;
    }
    const int n = static_cast<int>(params_.size());
    if (name_.empty()) {
      return Result(PQexecParams(db_.handle(), sql_.c_str(), n, nullptr, values.data(), lengths.data(), formats.data(), 1));
    }
    if (!prepared_) {
      Result prep(PQprepare(db_.handle(), name_.c_str(), sql_.c_str(), 0, nullptr));
      check(db_, prep, fmt::format("cannot prepare '{}'", label_));
      prepared_ = true;
    }
    return Result(PQexecPrepared(db_.handle(), name_.c_str(), n, values.data(), lengths.data(), formats.data(), 1));
  }

  Connection& db_;
  std::string sql_, label_, name_;
  bool writes_ = false, prepared_ = false;
  std::vector<std::optional<std::string>> params_;
  Result result_;
  int row_ = -1, rows_ = 0;
  std::vector<Oid> types_;  // of the result's columns
};

}  // namespace

std::string redact_url(std::string_view url) {
  std::string out(url);
  const auto scheme = out.find("://");
  if (scheme == std::string::npos) return out;
  const auto authority = scheme + 3;
  const auto end = out.find_first_of("/?", authority);
  const auto at = out.rfind('@', end == std::string::npos ? out.size() : end);
  if (at != std::string::npos && at >= authority) {
    const auto colon = out.find(':', authority);
    if (colon != std::string::npos && colon < at) out.erase(colon, at - colon);
  }
  // A password= parameter, wherever it stands among the parameters.
  const auto query = out.find('?');
  if (query != std::string::npos) {
    std::string kept;
    std::size_t start = query + 1;
    while (start <= out.size()) {
      auto amp = out.find('&', start);
      if (amp == std::string::npos) amp = out.size();
      const auto part = out.substr(start, amp - start);
      if (!part.starts_with("password=") && !part.empty()) kept += (kept.empty() ? "" : "&") + part;
      start = amp + 1;
    }
    out = out.substr(0, query) + (kept.empty() ? "" : "?" + kept);
  }
  return out;
}

std::string numbered_parameters(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int next = 0;
  char quote = 0;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (quote) {
      if (c == quote) quote = 0;
      out += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      out += c;
    } else if (c == '?') {
      std::size_t j = i + 1;
      while (j < sql.size() && std::isdigit(static_cast<unsigned char>(sql[j]))) ++j;
      if (j > i + 1) {
        // As SQLite numbers them: a bare ? after ?N is one more than the largest number so far.
        const auto digits = sql.substr(i + 1, j - i - 1);
        next = std::max(next, std::stoi(std::string(digits)));
        out += '$';
        out.append(digits);
        i = j - 1;
      } else {
        out += fmt::format("${}", ++next);
      }
    } else {
      out += c;
    }
  }
  return out;
}

Connection::Connection(const std::string& url, Mode mode) : sql::Connection(redact_url(url)) {
  const char* keys[] = {"dbname", "fallback_application_name", nullptr};
  const char* values[] = {url.c_str(), "organism", nullptr};
  conn_ = PQconnectdbParams(keys, values, 1);
  if (!conn_ || PQstatus(conn_) != CONNECTION_OK) {
    const std::string message = conn_ ? trimmed(PQerrorMessage(conn_)) : "out of memory";
    PQfinish(conn_);
    conn_ = nullptr;
    throw core::Error(fmt::format("store {}: cannot connect: {}", path(), message));
  }
  // Notices (a CREATE ... IF NOT EXISTS that did nothing) are not the user's business;
  // UTC and UTF-8 whatever the server's defaults; a writer waits at most 2 minutes for another.
  // The server probes this connection after 30 s of silence and drops it after 3 unanswered probes
  // 10 s apart: a host that vanishes (power, network) without closing its socket loses its writer
  // and run locks within about a minute, before a waiting writer's 2 minutes run out, instead of
  // after the system's default of hours. (A killed process's socket closes at once.)
  exec("SET client_min_messages = warning; SET TIME ZONE 'UTC'; SET client_encoding = 'UTF8'; "
       "SET lock_timeout = '120s'; SET tcp_keepalives_idle = 30; SET tcp_keepalives_interval = 10; "
       "SET tcp_keepalives_count = 3");
  if (mode == Mode::ReadOnly) exec("SET default_transaction_read_only = on");
}

Connection::~Connection() {
  drop_cached_statements();
  PQfinish(conn_);
}

void Connection::fail(std::string_view what) const {
  const std::string server = trimmed(PQerrorMessage(conn_));
  throw core::Error(server.empty() ? fmt::format("store {}: {}", path(), what)
                                   : fmt::format("store {}: {}: {}", path(), what, server));
}

void Connection::exec(std::string_view sql) {
  const Result r(PQexec(conn_, std::string(sql).c_str()));
  check(*this, r, fmt::format("'{}' failed", sql::Statement::label(sql)));
  // changes() keeps counting the last statement's rows: a COMMIT after it must not reset them
  // (SQLite's sqlite3_changes ignores transaction control likewise).
}

std::unique_ptr<sql::StatementImpl> Connection::prepare(std::string_view sql, bool reused) {
  return std::make_unique<PgStatement>(*this, sql, reused);
}

std::string Connection::next_statement_name() { return fmt::format("organism_{}", ++statements_); }

bool Connection::in_transaction() const { return PQtransactionStatus(conn_) != PQTRANS_IDLE; }

void Connection::begin_write() {
  // PostgreSQL only warns about a BEGIN inside a transaction, and the inner COMMIT would end the
  // outer one: refuse it, as SQLite does (nested work is a Savepoint).
  if (in_transaction()) fail("cannot start a transaction within a transaction");
  try {
    exec(fmt::format("BEGIN; SELECT pg_advisory_xact_lock({})", kWriterLock));
  } catch (...) {
    if (in_transaction()) {
      try {
        exec("ROLLBACK");
      } catch (...) {
      }
    }
    throw;
  }
}

// One snapshot for every statement of the transaction (READ COMMITTED takes one per statement).
void Connection::begin_read() {
  if (in_transaction()) fail("cannot start a transaction within a transaction");
  exec("BEGIN ISOLATION LEVEL REPEATABLE READ");
}

void Connection::copy_in(std::string_view copy_sql, std::string_view data) {
  {
    const Result start(PQexec(conn_, std::string(copy_sql).c_str()));
    if (PQresultStatus(start.res) != PGRES_COPY_IN) check(*this, start, fmt::format("'{}' failed", sql::Statement::label(copy_sql)));
  }
  constexpr std::size_t kChunk = 1 << 20;
  for (std::size_t at = 0; at < data.size(); at += kChunk) {
    const auto n = std::min(kChunk, data.size() - at);
    if (PQputCopyData(conn_, data.data() + at, static_cast<int>(n)) != 1) fail("COPY data not sent");
  }
  if (PQputCopyEnd(conn_, nullptr) != 1) fail("COPY not ended");
  std::optional<std::string> error;
  while (PGresult* raw = PQgetResult(conn_)) {
    const Result r(raw);
    try {
      check(*this, r, fmt::format("'{}' failed", sql::Statement::label(copy_sql)));
      changes_ = std::strtoll(PQcmdTuples(r.res), nullptr, 10);
    } catch (const core::Error& e) {
      if (!error) error = e.what();
    }
  }
  if (error) throw core::Error(*error);
}

bool Connection::try_lock(std::string_view key) {
  sql::Statement st(*this, "SELECT pg_try_advisory_lock(hashtextextended(?, 0))");
  st.bind(1, key);
  st.step_row();
  return st.column_int(0) != 0;
}

void Connection::unlock(std::string_view key) {
  sql::Statement st(*this, "SELECT pg_advisory_unlock(hashtextextended(?, 0))");
  st.bind(1, key);
  st.step_row();
}

CopyBuffer::CopyBuffer() {
  data_.append("PGCOPY\n\377\r\n\0", 11);
  put32(0);  // flags
  put32(0);  // header extension length
}

void CopyBuffer::put16(std::uint16_t v) { v = __builtin_bswap16(v); data_.append(reinterpret_cast<const char*>(&v), 2); }
void CopyBuffer::put32(std::uint32_t v) { v = __builtin_bswap32(v); data_.append(reinterpret_cast<const char*>(&v), 4); }
void CopyBuffer::put64(std::uint64_t v) { v = __builtin_bswap64(v); data_.append(reinterpret_cast<const char*>(&v), 8); }

void CopyBuffer::reserve(std::size_t rows, int fields) {
  data_.reserve(data_.size() + rows * (2 + static_cast<std::size_t>(fields) * 12) + 2);  // 8-byte values
}

void CopyBuffer::row(int fields) { put16(static_cast<std::uint16_t>(fields)); }
void CopyBuffer::add(std::int64_t value) { put32(8); put64(static_cast<std::uint64_t>(value)); }
void CopyBuffer::add(double value) {
  if (std::isnan(value)) return add_null();  // as SQLite stores it
  put32(8);
  put64(std::bit_cast<std::uint64_t>(value));
}
void CopyBuffer::add(std::string_view value) {
  put32(static_cast<std::uint32_t>(value.size()));
  data_.append(value);
}
void CopyBuffer::add_null() { put32(0xFFFFFFFFu); }

const std::string& CopyBuffer::finish() {
  put16(0xFFFFu);
  return data_;
}

}  // namespace organism::data::postgres

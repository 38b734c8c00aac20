#include "support/test_stores.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <stdexcept>

#include <fmt/format.h>

#include "data/sql.hpp"

namespace organism::test {
namespace {

// Runs one statement on the server's maintenance database (outside a transaction, as CREATE
// DATABASE must be), through organism's own connection.
void admin(const std::string& sql) {
  const auto conn = data::sql::open_connection(*test_server_url(), data::sql::Connection::Mode::ReadWrite);
  conn->exec(sql);
}

}  // namespace

std::optional<std::string> test_server_url() {
  const char* url = std::getenv("ORGANISM_TEST_POSTGRES");
  if (!url || !*url) return std::nullopt;
  return std::string(url);
}

std::string no_server_message() {
  return "PostgreSQL half skipped: ORGANISM_TEST_POSTGRES is not set (scripts/test starts a throwaway server with "
         "scripts/pg-cluster; it found no PostgreSQL server installed, or the test ran outside scripts/test)";
}

std::int64_t query_int(const std::string& location, const std::string& sql) {
  const auto conn = data::sql::open_connection(location, data::sql::Connection::Mode::ReadOnly);
  data::sql::Statement st(*conn, sql);
  st.step_row();
  return st.column_int(0);
}

std::string with_database(const std::string& url, const std::string& database) {
  const auto authority = url.find("://");
  const auto slash = url.find('/', authority == std::string::npos ? 0 : authority + 3);
  const auto query = url.find('?');
  const std::string base = url.substr(0, slash == std::string::npos ? (query == std::string::npos ? url.size() : query) : slash);
  return base + "/" + database + (query == std::string::npos ? "" : url.substr(query));
}

TestStoreLocation::TestStoreLocation(Backend backend) : backend_(backend) {
  if (backend == Backend::Sqlite) {
    location_ = (dir_ / "store.db").string();
    return;
  }
  const auto url = test_server_url();
  if (!url) return;
  static std::atomic<int> counter{0};
  database_ = fmt::format("organism_test_{}_{}", ::getpid(), counter++);
  admin("DROP DATABASE IF EXISTS " + database_ + " WITH (FORCE)");
  admin("CREATE DATABASE " + database_);
  location_ = with_database(*url, database_);
}

TestStoreLocation::~TestStoreLocation() {
  if (database_.empty()) return;
  try {
    admin("DROP DATABASE IF EXISTS " + database_ + " WITH (FORCE)");
  } catch (...) {  // the server's cluster is thrown away at the end of the run anyway
  }
}

}  // namespace organism::test

#include "daemon/instance_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "core/error.hpp"
#include "data/postgres.hpp"
#include "data/sql.hpp"

namespace organism::daemon {
namespace {

// The advisory lock of one daemon per server store, on a connection named after this process so
// that a second daemon, on any host, can say who holds it.
std::unique_ptr<data::sql::Connection> lock_server_store(const std::string& store_path) {
  auto conn = std::make_unique<data::postgres::Connection>(store_path, data::sql::Connection::Mode::ReadWrite);
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) std::strcpy(host, "unknown");
  conn->exec(fmt::format("SET application_name = 'organism run pid {} on {}'", ::getpid(), std::string(host).substr(0, 40)));
  if (conn->try_lock("organism run")) return conn;
  data::sql::Statement holder(*conn, R"sql(
    SELECT coalesce(string_agg(a.application_name || ' from ' || coalesce(host(a.client_addr), 'a local socket'), ', '), 'unknown')
    FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
    WHERE l.locktype = 'advisory' AND l.granted AND a.datname = current_database()
      AND a.application_name LIKE 'organism run %' AND a.pid <> pg_backend_pid())sql");
  holder.step_row();
  throw core::Error(fmt::format("store {} is in use by another `organism run` ({})", conn->path(), holder.column_text(0)));
}

}  // namespace

std::string InstanceLock::path_for_store(const std::string& store_path) {
  return data::sql::local_files_base(store_path) + ".run.lock";
}

InstanceLock InstanceLock::acquire(const std::string& store_path) {
  const std::string path = path_for_store(store_path);
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) throw core::Error(fmt::format("lock file {}: {}", path, std::strerror(errno)));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    char buffer[32] = {};
    const auto n = ::pread(fd, buffer, sizeof buffer - 1, 0);
    ::close(fd);
    if (err == EWOULDBLOCK) {
      const std::string pid = n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string("?");
      throw core::Error(fmt::format("store {} is in use by another `organism run` (pid {}; lock {})",
                                    data::sql::display_location(store_path), pid, path));
    }
    throw core::Error(fmt::format("lock file {}: {}", path, std::strerror(err)));
  }
  // The holder's pid, for the message above (the lock itself is the flock, not the text).
  const std::string pid = std::to_string(::getpid());
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
    ::close(fd);
    throw core::Error(fmt::format("lock file {}: {}", path, std::strerror(errno)));
  }
  InstanceLock lock(fd, path);
  if (data::sql::is_server_location(store_path)) lock.server_ = lock_server_store(store_path);
  return lock;
}

InstanceLock::InstanceLock(InstanceLock&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)), server_(std::move(other.server_)) {}

InstanceLock& InstanceLock::operator=(InstanceLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    path_ = std::move(other.path_);
    server_ = std::move(other.server_);
  }
  return *this;
}

InstanceLock::~InstanceLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the descriptor drops the flock
}

}  // namespace organism::daemon

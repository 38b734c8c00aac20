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
#include "data/sql.hpp"

namespace organism::daemon {

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
      throw core::Error(fmt::format("store {} is in use by another `organism run` (pid {}; lock {})", store_path,
                                    pid, path));
    }
    throw core::Error(fmt::format("lock file {}: {}", path, std::strerror(err)));
  }
  // The holder's pid, for the message above (the lock itself is the flock, not the text).
  const std::string pid = std::to_string(::getpid());
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
    ::close(fd);
    throw core::Error(fmt::format("lock file {}: {}", path, std::strerror(errno)));
  }
  return InstanceLock(fd, path);
}

InstanceLock::InstanceLock(InstanceLock&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)) {}

InstanceLock& InstanceLock::operator=(InstanceLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    path_ = std::move(other.path_);
  }
  return *this;
}

InstanceLock::~InstanceLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the descriptor drops the flock
}

}  // namespace organism::daemon

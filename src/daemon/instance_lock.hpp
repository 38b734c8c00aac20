// One `organism run` per store: an exclusive flock(2) on STORE.run.lock beside the store, held for
// the daemon's life. The kernel drops it when the process dies (kill -9 included), so a restart
// never meets a stale lock; the file keeps the holder's pid for the message a second daemon gets.
// A PostgreSQL store is shared by hosts, so the daemon also holds the store's "organism run"
// advisory lock on a connection of its own: the server drops it when that connection ends.
#pragma once

#include <memory>
#include <string>

#include "data/sql.hpp"

namespace organism::daemon {

class InstanceLock {
 public:
  // The lock file of a store: "STORE.run.lock".
  static std::string path_for_store(const std::string& store_path);
  // Takes the lock without waiting. core::Error naming the store and the holder's pid when another
  // process holds it, or naming the file when it cannot be created.
  static InstanceLock acquire(const std::string& store_path);

  InstanceLock(InstanceLock&& other) noexcept;
  InstanceLock& operator=(InstanceLock&& other) noexcept;
  InstanceLock(const InstanceLock&) = delete;
  InstanceLock& operator=(const InstanceLock&) = delete;
  ~InstanceLock();

 private:
  InstanceLock(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_ = -1;
  std::string path_;
  std::unique_ptr<data::sql::Connection> server_;  // holds the advisory lock of a server store
};

}  // namespace organism::daemon

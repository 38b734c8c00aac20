#include "runs/run_lock.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <fstream>
#include <thread>
#include <utility>

#include "core/error.hpp"

namespace organism::runs {
namespace {

std::string host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "unknown";
  return name;
}

}  // namespace

data::RunLockRecord this_process(const std::string& run_id, core::TimeMs now) {
  return {run_id, static_cast<std::int64_t>(::getpid()), host_name(), now};
}

bool holder_alive(const data::RunLockRecord& lock) {
  if (lock.host != host_name()) return true;
  if (lock.pid == ::getpid()) return true;
  // EPERM: the pid lives but belongs to another user; ESRCH: no such process.
  if (::kill(static_cast<pid_t>(lock.pid), 0) != 0 && errno == ESRCH) return false;
  // A process that ended but was not reaped yet (a zombie: its parent, e.g. mpirun, is gone or
  // busy) still answers kill(pid, 0); /proc says it is dead (Linux; elsewhere it counts as alive).
  std::ifstream stat(fmt::format("/proc/{}/stat", lock.pid));
  std::string line;
  if (!std::getline(stat, line)) return true;
  const auto after_name = line.rfind(')');  // the name may hold spaces and parentheses
  if (after_name == std::string::npos || after_name + 2 >= line.size()) return true;
  const char state = line[after_name + 2];
  return state != 'Z' && state != 'X';
}

bool run_in_progress(data::Store& store, const std::string& run_id) {
  if (store.on_server()) {
    if (!store.try_own_run(run_id)) return true;
    store.release_run(run_id);
    return false;
  }
  const auto lock = store.load_run_lock(run_id);
  return lock && holder_alive(*lock);
}

namespace {

// Takes the run's advisory lock. When the holder named by the run's row is a process of this host
// that is gone (killed), its lock is about to go too: the server releases a closed connection's
// locks when its backend exits, moments after the socket closes. Asked again for up to 10 s then,
// so that `evolve --resume` right after a kill -9 takes the run instead of meeting a dead holder.
bool owned_soon(data::Store& store, const std::string& run_id) {
  if (store.try_own_run(run_id)) return true;
  const auto holder = store.load_run_lock(run_id);
  if (!holder || holder_alive(*holder)) return false;
  for (int attempt = 0; attempt < 200; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (store.try_own_run(run_id)) return true;
  }
  return false;
}

}  // namespace

RunLock RunLock::acquire(data::Store& store, const std::string& run_id, core::TimeMs now) {
  const auto self = this_process(run_id, now);
  // A server store: whoever holds the run's advisory lock executes it, on any host, and a killed
  // process's lock ended with its connection. The row only says who.
  if (!owned_soon(store, run_id)) {
    const auto holder = store.load_run_lock(run_id);
    throw core::Error(holder ? fmt::format("run '{}' is being executed by process {} on {} (since {}); wait for it to "
                                           "end or stop it (kill -TERM {} on {}) and try again",
                                           run_id, holder->pid, holder->host, core::format_utc(holder->started),
                                           holder->pid, holder->host)
                             : fmt::format("run '{}' is being executed by another process; wait for it to end and try again",
                                           run_id));
  }
  try {
    if (const auto holder = store.load_run_lock(run_id)) {
      if (!store.on_server() && holder_alive(*holder)) {
        throw core::Error(fmt::format("run '{}' is being executed by process {} on {} (since {}); wait for it to end or "
                                      "stop it (kill -TERM {}) and try again",
                                      run_id, holder->pid, holder->host, core::format_utc(holder->started), holder->pid));
      }
      spdlog::warn("run {}: process {} on {} that executed it is gone (killed?); taking the run over from its last "
                   "checkpoint",
                   run_id, holder->pid, holder->host);
    }
    store.save_run_lock(self);
  } catch (...) {
    // The error going up is the one to report. On a server store it may have aborted the caller's
    // transaction, where the unlock cannot run either: the lock then ends with the connection.
    try {
      store.release_run(run_id);
    } catch (const std::exception& e) {
      spdlog::debug("run {}: lock not released after the failure: {}", run_id, e.what());
    }
    throw;
  }
  RunLock lock;
  lock.store_ = &store;
  lock.lock_ = self;
  return lock;
}

RunLock::RunLock(RunLock&& other) noexcept
    : store_(std::exchange(other.store_, nullptr)), lock_(std::move(other.lock_)) {}

RunLock& RunLock::operator=(RunLock&& other) noexcept {
  if (this != &other) {
    release();
    store_ = std::exchange(other.store_, nullptr);
    lock_ = std::move(other.lock_);
  }
  return *this;
}

RunLock::~RunLock() { release(); }

void RunLock::release() noexcept {
  if (!store_) return;
  try {
    store_->delete_run_lock(lock_);
    store_->release_run(lock_.run_id);
  } catch (const std::exception& e) {
    // The next process will find the lock stale (this one is gone) and take it over.
    spdlog::warn("run {}: could not release its lock: {}", lock_.run_id, e.what());
  }
  store_ = nullptr;
}

}  // namespace organism::runs

#include "daemon/status_publisher.hpp"

#include <spdlog/spdlog.h>

#include "daemon/state_file.hpp"

namespace organism::daemon {

StatusPublisher::StatusPublisher(std::string state_path, monitor::DaemonStatus initial)
    : path_(std::move(state_path)), status_(std::move(initial)) {}

core::TimeMs StatusPublisher::wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void StatusPublisher::set_connected(bool connected) {
  if (written_ && connected == status_.exchange_connected) return;
  status_.exchange_connected = connected;
  status_.exchange_since_ms = wall_ms();
  publish(true);
}

void StatusPublisher::error(const std::string& message) {
  status_.errors.push_back(monitor::DaemonError{wall_ms(), message});
  if (status_.errors.size() > monitor::DaemonStatus::kMaxErrors)
    status_.errors.erase(status_.errors.begin(),
                         status_.errors.begin() +
                             static_cast<std::ptrdiff_t>(status_.errors.size() - monitor::DaemonStatus::kMaxErrors));
  publish(true);
}

void StatusPublisher::publish(bool force) {
  const auto now = std::chrono::steady_clock::now();
  if (!force && written_ && now - last_write_ < std::chrono::seconds(1)) return;
  status_.heartbeat_ms = wall_ms();
  try {
    write_state_key(path_, "daemon", monitor::to_json(status_));
    written_ = true;
    last_write_ = now;
  } catch (const std::exception& e) {
    if (now - last_failure_log_ >= std::chrono::minutes(1)) {
      spdlog::warn("daemon status: cannot write {}: {}", path_, e.what());
      last_failure_log_ = now;
    }
  }
}

}  // namespace organism::daemon

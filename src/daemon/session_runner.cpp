#include "daemon/session_runner.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/error.hpp"

namespace organism::daemon {

namespace {
// The daemon reads each bar once it has closed on its own clock, which a fast replay can leave
// behind a session's decisions by many bars: 85 days of hourly bars.
constexpr std::size_t kBarsKept = 2048;
}

SessionRunner::SessionRunner(std::string name, exec::SessionOptions options, Say say)
    : name_(std::move(name)), options_(std::move(options)), say_(std::move(say)) {
  thread_ = std::thread([this] { run(); });
}

SessionRunner::~SessionRunner() { stop(); }

void SessionRunner::stop() {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
}

void SessionRunner::request_flatten() {
  // Written before stop_ is set; the session reads it only after it saw stop_ (seq_cst), so the
  // write happens before the read.
  options_.flatten_on_exit = true;
}

void SessionRunner::run() {
  exec::SessionCallbacks cb;
  cb.note = [this](const std::string& text) { say_(fmt::format("{}: {}", name_, text)); };
  cb.reconciled = [this](const exec::ReconcileReport& r) {
    say_(fmt::format("{}: reconciled: {} open orders checked, {} closed, {} fills recovered", name_,
                     r.orders_checked, r.orders_closed, r.fills_recovered));
  };
  cb.started = [this] {
    std::lock_guard lock(mutex_);
    state_.started = true;
    changed_.notify_all();
  };
  cb.bar = [this](const exec::BarReport& report, std::size_t open_orders) {
    say_(fmt::format("{}: {}", name_, exec::format_status(report, open_orders)));
    for (const auto& note : report.paused) say_(fmt::format("{}: paused: {}", name_, note));
    for (const auto& reason : report.check_reasons) say_(fmt::format("{}: check: {}", name_, reason));
    for (const auto& refused : report.submitted.refused) say_(fmt::format("{}: refused: {}", name_, refused));
    std::lock_guard lock(mutex_);
    state_.bars[report.time] = report.strategies;
    while (state_.bars.size() > kBarsKept) state_.bars.erase(state_.bars.begin());
    state_.decided = std::max(state_.decided, report.time);
    state_.open_orders = open_orders;
    for (const auto& s : report.strategies) {
      if (s.paused && std::find(state_.paused.begin(), state_.paused.end(), s.id) == state_.paused.end())
        state_.paused.push_back(s.id);
    }
    changed_.notify_all();
  };
  exec::SessionSummary summary;
  std::string error;
  try {
    summary = exec::run_trading_session(options_, cb, stop_);
  } catch (const std::exception& e) {
    error = e.what();
    say_(fmt::format("{}: session failed: {}", name_, error));
  }
  std::lock_guard lock(mutex_);
  summary_ = summary;
  state_.finished = true;
  state_.error = error;
  changed_.notify_all();
}

void SessionRunner::wait_started(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, timeout, [this] { return state_.started || state_.finished; });
}

bool SessionRunner::wait_decided(core::TimeMs time, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return state_.decided >= time || state_.finished; }) &&
         state_.decided >= time;
}

SessionSnapshot SessionRunner::snapshot() const {
  std::lock_guard lock(mutex_);
  return state_;
}

std::vector<std::string> SessionRunner::ids() const {
  std::vector<std::string> out;
  for (const auto& slot : options_.slots) out.push_back(slot.id);
  return out;
}

exec::SessionSummary SessionRunner::summary() const {
  std::lock_guard lock(mutex_);
  return summary_;
}

}  // namespace organism::daemon

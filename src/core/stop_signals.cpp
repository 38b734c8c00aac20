#include "core/stop_signals.hpp"

#include <stdexcept>

namespace organism::core {
namespace {

std::atomic<bool> g_stop{false};
std::atomic<int> g_signal{0};
std::atomic<bool> g_installed{false};
std::atomic<bool> g_reload{false};
std::atomic<bool> g_reload_installed{false};
static_assert(std::atomic<bool>::is_always_lock_free && std::atomic<int>::is_always_lock_free);

extern "C" void on_stop_signal(int signal) {
  int none = 0;
  g_signal.compare_exchange_strong(none, signal);  // the first one names the stop
  g_stop.store(true);
}

extern "C" void on_reload_signal(int) { g_reload.store(true); }

}  // namespace

StopSignals::StopSignals(std::initializer_list<int> signals) {
  if (g_installed.exchange(true)) throw std::logic_error("StopSignals: one at a time");
  g_stop.store(false);
  g_signal.store(0);
  struct sigaction action{};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;  // a read or write in progress goes on; the token is polled
  for (int s : signals) {
    Previous p{s, {}};
    sigaction(s, &action, &p.action);
    previous_.push_back(p);
  }
}

StopSignals::~StopSignals() {
  for (auto it = previous_.rbegin(); it != previous_.rend(); ++it) sigaction(it->signal, &it->action, nullptr);
  g_installed.store(false);
}

const std::atomic<bool>& StopSignals::token() const { return g_stop; }

std::string_view StopSignals::received() const {
  switch (g_signal.load()) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    case SIGHUP: return "SIGHUP";
    case 0: return "";
    default: return "a signal";
  }
}

ReloadSignal::ReloadSignal() {
  if (g_reload_installed.exchange(true)) throw std::logic_error("ReloadSignal: one at a time");
  g_reload.store(false);
  struct sigaction action{};
  action.sa_handler = on_reload_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGHUP, &action, &previous_);
}

ReloadSignal::~ReloadSignal() {
  sigaction(SIGHUP, &previous_, nullptr);
  g_reload_installed.store(false);
}

bool ReloadSignal::take() { return g_reload.exchange(false); }

}  // namespace organism::core

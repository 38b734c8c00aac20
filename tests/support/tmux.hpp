// A terminal for tests: a tmux server on its own socket (killed at the end whatever happens) that
// runs one command in a pane of a given size; capture-pane reads the screen back and send-keys
// types. Used by the dashboard's tests (monitor/dashboard_tmux_test.cpp, daemon/monitor_e2e_test.cpp).
#pragma once

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <thread>

namespace organism::test {

// Runs `command` in sh; its stdout and stderr.
inline std::string shell(const std::string& command) {
  std::string out;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen((command + " 2>&1").c_str(), "r"), ::pclose);
  if (!pipe) return out;
  char buffer[4096];
  while (const std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe.get())) out.append(buffer, n);
  return out;
}

inline bool have_tmux() { return std::system("tmux -V >/dev/null 2>&1") == 0; }

// One tmux server on its own socket, killed at the end whatever happens.
class Tmux {
 public:
  Tmux() : socket_("test-tmux-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++)) {}
  ~Tmux() { shell(base() + " kill-server"); }
  std::string base() const { return "LC_ALL=C.UTF-8 tmux -u -f /dev/null -L " + socket_; }
  void start(const std::string& command, int width, int height) {
    shell(base() + " new-session -d -s main -x " + std::to_string(width) + " -y " + std::to_string(height) + " '" +
          command + "'");
  }
  std::string capture(bool escapes = false) const {
    return shell(base() + " capture-pane -p" + (escapes ? " -e" : "") + " -t main");
  }
  void keys(const std::string& keys) const { shell(base() + " send-keys -t main " + keys); }
  void resize(int width, int height) const {
    shell(base() + " resize-window -t main -x " + std::to_string(width) + " -y " + std::to_string(height));
  }
  // Polls the screen until `ok` holds (true) or 15 s pass (false); `last` keeps the final capture.
  bool wait_for(const std::function<bool(const std::string&)>& ok, std::string& last) const {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (std::chrono::steady_clock::now() < until) {
      last = capture();
      if (ok(last)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

 private:
  static inline int counter_ = 0;
  std::string socket_;
};

}  // namespace organism::test

// The organism binary as a background process a test can watch and signal: wait for a line on
// its stderr, send it a signal (as a user, a service manager or kill -9 would), collect its end.
// Used by the run safety tests (run_safety_test.cpp), which need two processes at once.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "support/test_support.hpp"

namespace organism::test {

class BackgroundOrganism {
 public:
  BackgroundOrganism(const std::vector<std::string>& args, const std::vector<std::string>& env = {})
      : pid_(spawn_organism(args, env, tmp_)) {}
  ~BackgroundOrganism() {
    if (!done_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  BackgroundOrganism(const BackgroundOrganism&) = delete;
  BackgroundOrganism& operator=(const BackgroundOrganism&) = delete;

  pid_t pid() const { return pid_; }
  std::string err() const { return read_file(tmp_ / "stderr"); }
  std::string out() const { return read_file(tmp_ / "stdout"); }

  // True once `text` is on its stderr; false if it ended first or after two minutes.
  bool wait_for(const std::string& text) { return wait_in(text, false); }
  // The same on its stdout (the trading sessions' status lines).
  bool wait_for_out(const std::string& text) { return wait_in(text, true); }
  void signal(int sig) { kill(pid_, sig); }
  // False once it has ended (reaped here; collect() then gives its result).
  bool running() {
    if (done_) return false;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) != pid_) return true;
    finish(status);
    return false;
  }
  RunResult collect() {
    if (!done_) {
      int status = 0;
      waitpid(pid_, &status, 0);
      finish(status);
    }
    return result_;
  }

 private:
  bool wait_in(const std::string& text, bool on_stdout) {
    auto seen = [&] { return (on_stdout ? out() : err()).find(text) != std::string::npos; };
    for (int waited_ms = 0; waited_ms < 120'000; waited_ms += 2) {
      if (seen()) return true;
      if (done_) return false;
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        finish(status);
        return seen();
      }
      usleep(2'000);
    }
    return false;
  }
  void finish(int status) {
    done_ = true;
    result_.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    result_.out = read_file(tmp_ / "stdout");
    result_.err = read_file(tmp_ / "stderr");
  }
  TempDir tmp_;
  pid_t pid_ = 0;
  bool done_ = false;
  RunResult result_;
};

}  // namespace organism::test

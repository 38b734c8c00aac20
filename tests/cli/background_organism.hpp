// The organism binary as a background process a test can watch and signal: wait for a line on
// its stderr, send it a signal (as a user, a service manager or kill -9 would), collect its end.
// Used by the run safety tests (run_safety_test.cpp), which need two processes at once.
#pragma once

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <fcntl.h>

#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/test_support.hpp"

extern char** environ;

namespace organism::test {

class BackgroundOrganism {
 public:
  BackgroundOrganism(const std::vector<std::string>& args, const std::vector<std::string>& env = {}) {
    const auto out = tmp_ / "stdout", err = tmp_ / "stderr";
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<std::string> argv_s{ORGANISM_BINARY};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_s;  // as run_organism: no ORGANISM_* from the test's environment
    for (char** e = environ; *e; ++e) {
      if (std::strncmp(*e, "ORGANISM_", 9) != 0) env_s.emplace_back(*e);
    }
    env_s.insert(env_s.end(), env.begin(), env.end());
    std::vector<char*> envp;
    for (auto& e : env_s) envp.push_back(e.data());
    envp.push_back(nullptr);
    const int rc = posix_spawn(&pid_, ORGANISM_BINARY, &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error("cannot start " + std::string(ORGANISM_BINARY));
  }
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

  // True once `text` is on its stderr; false if it ended first or after two minutes.
  bool wait_for(const std::string& text) {
    for (int waited_ms = 0; waited_ms < 120'000; waited_ms += 10) {
      if (err().find(text) != std::string::npos) return true;
      if (done_) return false;
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        finish(status);
        return err().find(text) != std::string::npos;
      }
      usleep(10'000);
    }
    return false;
  }
  void signal(int sig) { kill(pid_, sig); }
  RunResult collect() {
    if (!done_) {
      int status = 0;
      waitpid(pid_, &status, 0);
      finish(status);
    }
    return result_;
  }

 private:
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

// Helpers of the deployment tests (deploy_test.cpp): the repository's deploy files with their
// system paths replaced by temporary ones, a foreground supervisord on such a file and its
// supervisorctl, the holder of a flock(2) from /proc/locks, and the Dockerfile checker.
#pragma once

#include <sys/types.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "support/test_support.hpp"

namespace organism::test::deploy {

// The repository root (where deploy/ and the Dockerfile are).
std::string source_dir();

// `text` with every key of `paths` replaced by its value, longest keys first (so that
// "/var/lib/organism/organism.db" wins over "/var/lib/organism").
std::string replace_paths(std::string text, const std::map<std::string, std::string>& paths);
// `conf` with the value of the first line starting with `key=` replaced (the line removed when
// `value` is nullopt).
std::string set_line(std::string conf, const std::string& key, const std::optional<std::string>& value);

// supervisord -n -c FILE as a child process; stops it (SIGTERM, then SIGKILL) on destruction.
class Supervisor {
 public:
  Supervisor(const std::string& conf_path, const std::string& log_dir);
  ~Supervisor();
  Supervisor(const Supervisor&) = delete;
  Supervisor& operator=(const Supervisor&) = delete;
  bool alive() const;
  // supervisorctl -c FILE ARGS; its output (stdout and stderr) and exit code.
  RunResult ctl(const std::string& args) const;
  // The pid of program `name` (0 when not running), from `supervisorctl pid`.
  pid_t pid_of(const std::string& name) const;
  // Waits up to `seconds` for pid_of(name) to be non-zero and different from `other`.
  pid_t wait_for_pid(const std::string& name, pid_t other, double seconds) const;
  // Stops supervisord (which stops its programs) and returns its exit code.
  int stop();

 private:
  std::string conf_;
  pid_t pid_ = -1;
  mutable bool reaped_ = false;
  mutable int status_ = 0;
};

// The pid holding a flock(2) on `path` according to /proc/locks, or 0 when none holds it. Read
// without touching the lock, so a test cannot steal it from the daemon.
pid_t flock_holder(const std::string& path);

// The Dockerfile's problems (empty when none): a debian:bookworm base, no ADD of a URL, scripts/setup
// run, a VOLUME, a final USER that is not root, and `organism run` as the command the container
// runs (ENTRYPOINT + CMD in exec form).
std::vector<std::string> dockerfile_problems(const std::string& text);

// Waits up to `seconds` for `predicate`, polling every 50 ms.
template <class F>
bool eventually(F predicate, double seconds);

}  // namespace organism::test::deploy

#include <chrono>
#include <thread>

template <class F>
bool organism::test::deploy::eventually(F predicate, double seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    if (predicate()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return predicate();
}

#include "support/test_support.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace organism::test {

TempDir::TempDir() {
  static std::atomic<int> counter{0};
  std::random_device rd;
  for (int attempt = 0; attempt < 100; ++attempt) {
    fs::path p = fs::temp_directory_path() /
                 ("organism-test-" + std::to_string(::getpid()) + "-" +
                  std::to_string(counter++) + "-" + std::to_string(rd() % 100000));
    std::error_code ec;
    if (fs::create_directory(p, ec)) {
      path_ = p;
      return;
    }
  }
  throw std::runtime_error("cannot create a temporary folder");
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::optional<fs::path> shared_dir() {
  fs::path p = ORGANISM_SHARED_DIR;
  if (fs::is_directory(p / "data")) return fs::canonical(p);
  return std::nullopt;
}

static bool ends_with_gz(const fs::path& path) { return path.extension() == ".gz"; }

void write_file(const fs::path& path, const std::string& text) {
  if (ends_with_gz(path)) {
    gzFile f = gzopen(path.c_str(), "wb");
    if (!f) throw std::runtime_error("cannot write " + path.string());
    if (!text.empty()) gzwrite(f, text.data(), static_cast<unsigned>(text.size()));
    gzclose(f);
    return;
  }
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::string read_file(const fs::path& path) {
  gzFile f = gzopen(path.c_str(), "rb");  // reads plain files too
  if (!f) throw std::runtime_error("cannot read " + path.string());
  std::string out;
  char buf[1 << 16];
  int n;
  while ((n = gzread(f, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
  gzclose(f);
  return out;
}


// Starts the binary with stdout and stderr going to files in `tmp` (files, not pipes, so large
// outputs cannot deadlock) and returns its pid.
pid_t spawn_organism(const std::vector<std::string>& args, const std::vector<std::string>& env, const TempDir& tmp) {
  const fs::path out_path = tmp / "stdout", err_path = tmp / "stderr";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);

  std::vector<std::string> argv_s{ORGANISM_BINARY};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);

  std::vector<std::string> env_s;
  for (char** e = environ; *e; ++e) {
    if (std::strncmp(*e, "ORGANISM_", 9) != 0) env_s.emplace_back(*e);
  }
  env_s.insert(env_s.end(), env.begin(), env.end());
  std::vector<char*> envp;
  for (auto& e : env_s) envp.push_back(e.data());
  envp.push_back(nullptr);

  pid_t pid;
  const int rc = posix_spawn(&pid, ORGANISM_BINARY, &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + std::string(ORGANISM_BINARY));
  return pid;
}

pid_t spawn_logged(const std::vector<std::string>& argv, const fs::path& log, const std::vector<std::string>& env) {
  const pid_t pid = fork();
  if (pid == 0) {
    for (const auto& e : env) putenv(const_cast<char*>(e.c_str()));
    std::FILE* f = std::fopen(log.c_str(), "w");
    dup2(fileno(f), 1);
    dup2(fileno(f), 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  return pid;
}

namespace {

RunResult collect(pid_t pid, const TempDir& tmp) {
  int status = 0;
  waitpid(pid, &status, 0);
  RunResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = read_file(tmp / "stdout");
  result.err = read_file(tmp / "stderr");
  return result;
}

}  // namespace

RunResult run_organism(const std::vector<std::string>& args, const std::vector<std::string>& env) {
  TempDir tmp;
  return collect(spawn_organism(args, env, tmp), tmp);
}

RunResult run_organism_interrupted(const std::vector<std::string>& args, const std::string& wait_for,
                                   const std::vector<std::string>& env) {
  TempDir tmp;
  const pid_t pid = spawn_organism(args, env, tmp);
  for (int waited_ms = 0; waited_ms < 120'000; waited_ms += 10) {
    if (read_file(tmp / "stderr").find(wait_for) != std::string::npos) break;
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {  // ended before the text appeared
      RunResult r;
      r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      r.out = read_file(tmp / "stdout");
      r.err = read_file(tmp / "stderr");
      return r;
    }
    usleep(10'000);
  }
  kill(pid, SIGINT);
  return collect(pid, tmp);
}

}  // namespace organism::test

// Deployment test helpers (deploy_support.hpp).
#include "daemon/deploy_support.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <regex>
#include <sstream>

namespace organism::test::deploy {

std::string source_dir() { return ORGANISM_SOURCE_DIR; }

std::string replace_paths(std::string text, const std::map<std::string, std::string>& paths) {
  std::vector<std::pair<std::string, std::string>> order(paths.begin(), paths.end());
  std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  for (const auto& [from, to] : order) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
      text.replace(at, from.size(), to);
  }
  return text;
}

std::string set_line(std::string conf, const std::string& key, const std::optional<std::string>& value) {
  const auto at = conf.starts_with(key + "=") ? 0 : conf.find("\n" + key + "=");
  if (at == std::string::npos) return conf;
  const auto begin = at == 0 ? 0 : at + 1;
  const auto end = conf.find('\n', begin);
  const auto stop = end == std::string::npos ? conf.size() : end + 1;
  conf.replace(begin, stop - begin, value ? key + "=" + *value + "\n" : "");
  return conf;
}

Supervisor::Supervisor(const std::string& conf_path, const std::string& log_dir) : conf_(conf_path) {
  pid_ = fork();
  if (pid_ == 0) {
    const std::string out = log_dir + "/supervisord.stdout";
    const int fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
    }
    execlp("supervisord", "supervisord", "-n", "-c", conf_path.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
}

Supervisor::~Supervisor() {
  if (alive()) stop();
}

bool Supervisor::alive() const {
  if (pid_ <= 0 || reaped_) return false;
  if (waitpid(pid_, &status_, WNOHANG) == pid_) {
    reaped_ = true;
    return false;
  }
  return true;
}

RunResult Supervisor::ctl(const std::string& args) const {
  RunResult r;
  const std::string command = "supervisorctl -c '" + conf_ + "' " + args + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return r;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) r.out.append(buffer, n);
  const int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

pid_t Supervisor::pid_of(const std::string& name) const {
  const auto r = ctl("pid " + name);
  try {
    return static_cast<pid_t>(std::stol(r.out));
  } catch (const std::exception&) {
    return 0;  // not a number: supervisord not answering yet
  }
}

pid_t Supervisor::wait_for_pid(const std::string& name, pid_t other, double seconds) const {
  pid_t pid = 0;
  eventually([&] {
    pid = pid_of(name);
    return pid != 0 && pid != other;
  }, seconds);
  return pid != other ? pid : 0;
}

int Supervisor::stop() {
  if (!alive()) return WIFEXITED(status_) ? WEXITSTATUS(status_) : 128 + WTERMSIG(status_);
  kill(pid_, SIGTERM);
  const bool ended = eventually([&] { return !alive(); }, 150);
  if (!ended) {
    kill(pid_, SIGKILL);
    waitpid(pid_, &status_, 0);
    reaped_ = true;
  }
  return WIFEXITED(status_) ? WEXITSTATUS(status_) : 128 + WTERMSIG(status_);
}

pid_t flock_holder(const std::string& path) {
  struct stat st{};
  if (stat(path.c_str(), &st) != 0) return 0;
  // Lines: "1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF" (device in hex, inode in decimal).
  std::ifstream locks("/proc/locks");
  std::string line;
  const std::string inode = fmt::format(":{}", st.st_ino);
  while (std::getline(locks, line)) {
    std::istringstream in(line);
    std::string id, kind, mode, access, pid, file;
    if (!(in >> id >> kind)) continue;
    if (kind == "->") in >> kind;  // a waiter's line
    if (!(in >> mode >> access >> pid >> file) || kind != "FLOCK") continue;
    if (file.size() > inode.size() && file.ends_with(inode)) return static_cast<pid_t>(std::stol(pid));
  }
  return 0;
}

std::vector<std::string> dockerfile_problems(const std::string& text) {
  // Join continuation lines, drop comments, split into instructions.
  std::vector<std::string> lines;
  std::string current, raw;
  std::istringstream in(text);
  while (std::getline(in, raw)) {
    const auto first = raw.find_first_not_of(" \t");
    if (first == std::string::npos || raw[first] == '#') continue;
    if (!raw.empty() && raw.back() == '\\') {
      current += raw.substr(0, raw.size() - 1) + " ";
      continue;
    }
    lines.push_back(current + raw);
    current.clear();
  }
  if (!current.empty()) lines.push_back(current);
  std::vector<std::string> problems;
  const auto keyword = [](const std::string& line) {
    std::string k = line.substr(line.find_first_not_of(" \t"));
    k = k.substr(0, k.find_first_of(" \t"));
    std::transform(k.begin(), k.end(), k.begin(), ::toupper);
    return k;
  };
  const auto rest = [](const std::string& line) {
    const auto start = line.find_first_not_of(" \t");
    const auto space = line.find_first_of(" \t", start);
    return space == std::string::npos ? std::string() : line.substr(line.find_first_not_of(" \t", space));
  };
  std::vector<std::string> froms, users;
  bool volume = false, setup = false;
  std::string entrypoint, cmd;
  // Exec form ["a", "b"] to "a b"; shell form unchanged.
  const auto words = [](std::string value) {
    if (!value.starts_with("[")) return value;
    static const std::regex quoted("\"([^\"]*)\"");
    std::string out;
    for (std::sregex_iterator it(value.begin(), value.end(), quoted), end; it != end; ++it)
      {
      if (!out.empty()) out += ' ';
      out += (*it)[1].str();
    }
    return out;
  };
  for (const auto& line : lines) {
    const auto k = keyword(line);
    const auto value = rest(line);
    if (k == "FROM") froms.push_back(value);
    if (k == "USER") users.push_back(value);
    if (k == "VOLUME") volume = true;
    if (k == "RUN" && std::regex_search(value, std::regex(R"((^|[\s;&/.])scripts/setup(\s|$))"))) setup = true;
    if (k == "ADD" && std::regex_search(value, std::regex(R"(https?://|ftp://|git@)"))) {
      problems.push_back("ADD of a URL: " + value);
    }
    if (k == "ENTRYPOINT") entrypoint = words(value);
    if (k == "CMD") cmd = words(value);
  }
  if (froms.empty() || !std::regex_match(froms.front(), std::regex(R"(debian:bookworm(-slim)?(@sha256:[0-9a-f]+)?(\s.*)?)")))
    problems.push_back("the base image is not debian:bookworm");
  if (!setup) problems.push_back("scripts/setup is not run");
  if (!volume) problems.push_back("no VOLUME for the store");
  if (users.empty()) {
    problems.push_back("no USER: the container would run as root");
  } else {
    const auto user = users.back().substr(0, users.back().find(':'));
    if (user == "root" || user == "0") problems.push_back("the final USER is root");
  }
  const std::string command = entrypoint + (entrypoint.empty() || cmd.empty() ? "" : " ") + cmd;
  if (!std::regex_search(command, std::regex(R"((^|[\s/])organism run(\s|$))")))
    problems.push_back("the container does not run 'organism run' (entry command: '" + command + "')");
  return problems;
}

}  // namespace organism::test::deploy

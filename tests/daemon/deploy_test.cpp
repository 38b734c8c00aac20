// The deployment files (deploy/, Dockerfile; docs/operations.md "Running the organism"), run for
// real where the machine allows: deploy/supervisord.conf under a foreground supervisord with its
// system paths replaced by temporary ones restarts a kill -9'd program and stops it with SIGTERM;
// with `organism run` the restarted daemon holds the store's lock again. The Dockerfile is built
// when a Docker daemon answers, and always checked by dockerfile_problems (Debian has no hadolint).
#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "daemon/deploy_support.hpp"
#include "daemon/instance_lock.hpp"
#include "exchange/sim_server_process.hpp"

namespace organism::test {
namespace {

using deploy::eventually;

bool have(const char* tool) {
  return std::system((std::string("command -v ") + tool + " >/dev/null 2>&1").c_str()) == 0;
}

// deploy/supervisord.conf for a test: every system path under `dir`, no `user=` (the test cannot
// create the organism user), and the program's command `command` when given.
std::string local_supervisor_conf(const TempDir& dir, const std::string& store, const std::string& config,
                                  const std::optional<std::string>& command) {
  for (const char* sub : {"run", "log", "lib"}) std::filesystem::create_directories(dir / sub);
  std::string conf = read_file(deploy::source_dir() + "/deploy/supervisord.conf");
  conf = deploy::replace_paths(conf, {{"/run/organism", (dir / "run").string()},
                                      {"/var/log/organism", (dir / "log").string()},
                                      {"/var/lib/organism/organism.db", store},
                                      {"/var/lib/organism", (dir / "lib").string()},
                                      {"/etc/organism/organism.toml", config},
                                      {"/usr/local/bin/organism", ORGANISM_BINARY}});
  conf = deploy::set_line(conf, "user", std::nullopt);
  if (command) conf = deploy::set_line(conf, "command", *command);
  return conf;
}

std::string proc_cmdline(pid_t pid) {
  std::string text = read_file("/proc/" + std::to_string(pid) + "/cmdline");
  std::replace(text.begin(), text.end(), '\0', ' ');
  return text;
}

TEST(DeploySupervisor, ShippedConfRestartsAKilledProgramAndStopsItWithSigterm) {
  if (!have("supervisord") || !have("supervisorctl"))
    GTEST_SKIP() << "supervisord is not installed (scripts/setup installs Debian's supervisor)";
  // The mechanics with a long-running command that exits 0 on SIGTERM: organism exchange-sim.
  TempDir dir;
  const std::string conf_path = (dir / "supervisord.conf").string();
  write_file(conf_path, local_supervisor_conf(dir, sim_test_store(), "unused.toml",
                                              std::string(ORGANISM_BINARY) + " --db " + sim_test_store() +
                                                  " exchange-sim --speed 0 --port 0"));
  deploy::Supervisor sup(conf_path, (dir / "log").string());
  const pid_t first = sup.wait_for_pid("organism", 0, 20);
  ASSERT_NE(first, 0) << sup.ctl("status").out << read_file(dir / "log/supervisord.log");
  EXPECT_NE(proc_cmdline(first).find("exchange-sim"), std::string::npos) << proc_cmdline(first);
  const auto out_log = dir / "log/organism.out.log";
  ASSERT_TRUE(eventually([&] { return std::filesystem::exists(out_log) && read_file(out_log).find("listening on") != std::string::npos; }, 20));

  ASSERT_EQ(kill(first, SIGKILL), 0);
  const pid_t second = sup.wait_for_pid("organism", first, 30);
  ASSERT_NE(second, 0) << read_file(dir / "log/supervisord.log");
  EXPECT_NE(second, first);
  // The new process serves again: a second listening line in the same log.
  EXPECT_TRUE(eventually([&] {
    const auto text = read_file(out_log);
    return text.find("listening on") != text.rfind("listening on");
  }, 20)) << read_file(out_log);
  const auto log = read_file(dir / "log/supervisord.log");
  EXPECT_NE(log.find("exited: organism (terminated by SIGKILL; not expected)"), std::string::npos) << log;

  const auto stopped = sup.ctl("stop organism");
  EXPECT_NE(stopped.out.find("organism: stopped"), std::string::npos) << stopped.out;
  EXPECT_NE(kill(second, 0), 0);  // gone
  // SIGTERM (stopsignal=TERM) and a clean exit: status 0, the simulator's own stop line.
  EXPECT_NE(read_file(dir / "log/supervisord.log").find("stopped: organism (exit status 0)"), std::string::npos)
      << read_file(dir / "log/supervisord.log");
  EXPECT_NE(read_file(dir / "log/organism.err.log").find("exchange-sim: stopped by SIGTERM"), std::string::npos)
      << read_file(dir / "log/organism.err.log");
  EXPECT_EQ(sup.stop(), 0);
}

TEST(DeploySupervisor, OrganismRunIsRestartedAfterKill9AndHoldsTheStoreLockAgain) {
  if (!have("supervisord") || !have("supervisorctl"))
    GTEST_SKIP() << "supervisord is not installed (scripts/setup installs Debian's supervisor)";
  if (run_organism({"run", "--help"}).exit_code != 0)
    GTEST_SKIP() << "'organism run' is not in this build (helper daemon's branch not merged yet)";
  TempDir dir;
  // The daemon's own store: a copy of the simulator's market (BTC and ETH 1m bars).
  const std::string store = (dir / "organism.db").string();
  ASSERT_EQ(run_organism({"--db", sim_test_store(), "data", "backup", "--out", store}).exit_code, 0);
  const std::string config = (dir / "organism.toml").string();
  write_file(config, "[evolve]\ncoins = \"BTC,ETH\"\ninterval = \"1m\"\n");
  SimProcess sim({"--speed", "0"});
  ASSERT_TRUE(sim.started());
  const std::string url = "http://127.0.0.1:" + std::to_string(sim.port());
  // The shipped command line, pointed at the simulator.
  std::string conf = local_supervisor_conf(dir, store, config, std::nullopt);
  conf = deploy::replace_paths(conf, {{"--db " + store, "--db " + store + " --url " + url + " --paper"}});
  ASSERT_NE(conf.find("run --config " + config + " --db " + store + " --url " + url), std::string::npos) << conf;
  const std::string conf_path = (dir / "supervisord.conf").string();
  write_file(conf_path, conf);
  const std::string lock = daemon::InstanceLock::path_for_store(store);

  deploy::Supervisor sup(conf_path, (dir / "log").string());
  const pid_t first = sup.wait_for_pid("organism", 0, 20);
  ASSERT_NE(first, 0) << read_file(dir / "log/supervisord.log");
  ASSERT_TRUE(eventually([&] { return deploy::flock_holder(lock) == first; }, 30))
      << "holder " << deploy::flock_holder(lock) << ", daemon " << first << "\n"
      << read_file(dir / "log/organism.err.log");

  ASSERT_EQ(kill(first, SIGKILL), 0);
  const pid_t second = sup.wait_for_pid("organism", first, 30);
  ASSERT_NE(second, 0) << read_file(dir / "log/supervisord.log");
  // The kernel freed the dead daemon's lock; the new one took it.
  EXPECT_TRUE(eventually([&] { return deploy::flock_holder(lock) == second; }, 30))
      << "holder " << deploy::flock_holder(lock) << ", daemon " << second << "\n"
      << read_file(dir / "log/organism.err.log");

  const auto stopped = sup.ctl("stop organism");
  EXPECT_NE(stopped.out.find("organism: stopped"), std::string::npos) << stopped.out;
  const auto log = read_file(dir / "log/supervisord.log");
  EXPECT_NE(log.find("stopped: organism (exit status 0)"), std::string::npos) << log;
  EXPECT_EQ(deploy::flock_holder(lock), 0);
  EXPECT_EQ(sup.stop(), 0);
}

TEST(DeployDocker, DockerfilePassesTheCheckerThatRefusesPlantedFaults) {
  const std::string dockerfile = read_file(deploy::source_dir() + "/Dockerfile");
  const auto problems = deploy::dockerfile_problems(dockerfile);
  EXPECT_TRUE(problems.empty()) << ::testing::PrintToString(problems);
  // The checker can fail: each planted fault is named.
  const auto planted = [&](const std::string& from, const std::string& to) {
    auto text = dockerfile;
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) text.replace(at, from.size(), to);
    return ::testing::PrintToString(deploy::dockerfile_problems(text));
  };
  EXPECT_NE(planted("FROM debian:bookworm", "FROM ubuntu:24.04").find("not debian:bookworm"), std::string::npos);
  EXPECT_NE(planted("USER organism", "USER root").find("final USER is root"), std::string::npos);
  EXPECT_NE(planted("USER organism", "").find("no USER"), std::string::npos);
  EXPECT_NE(planted("VOLUME [\"/var/lib/organism\"]", "").find("no VOLUME"), std::string::npos);
  EXPECT_NE(planted("RUN ORGANISM_BUILD_BENCH=OFF scripts/setup", "RUN make").find("scripts/setup is not run"), std::string::npos);
  EXPECT_NE(planted("CMD [\"run\",", "CMD [\"evolve\",").find("does not run 'organism run'"), std::string::npos);
  EXPECT_NE(planted("COPY . .", "COPY . .\nADD https://example.com/x.tgz /tmp/").find("ADD of a URL"),
            std::string::npos);
  const auto ignore = read_file(deploy::source_dir() + "/.dockerignore");
  for (const char* entry : {"build/", "node_modules", "*.db"}) EXPECT_NE(ignore.find(entry), std::string::npos) << entry;
}

TEST(DeployDocker, ImageBuildsWhenADockerDaemonAnswers) {
  if (!have("docker") || std::system("docker info >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "no Docker daemon answers (docker info failed): the Dockerfile is checked by "
                    "DockerfilePassesTheCheckerThatRefusesPlantedFaults only";
  const std::string tag = "organism-deploy-test:" + std::to_string(getpid());
  const std::string build = "docker build -q -t " + tag + " '" + deploy::source_dir() + "' >/dev/null";
  ASSERT_EQ(std::system(build.c_str()), 0) << build;
  // The image's command is organism run as a non-root user, with the binary on PATH.
  EXPECT_EQ(std::system(("docker run --rm --entrypoint organism " + tag + " --version >/dev/null").c_str()), 0);
  EXPECT_EQ(std::system(("docker run --rm --entrypoint sh " + tag + " -c 'test $(id -u) -ne 0'").c_str()), 0);
  std::system(("docker rmi -f " + tag + " >/dev/null 2>&1").c_str());
}

}  // namespace
}  // namespace organism::test

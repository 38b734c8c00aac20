// `organism dashboard` in a real terminal: tmux runs it against a scripted stub of the API that
// serves the fixtures, and capture-pane reads the screen back. Focus keys, a resize, a lost and
// recovered API, and quitting are driven with send-keys. Skipped when tmux is missing.
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "dashboard_fixtures.hpp"
#include "exchange/loopback_http_server.hpp"
#include "support/tmux.hpp"

namespace organism::test {
namespace {

constexpr const char* kToken = "0123456789abcdef0123456789abcdef";


// The stub API: the fixtures by path, 401 without the token on every route but /health.
ScriptedReply answer(const HttpExchange& request) {
  static const auto fixtures = dashboard_fixtures();
  const std::string path = request.target.substr(0, request.target.find('?'));
  const auto it = fixtures.find(path);
  if (it == fixtures.end()) return {404, R"({"error": "no route"})"};
  if (path != "/health" && request.authorization != std::string("Bearer ") + kToken)
    return {401, R"({"error": "missing or wrong bearer token"})"};
  return {200, it->second};
}


bool has(const std::string& screen, const char* needle) { return screen.find(needle) != std::string::npos; }

bool shows_fixtures(const std::string& s) {
  for (const char* n : {"5/6 connected", "equity 10152.40", "drawdown 3.42%", "BTC", "0.015", "ETH", "-0.25", "SOL",
                        "testing 4", "production 1", "generation 12/50"})
    if (!has(s, n)) return false;
  return true;
}

// Every captured line fits the pane (no wrapped or stale garbage) and there are `height` of them.
void expect_fits(const std::string& screen, int width, int height) {
  std::istringstream in(screen);
  std::string line;
  int lines = 0;
  while (std::getline(in, line)) {
    ++lines;
    int columns = 0;
    for (const char c : line) columns += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    EXPECT_LE(columns, width) << line;
  }
  EXPECT_EQ(lines, height) << screen;
}

struct Fixture {
  std::filesystem::path dir;
  std::string token_file;
  Fixture() {
    dir = std::filesystem::temp_directory_path() / ("dash-tmux-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    token_file = (dir / "api-token").string();
    std::ofstream(token_file) << kToken << "\n";
    ::chmod(token_file.c_str(), 0600);
  }
  ~Fixture() { std::filesystem::remove_all(dir); }
  // The pane's shell: the dashboard, then its exit status where the test can read it.
  std::string command(const std::string& url, const std::string& env, const std::string& flags) const {
    return "env " + env + " " + ORGANISM_BINARY + " dashboard --url " + url + " --token-file " + token_file +
           " --interval-ms 300 " + flags + "; echo dashboard exited $?; sleep 60";
  }
};

TEST(DashboardTmux, ShowsTheApiFollowsKeysResizesAndSurvivesALostApi) {
  if (!have_tmux()) GTEST_SKIP() << "tmux is not installed";
  Fixture f;
  auto stub = std::make_unique<LoopbackHttpServer>(answer);
  const std::uint16_t port = stub->port();
  Tmux tmux;
  tmux.start(f.command(stub->url(), "TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8", ""), 120, 40);
  std::string screen;
  ASSERT_TRUE(tmux.wait_for(shows_fixtures, screen)) << screen;
  EXPECT_TRUE(has(screen, "▁▂▃▂▄▆█▆▅▃")) << screen;
  expect_fits(screen, 120, 40);
  EXPECT_TRUE(has(tmux.capture(true), "\x1b[")) << "colours expected";

  tmux.keys("3");
  ASSERT_TRUE(tmux.wait_for([](const std::string& s) { return has(s, "─ 3 Positions ─") && !has(s, "4 Strategies"); },
                            screen))
      << screen;
  for (const char* n : {"s-7f3a9c21", "43120.5", "43500.00", "-0.25", "98.75"}) EXPECT_TRUE(has(screen, n)) << n;
  tmux.keys("0");
  ASSERT_TRUE(tmux.wait_for([](const std::string& s) { return has(s, "4 Strategies"); }, screen)) << screen;

  tmux.resize(80, 24);
  ASSERT_TRUE(tmux.wait_for(
      [](const std::string& s) { return shows_fixtures(s) && s.find("lifecycle_scheduler down") == std::string::npos; },
      screen))
      << screen;
  expect_fits(screen, 80, 24);

  stub.reset();  // the API goes away
  ASSERT_TRUE(tmux.wait_for([](const std::string& s) { return has(s, "API unreachable since"); }, screen)) << screen;
  tmux.resize(120, 40);  // room for the whole message
  ASSERT_TRUE(tmux.wait_for([](const std::string& s) { return has(s, "(retrying every 1 s)"); }, screen)) << screen;
  EXPECT_TRUE(shows_fixtures(screen)) << "the last data stays:\n" << screen;

  stub = std::make_unique<LoopbackHttpServer>(answer, port);  // and comes back where it was
  ASSERT_TRUE(tmux.wait_for([](const std::string& s) { return !has(s, "unreachable") && shows_fixtures(s); }, screen))
      << screen;

  tmux.keys("q");
  ASSERT_TRUE(tmux.wait_for([](const std::string& s) { return has(s, "dashboard exited 0"); }, screen)) << screen;
}

TEST(DashboardTmux, PlainModeWithoutColours) {
  if (!have_tmux()) GTEST_SKIP() << "tmux is not installed";
  Fixture f;
  LoopbackHttpServer stub(answer);
  // --no-color; a terminal without colours (and an ASCII locale); one that cannot move its cursor,
  // which gets whole screens printed one after another and reads keys as lines.
  for (const auto& [env, flags] : {std::pair<std::string, std::string>{"TERM=xterm-256color LC_ALL=C.UTF-8", "--no-color"},
                                   std::pair<std::string, std::string>{"TERM=vt100 LC_ALL=C", ""},
                                   std::pair<std::string, std::string>{"TERM=dumb LC_ALL=C.UTF-8", ""}}) {
    Tmux tmux;
    tmux.start(f.command(stub.url(), env, flags), 100, 30);
    std::string screen;
    ASSERT_TRUE(tmux.wait_for(shows_fixtures, screen)) << env << " " << flags << "\n" << screen;
    EXPECT_FALSE(has(tmux.capture(true), "\x1b[3")) << "no colour expected with " << env << " " << flags;
    EXPECT_TRUE(has(screen, "lifecycle_scheduler down")) << "states in words:\n" << screen;
    if (env.find("LC_ALL=C ") != std::string::npos) {
      EXPECT_TRUE(has(screen, "_.-.~+#+=-")) << screen;
    }
    tmux.keys(env.find("dumb") != std::string::npos ? "q Enter" : "q");
    ASSERT_TRUE(tmux.wait_for([](const std::string& s) { return has(s, "dashboard exited 0"); }, screen)) << screen;
  }
}

TEST(DashboardTmux, WithoutTheTokenSaysUnauthorized) {
  if (!have_tmux()) GTEST_SKIP() << "tmux is not installed";
  LoopbackHttpServer stub(answer);
  Tmux tmux;
  tmux.start(std::string("env TERM=xterm-256color LC_ALL=C.UTF-8 ") + ORGANISM_BINARY + " dashboard --url " +
                 stub.url() + " --interval-ms 300; echo dashboard exited $?; sleep 60",
             100, 30);
  std::string screen;
  ASSERT_TRUE(tmux.wait_for([](const std::string& s) { return has(s, "unauthorized: pass --token-file") && has(s, "5/6"); },
                            screen))
      << screen;
  tmux.keys("q");
  ASSERT_TRUE(tmux.wait_for([](const std::string& s) { return has(s, "dashboard exited 0"); }, screen)) << screen;
}

}  // namespace
}  // namespace organism::test

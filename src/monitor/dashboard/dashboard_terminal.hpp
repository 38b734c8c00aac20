// `organism dashboard`'s terminal: ncurses draws the renderer's lines, reads keys and follows
// resizes, while a Poller fetches the API. Used by src/cli/dashboard_command.cpp.
#pragma once

#include <string>

namespace organism::monitor::dashboard {

struct DashboardOptions {
  std::string url = "http://127.0.0.1:8080";
  std::string token_file{};  // "" sends no token (then protected routes show "unauthorized")
  int interval_ms = 1000;
  bool no_color = false;
};

// Runs until q, or SIGINT/SIGTERM/SIGHUP; the terminal is restored either way. core::UsageError
// for a refused URL or interval, core::Error for an unreadable token file or a terminal ncurses
// cannot drive.
void run_dashboard(const DashboardOptions& options);

}  // namespace organism::monitor::dashboard

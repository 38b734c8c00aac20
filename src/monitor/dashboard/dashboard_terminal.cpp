#include "monitor/dashboard/dashboard_terminal.hpp"

#include <curses.h>
#include <langinfo.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <clocale>
#include <cstdio>
#include <cstring>
#include <string>

#include <fmt/format.h>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/stop_signals.hpp"
#include "monitor/dashboard/dashboard_poller.hpp"
#include "monitor/dashboard/dashboard_render.hpp"
#include "monitor/dashboard/terminal_caps.hpp"
#include "monitor/http/token.hpp"

namespace organism::monitor::dashboard {

namespace {

constexpr int kKeyWaitMs = 200;  // getch's timeout: keys stay responsive, the loop mostly sleeps

// ncurses' screen for the life of the dashboard; endwin() on every way out.
class Screen {
 public:
  explicit Screen(bool want_color) {
    screen_ = newterm(nullptr, stdout, stdin);
    if (!screen_) {
      const char* term = std::getenv("TERM");
      throw core::Error(fmt::format("cannot drive the terminal (TERM={})", term ? term : "unset"));
    }
    set_term(screen_);
    cbreak();  // not raw(): Ctrl-C stays SIGINT, which StopSignals turns into a clean exit
    noecho();
    keypad(stdscr, TRUE);
    set_escdelay(25);
    curs_set(0);
    wtimeout(stdscr, kKeyWaitMs);
    color_ = want_color && has_colors();
    if (color_) {
      start_color();
      use_default_colors();
      init_pair(1, COLOR_GREEN, -1);
      init_pair(2, COLOR_YELLOW, -1);
      init_pair(3, COLOR_RED, -1);
      init_pair(4, COLOR_CYAN, -1);
    }
  }
  ~Screen() {
    endwin();
    delscreen(screen_);
  }
  Screen(const Screen&) = delete;
  Screen& operator=(const Screen&) = delete;

  bool color() const { return color_; }

  void draw(const std::vector<ScreenLine>& lines) {
    werase(stdscr);
    for (std::size_t y = 0; y < lines.size(); ++y) {
      const auto& line = lines[y];
      wmove(stdscr, static_cast<int>(y), 0);
      std::size_t at = 0;
      for (const auto& span : line.spans) {
        put(line.text.substr(at, span.begin - at));
        wattr_on(stdscr, attributes(span.style), nullptr);
        put(line.text.substr(span.begin, span.end - span.begin));
        wattr_off(stdscr, attributes(span.style), nullptr);
        at = span.end;
      }
      put(line.text.substr(at));
    }
    wrefresh(stdscr);
  }

 private:
  static void put(const std::string& text) {
    if (!text.empty()) waddnstr(stdscr, text.c_str(), static_cast<int>(text.size()));
  }
  static attr_t attributes(Style style) {
    switch (style) {
      case Style::normal: return A_NORMAL;
      case Style::title: return A_BOLD | static_cast<attr_t>(COLOR_PAIR(4));
      case Style::dim: return A_DIM;
      case Style::good: return static_cast<attr_t>(COLOR_PAIR(1));
      case Style::warn: return A_BOLD | static_cast<attr_t>(COLOR_PAIR(2));
      case Style::bad: return A_BOLD | static_cast<attr_t>(COLOR_PAIR(3));
      case Style::focus: return A_REVERSE;
    }
    return A_NORMAL;
  }

  SCREEN* screen_ = nullptr;
  bool color_ = false;
};

bool locale_is_utf8() {
  const char* codeset = nl_langinfo(CODESET);
  return codeset && (std::strcmp(codeset, "UTF-8") == 0 || std::strcmp(codeset, "utf8") == 0);
}

// The new focus after key `key` (wide char or KEY_* code), or nullopt when the key means nothing.
std::optional<Panel> focus_after(Panel focus, int result, wint_t key) {
  if (result == KEY_CODE_YES) {
    if (key == KEY_BTAB) return previous_panel(focus);
    return std::nullopt;
  }
  if (key >= L'1' && key <= L'9') return panel_by_number(static_cast<int>(key - L'0'));
  if (key == L'0' || key == 27) return Panel::overview;
  if (key == L'\t') return next_panel(focus);
  return std::nullopt;
}

// The full-screen dashboard under ncurses.
void run_screen(Poller& poller, const core::Clock& clock, bool want_color, bool utf8, const core::StopSignals& signals) {
  Screen screen(want_color);
  poller.start();
  DashboardState state;
  std::uint64_t version = 0;
  Panel focus = Panel::overview;
  long long shown_second = -1;
  bool dirty = true;
  while (!signals.token().load()) {
    const std::uint64_t now_version = poller.snapshot(state, version);
    if (now_version != version) dirty = true;
    version = now_version;
    const long long second = clock.now() / 1000;
    if (second != shown_second) dirty = true;  // the header's clock and ages
    if (dirty) {
      state.now_ms = clock.now();
      int height = 0, width = 0;
      getmaxyx(stdscr, height, width);
      screen.draw(render(state, focus, width, height, screen.color(), utf8));
      shown_second = second;
      dirty = false;
    }
    wint_t key = 0;
    const int result = wget_wch(stdscr, &key);
    if (result == ERR) continue;  // the timeout (or a signal)
    if (result == KEY_CODE_YES && key == KEY_RESIZE) {
      dirty = true;
      continue;
    }
    if (result == OK && (key == L'q' || key == L'Q')) break;
    if (result == OK && (key == L'r' || key == L'R')) {
      poller.refresh_now();
      continue;
    }
    if (const auto next = focus_after(focus, result, key)) {
      focus = *next;
      dirty = true;
    }
  }
}

// A terminal that cannot move its cursor (TERM=dumb) or no terminal at all: whole plain screens
// printed one after another, one per poll round, like `top -b`. Keys arrive as lines on stdin.
void run_lines(Poller& poller, const core::Clock& clock, bool utf8, const core::StopSignals& signals) {
  int width = 80, height = 24;
  winsize ws{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && ws.ws_row > 0) {
    width = ws.ws_col;
    height = ws.ws_row;
  }
  poller.start();
  DashboardState state;
  std::uint64_t printed_round = 0;
  Panel focus = Panel::overview;
  bool read_stdin = true, dirty = false;
  while (!signals.token().load()) {
    const std::uint64_t round = poller.rounds();
    if (round != printed_round || dirty) {
      poller.snapshot(state, 0);
      state.now_ms = clock.now();
      for (const auto& line : render(state, focus, width, height - 2, false, utf8)) std::printf("%s\n", line.text.c_str());
      std::printf("\n");  // a blank line between screens; with the cursor's line a screen fits the window
      std::fflush(stdout);
      printed_round = round;
      dirty = false;
    }
    pollfd in{STDIN_FILENO, POLLIN, 0};
    if (::poll(&in, read_stdin ? 1 : 0, kKeyWaitMs) <= 0) continue;
    char keys[64];
    const ssize_t n = ::read(STDIN_FILENO, keys, sizeof keys);
    if (n <= 0) {
      read_stdin = false;  // stdin closed: only a signal ends the dashboard now
      continue;
    }
    for (ssize_t i = 0; i < n; ++i) {
      const char key = keys[i];
      if (key == 'q' || key == 'Q') return;
      if (key == 'r' || key == 'R') poller.refresh_now();
      if (const auto next = focus_after(focus, OK, static_cast<wint_t>(key))) {
        focus = *next;
        dirty = true;
      }
    }
  }
}

}  // namespace

void run_dashboard(const DashboardOptions& options) {
  if (options.interval_ms < 100 || options.interval_ms > 3'600'000)
    throw core::UsageError(fmt::format("--interval-ms {}: must be in [100, 3600000]", options.interval_ms));
  PollerOptions po;
  po.url = options.url;
  po.interval_ms = options.interval_ms;
  if (!options.token_file.empty()) po.token = http::load_token_file(options.token_file, false);
  const core::WallClock clock;
  Poller poller(po, clock);  // refuses a bad URL before the screen is taken

  std::setlocale(LC_ALL, "");
  const bool utf8 = locale_is_utf8();
  core::StopSignals signals;
  if (terminal_can_address_cursor())
    run_screen(poller, clock, !options.no_color, utf8, signals);
  else
    run_lines(poller, clock, utf8, signals);
  poller.stop();
}

}  // namespace organism::monitor::dashboard

#include "monitor/dashboard/terminal_caps.hpp"

#include <unistd.h>

#include <curses.h>
#include <term.h>  // last: its capability macros must not reach other headers

namespace organism::monitor::dashboard {

bool terminal_can_address_cursor() {
  if (::isatty(STDOUT_FILENO) == 0) return false;
  int error = 0;
  if (setupterm(nullptr, STDOUT_FILENO, &error) != OK) return false;
  const char* cup = tigetstr(const_cast<char*>("cup"));
  const bool can = cup != nullptr && cup != reinterpret_cast<char*>(-1);
  del_curterm(cur_term);
  return can;
}

}  // namespace organism::monitor::dashboard

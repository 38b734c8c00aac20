// Whether the terminal on stdout can be driven full-screen (it moves the cursor), asked of
// terminfo apart from the rest: <term.h> defines a macro per capability name. Used by
// dashboard_terminal.cpp to choose between ncurses and printing whole screens one after another.
#pragma once

namespace organism::monitor::dashboard {

// False when stdout is not a terminal, TERM is unknown, or it has no cursor addressing (TERM=dumb).
bool terminal_can_address_cursor();

}  // namespace organism::monitor::dashboard

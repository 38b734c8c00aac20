// The organism command line: global options, subcommand dispatch, exit codes.
// Used by main.cpp only; tests run the built binary as a subprocess.
#pragma once

namespace organism::cli {

// Parses argv, runs the chosen subcommand and returns the process exit code:
// 0 success, 1 runtime error, 2 usage error.
int run(int argc, char** argv);

}  // namespace organism::cli

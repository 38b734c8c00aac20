#include "cli/app.hpp"

#include <CLI/CLI.hpp>

namespace organism::cli {

int run(int argc, char** argv) {
  CLI::App app{"organism: evolve, validate and trade crypto-perpetual strategies"};
  CLI11_PARSE(app, argc, argv);
  return 0;
}

}  // namespace organism::cli

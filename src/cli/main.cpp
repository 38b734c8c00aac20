// Entry point of the organism command; everything happens in cli::run.
#include "cli/app.hpp"
#include "core/huge_pages.hpp"

int main(int argc, char** argv) {
  organism::core::use_huge_pages_for_malloc(argv);
  return organism::cli::run(argc, argv);
}

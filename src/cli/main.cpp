// Entry point of the organism command; everything happens in cli::run.
#include "cli/app.hpp"

int main(int argc, char** argv) { return organism::cli::run(argc, argv); }

// The HTML report of a stored run: finds the run and the member to show, backtests it again on
// each stage of a coin (the run's universe, reloaded from the store) and writes the page.
// Used by `organism report` and `organism evolve --report`.
#pragma once

#include <cstddef>
#include <string>

#include "cli/context.hpp"
#include "data/store.hpp"

namespace organism::cli {

struct ReportRequest {
  std::string target;    // a run id, or a strategy id (its run, that member)
  std::string strategy;  // a member of the run to show (default: monitor::default_member)
  std::string x, y;      // scatter metrics (default: the run's first two objectives)
  std::string coin;      // coin of the equity and price charts (default: the run's first)
  std::string out;       // the HTML file, written atomically
};

// Writes the report and returns its size in bytes. core::Error (nothing written) for an unknown
// run, strategy, metric or coin, an unfinished run, or an unwritable path.
std::size_t write_report(data::Store& store, const Context& ctx, const ReportRequest& request);
// Registers `organism report` (report_command.cpp).
void add_report_command(CLI::App& app, Registry& registry);

// write_report of the run with every choice at its default, then "report: wrote PATH (123.4 KiB)"
// on stdout (what `organism evolve --report` does at the end).
void write_run_report(data::Store& store, const Context& ctx, const std::string& run_id,
                      const std::string& out);
// "report: wrote PATH (123.4 KiB)" on stdout.
void print_report_written(const std::string& path, std::size_t bytes);

}  // namespace organism::cli

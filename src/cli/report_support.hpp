// Writing the HTML report of a stored run (monitor::report_data, monitor::build_report_html) to a
// file. Used by `organism report` and `organism evolve --report`.
#pragma once

#include <cstddef>
#include <string>

#include "cli/context.hpp"
#include "data/store.hpp"
#include "monitor/report_data.hpp"

namespace organism::cli {

// Writes the report to `out` atomically and returns its size in bytes. core::Error (nothing
// written) for an unknown run, strategy, metric or coin, an unfinished run, or an unwritable path.
std::size_t write_report(data::Store& store, const monitor::ReportRequest& request, const std::string& out);
// Registers `organism report` (report_command.cpp).
void add_report_command(CLI::App& app, Registry& registry);

// write_report of the run with every choice at its default, then "report: wrote PATH (123.4 KiB)"
// on stdout (what `organism evolve --report` does at the end).
void write_run_report(data::Store& store, const std::string& run_id, const std::string& out);
// "report: wrote PATH (123.4 KiB)" on stdout.
void print_report_written(const std::string& path, std::size_t bytes);

}  // namespace organism::cli

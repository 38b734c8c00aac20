// Writing a stored run's HTML report to a file (report_support.hpp).
#include "cli/report_support.hpp"

#include <fmt/format.h>

#include "core/clock.hpp"
#include "data/file_writer.hpp"
#include "runs/run_service.hpp"

namespace organism::cli {

std::size_t write_report(data::Store& store, const monitor::ReportRequest& request, const std::string& out) {
  // Opened first so an unwritable path fails before the backtests; removed unless committed.
  data::AtomicFileWriter file(out);
  const core::WallClock clock;
  const std::string html = monitor::build_report_html(monitor::report_data(runs::RunService(store, clock), request));
  file.write(html);
  file.commit();
  return html.size();
}

void write_run_report(data::Store& store, const std::string& run_id, const std::string& out) {
  monitor::ReportRequest request;
  request.target = run_id;
  print_report_written(out, write_report(store, request, out));
}

void print_report_written(const std::string& path, std::size_t bytes) {
  fmt::print("report: wrote {} ({:.1f} KiB)\n", path, static_cast<double>(bytes) / 1024.0);
}

}  // namespace organism::cli

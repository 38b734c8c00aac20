// What the HTML report of a stored run shows, gathered through the run service: the run's result,
// the member to show and its state, and its backtests on each stage of one coin of the run's
// universe (reloaded from the store). Used by `organism report` and `organism evolve --report`.
#pragma once

#include <string>

#include "monitor/report.hpp"
#include "runs/run_service.hpp"

namespace organism::monitor {

struct ReportRequest {
  std::string target;    // a run id, or a strategy id (its run, that member)
  std::string strategy;  // a member of the run to show (default: default_member)
  std::string x, y;      // scatter metrics (default: the run's first two objectives)
  std::string coin;      // coin of the equity and price charts (default: the run's first)
};

// core::Error for an unknown run, strategy, metric or coin, or an unfinished run.
ReportData report_data(const runs::RunService& service, const ReportRequest& request);

}  // namespace organism::monitor

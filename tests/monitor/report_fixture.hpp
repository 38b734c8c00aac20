// Report inputs shared by the monitor tests: a run's result built as records with chosen numbers,
// with or without validation, and a chosen member's backtests on a synthetic price path.
#pragma once

#include "monitor/report.hpp"
#include "runs/records.hpp"

namespace organism::test {

// A run of `members` front members (ids m0, m1, ...); with validation, members 1 and 3 survive
// and the run has pbo 0.12, 8,233 trials and gates.
runs::RunResult hand_run(bool validated, int members = 6);

// A report on member "m1" of hand_run(validated) with `bars` hourly bars split 60/20/20 (an
// embargo of 10), a sine-and-trend price and a trade every 50 bars.
monitor::ReportData hand_report(bool validated, std::size_t bars = 3000);

}  // namespace organism::test

// The HTML page of a portfolio backtest (`organism portfolio backtest --report F`): the policies
// side by side, their equity curves over the coins' regime band, the allocator's weights over
// time, the strategies' correlation matrix and the last allocation. One self-contained file (data
// as JSON, CSS and ECharts inline, the report's own machinery) that opens offline.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "portfolio/portfolio_backtest.hpp"

namespace organism::monitor {

struct PortfolioReportInfo {
  std::string title;         // e.g. "validated strategies, 2024-01-01 .. 2025-01-01"
  std::string interval;      // the bars' interval, e.g. "1h"
  double capital = 10'000;   // the account's starting capital
  std::string costs;         // the cost model in words (backtest::describe_costs)
  std::string generated_at;  // shown in the footer (passed in: the builder reads no clock)
  std::size_t max_points = 5000;  // per chart series (and regime segments per coin), after downsampling
};

// One stretch of bars with the same regime code: bars [begin, end) of the series.
struct RegimeSegment {
  std::size_t begin = 0, end = 0;
  std::uint8_t code = 0;
};
// A coin's regime codes as runs of equal codes. When there are more than max_segments runs, the
// bars are first cut into max_segments equal buckets, each taking its most frequent code (ties:
// the smaller code), and the runs are those of the buckets: a band of at most max_segments pieces
// in which a regime lasting a bucket or more stays visible.
std::vector<RegimeSegment> regime_segments(std::span<const std::uint8_t> codes, std::size_t max_segments);

// The whole page. core::Error when the result is inconsistent: no policy, or the allocator's
// rebalances and the times of its weight rows do not pair up.
std::string build_portfolio_report_html(const portfolio::PortfolioBacktestResult& result,
                                        const PortfolioReportInfo& info);

// build_portfolio_report_html written whole or not at all (data::AtomicFileWriter): core::Error
// naming the path when it cannot be written (e.g. its folder is missing), and then no file.
void write_portfolio_report(const std::string& path, const portfolio::PortfolioBacktestResult& result,
                            const PortfolioReportInfo& info);

}  // namespace organism::monitor

#include "monitor/report_series.hpp"

#include <algorithm>
#include <chrono>

namespace organism::monitor {

std::vector<std::size_t> downsample_indices(std::span<const std::span<const double>> series,
                                            std::size_t n, std::size_t max_points) {
  std::vector<std::size_t> out;
  if (n <= max_points) {
    for (std::size_t i = 0; i < n; ++i) out.push_back(i);
    return out;
  }
  const std::size_t per_bucket = 2 * std::max<std::size_t>(1, series.size());
  const std::size_t buckets =
      std::max<std::size_t>(1, (std::max<std::size_t>(max_points, 2) - 2) / per_bucket);
  out.push_back(0);
  for (std::size_t b = 0; b < buckets; ++b) {
    // Interior points [1, n-1) split into equal buckets.
    const std::size_t begin = 1 + b * (n - 2) / buckets;
    const std::size_t end = 1 + (b + 1) * (n - 2) / buckets;
    if (begin >= end) continue;
    for (const auto& s : series) {
      const auto first = s.begin() + static_cast<std::ptrdiff_t>(begin);
      const auto last = s.begin() + static_cast<std::ptrdiff_t>(end);
      const auto [lo, hi] = std::minmax_element(first, last);
      out.push_back(static_cast<std::size_t>(lo - s.begin()));
      out.push_back(static_cast<std::size_t>(hi - s.begin()));
    }
  }
  out.push_back(n - 1);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

ChainedCurve chain_stages(std::span<const StageCurve> stages, double initial_equity) {
  ChainedCurve c;
  double scale = 1;
  for (const auto& s : stages) {
    c.stage_begin.push_back(c.time.size());
    double peak = initial_equity;
    for (std::size_t i = 0; i < s.equity.size() && i < s.time.size(); ++i) {
      peak = std::max(peak, s.equity[i]);
      c.time.push_back(s.time[i]);
      c.equity.push_back(s.equity[i] * scale);
      c.drawdown.push_back(peak > 0 ? s.equity[i] / peak - 1 : 0);
    }
    if (!s.equity.empty() && initial_equity > 0) scale *= s.equity.back() / initial_equity;
  }
  return c;
}

namespace {

std::pair<int, int> year_month(core::TimeMs t) {
  using namespace std::chrono;
  const year_month_day ymd{floor<days>(sys_time<milliseconds>{milliseconds{t}})};
  return {static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month()))};
}

}  // namespace

std::vector<MonthlyReturn> monthly_returns(std::span<const core::TimeMs> time,
                                           std::span<const double> equity, double base_equity) {
  std::vector<MonthlyReturn> out;
  double base = base_equity;
  const std::size_t n = std::min(time.size(), equity.size());
  for (std::size_t i = 0; i < n; ++i) {
    const auto [y, m] = year_month(time[i]);
    const bool last_of_month = i + 1 == n || year_month(time[i + 1]) != std::pair{y, m};
    if (!last_of_month) continue;
    out.push_back({y, m, base > 0 ? equity[i] / base - 1 : 0});
    base = equity[i];
  }
  return out;
}

}  // namespace organism::monitor

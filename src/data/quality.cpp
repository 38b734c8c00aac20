#include "data/quality.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace organism::data {
namespace {

constexpr double kMadToSigma = 1.4826;      // 1 / Phi^-1(3/4): MAD of a normal is 0.6745 sigma
constexpr double kMeanDevToSigma = 1.2533;  // sqrt(pi/2): mean |x - mu| of a normal is 0.7979 sigma

// Median of a non-empty vector, reordering it; O(n).
double median_of(std::vector<double>& values) {
  const auto mid = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2);
  std::nth_element(values.begin(), mid, values.end());
  double median = *mid;
  if (values.size() % 2 == 0) median = (median + *std::max_element(values.begin(), mid)) / 2;
  return median;
}

// Ordering, alignment, duplicates and gaps: everything that depends on the time column alone.
void check_times(std::span<const TimeMs> times, const core::Interval& interval,
                 QualityReport& report) {
  bool increasing = true;
  for (std::size_t i = 0; i < times.size(); ++i) {
    if (!interval.is_aligned(times[i])) report.misaligned.push_back(times[i]);
    if (i == 0) continue;
    if (times[i] < times[i - 1]) report.out_of_order.push_back(i);
    if (times[i] <= times[i - 1]) increasing = false;
  }
  if (increasing && report.misaligned.empty()) {
    report.gaps = find_gaps(times, interval);  // the common case: no copy
    return;
  }
  // Raw input: measure duplicates and gaps on a sorted copy so a swapped pair of rows is not
  // reported as two gaps, and gaps count grid slots without an aligned bar.
  std::vector<TimeMs> sorted(times.begin(), times.end());
  std::sort(sorted.begin(), sorted.end());
  for (std::size_t i = 1; i < sorted.size(); ++i) {
    if (sorted[i] == sorted[i - 1] &&
        (report.duplicates.empty() || report.duplicates.back() != sorted[i])) {
      report.duplicates.push_back(sorted[i]);
    }
  }
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  std::erase_if(sorted, [&](TimeMs t) { return !interval.is_aligned(t); });
  report.gaps = find_gaps(sorted, interval);
}

bool usable_price(double p) { return std::isfinite(p) && p > 0; }

void check_returns(CandleView bars, const QualityOptions& options, QualityReport& report) {
  std::vector<double> returns;
  std::vector<std::size_t> ends;  // index of the bar each return ends at
  returns.reserve(bars.size());
  ends.reserve(bars.size());
  for (std::size_t i = 1; i < bars.size(); ++i) {
    // A return across a duplicate or out-of-order pair measures no time step; skip it.
    if (bars.time[i] <= bars.time[i - 1]) continue;
    if (!usable_price(bars.close[i]) || !usable_price(bars.close[i - 1])) continue;
    returns.push_back(std::log(bars.close[i] / bars.close[i - 1]));
    ends.push_back(i);
  }
  if (returns.empty()) return;

  std::vector<double> work = returns;
  const double median = median_of(work);
  for (std::size_t k = 0; k < returns.size(); ++k) work[k] = std::abs(returns[k] - median);
  double sigma = kMadToSigma * median_of(work);
  if (sigma == 0) {
    report.sigma_from_mean_deviation = true;
    const double mean_dev =
        std::accumulate(work.begin(), work.end(), 0.0) / static_cast<double>(work.size());
    sigma = kMeanDevToSigma * mean_dev;
  }
  report.median_return = median;
  report.robust_sigma = sigma;
  if (sigma == 0) return;  // every return equals the median: nothing stands out

  const double limit = options.outlier_sigmas * sigma;
  for (std::size_t k = 0; k < returns.size(); ++k) {
    const double deviation = returns[k] - median;
    if (std::abs(deviation) > limit) {
      report.outliers.push_back({ends[k], bars.time[ends[k]], returns[k], deviation / sigma});
    }
  }
}

void check_volume(CandleView bars, const QualityOptions& options, QualityReport& report) {
  const std::size_t min_run = std::max<std::size_t>(options.min_zero_volume_run, 1);
  std::size_t i = 0;
  while (i < bars.size()) {
    if (bars.volume[i] != 0.0) {
      ++i;
      continue;
    }
    const std::size_t begin = i;
    while (i < bars.size() && bars.volume[i] == 0.0) ++i;
    if (i - begin >= min_run) {
      report.zero_volume_runs.push_back({bars.time[begin], bars.time[i - 1], i - begin});
    }
  }
}

}  // namespace

bool QualityReport::clean() const {
  return gaps.empty() && duplicates.empty() && out_of_order.empty() && misaligned.empty() &&
         outliers.empty() && zero_volume_runs.empty();
}

QualityReport check_quality(CandleView bars, const core::Interval& interval,
                            const QualityOptions& options) {
  QualityReport report;
  report.bars = bars.size();
  report.outlier_sigmas = options.outlier_sigmas;
  check_times(bars.time, interval, report);
  check_returns(bars, options, report);
  check_volume(bars, options, report);
  return report;
}

}  // namespace organism::data

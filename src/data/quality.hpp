// Data quality checks on a candle series: gaps, duplicates, ordering, grid alignment, outlier
// returns and zero-volume runs. Used by `organism data quality` and by importers' reports.
#pragma once

#include <cstddef>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "data/config_keys.hpp"
#include "data/series.hpp"

namespace organism::data {

struct QualityOptions {
  double outlier_sigmas = defaults::kOutlierSigmas;
  std::size_t min_zero_volume_run = 1;  // shorter runs are not reported (0 behaves as 1)
};

struct Outlier {
  std::size_t index;  // bar whose close ends the return
  TimeMs time;
  double log_return;
  double robust_z;  // (log_return - median) / robust_sigma, signed
};

// Maximal run of consecutive rows with zero volume.
struct ZeroVolumeRun {
  TimeMs first;
  TimeMs last;
  std::size_t bars;
};

struct QualityReport {
  std::size_t bars = 0;
  // Holes in the interval grid, measured on the distinct aligned times in time order, so an
  // unsorted file reports its rows as out of order, not as gaps.
  std::vector<Gap> gaps;
  std::vector<TimeMs> duplicates;         // each time that appears more than once, ascending
  std::vector<std::size_t> out_of_order;  // indices whose time is before the previous row's
  std::vector<TimeMs> misaligned;         // times not on the interval grid, in row order
  // Of close-to-close log returns between rows whose times increase and whose closes are finite
  // and positive. robust_sigma = 1.4826 * MAD; when the MAD is 0 (over half the returns equal the
  // median, as in thinly traded or flat series) it falls back to 1.2533 * mean |r - median|, both
  // being sigma for normal returns. It is 0 only when every return equals the median, and then
  // there are no outliers.
  double median_return = 0, robust_sigma = 0;
  bool sigma_from_mean_deviation = false;  // robust_sigma came from the fallback
  double outlier_sigmas = 0;               // the threshold used, copied from the options
  std::vector<Outlier> outliers;           // |log_return - median| > outlier_sigmas * robust_sigma
  std::vector<ZeroVolumeRun> zero_volume_runs;

  bool clean() const;  // nothing found
};

// Reports problems without changing or sorting the input, which may be raw rows from a file.
QualityReport check_quality(CandleView bars, const core::Interval& interval,
                            const QualityOptions& options = {});

// Multi-line plain-text summary listing up to max_items of each kind, times in UTC.
std::string format_quality(const QualityReport& report, const SeriesKey& key,
                           std::size_t max_items = 20);

// The whole report as JSON; times are epoch milliseconds.
nlohmann::json quality_to_json(const QualityReport& report);

}  // namespace organism::data

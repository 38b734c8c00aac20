// Text and JSON renderings of a QualityReport (declared in quality.hpp).
#include <algorithm>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "data/quality.hpp"

namespace organism::data {
namespace {

using core::format_utc;

// Appends a "kind: count" heading, up to max_items lines from `line`, and how many were left out.
template <typename T, typename LineFn>
void list_section(std::string& out, std::string_view heading, const std::vector<T>& items,
                  std::size_t max_items, LineFn line, std::string_view extra = {}) {
  if (items.empty()) return;
  fmt::format_to(std::back_inserter(out), "{}: {}{}\n", heading, items.size(), extra);
  const std::size_t shown = std::min(items.size(), max_items);
  for (std::size_t i = 0; i < shown; ++i) out += "  " + line(items[i]) + "\n";
  if (shown < items.size())
    fmt::format_to(std::back_inserter(out), "  ... and {} more\n", items.size() - shown);
}

std::size_t problem_count(const QualityReport& r) {
  return r.gaps.size() + r.duplicates.size() + r.out_of_order.size() + r.misaligned.size() +
         r.outliers.size() + r.zero_volume_runs.size();
}

}  // namespace

std::string format_quality(const QualityReport& report, const SeriesKey& key,
                           std::size_t max_items) {
  std::string out = fmt::format("quality of {}: {} bars, ", key.label(), report.bars);
  out += report.clean() ? "clean\n" : fmt::format("{} findings\n", problem_count(report));

  std::int64_t missing = 0;
  for (const Gap& g : report.gaps) missing += g.missing;
  list_section(
      out, "gaps", report.gaps, max_items,
      [](const Gap& g) {
        return fmt::format("{} -> {}: {} missing", format_utc(g.after), format_utc(g.before),
                           g.missing);
      },
      fmt::format(" ({} bars missing)", missing));
  list_section(out, "duplicate times", report.duplicates, max_items,
               [](TimeMs t) { return format_utc(t); });
  list_section(out, "out of order", report.out_of_order, max_items, [](std::size_t i) {
    return fmt::format("index {}: earlier than the row before it", i);
  });
  list_section(out, "misaligned times", report.misaligned, max_items, [&](TimeMs t) {
    return fmt::format("{} is not on the {} grid", format_utc(t), key.interval.name());
  });

  fmt::format_to(
      std::back_inserter(out),
      "log returns: median {:+.6g}, robust sigma {:.6g} ({}), outlier threshold {} sigma\n",
      report.median_return, report.robust_sigma,
      report.sigma_from_mean_deviation ? "MAD is 0: 1.2533 x mean |r - median|" : "1.4826 x MAD",
      report.outlier_sigmas);
  list_section(out, "outliers", report.outliers, max_items, [](const Outlier& o) {
    return fmt::format("{} (index {}): log return {:+.6f}, z {:+.1f}", format_utc(o.time), o.index,
                       o.log_return, o.robust_z);
  });

  std::size_t zero_bars = 0;
  for (const ZeroVolumeRun& r : report.zero_volume_runs) zero_bars += r.bars;
  list_section(
      out, "zero-volume runs", report.zero_volume_runs, max_items,
      [](const ZeroVolumeRun& r) {
        return fmt::format("{} .. {}: {} bar{}", format_utc(r.first), format_utc(r.last), r.bars,
                           r.bars == 1 ? "" : "s");
      },
      fmt::format(" ({} bars)", zero_bars));
  return out;
}

nlohmann::json quality_to_json(const QualityReport& report) {
  nlohmann::json gaps = nlohmann::json::array();
  for (const Gap& g : report.gaps) {
    gaps.push_back({{"after", g.after}, {"before", g.before}, {"missing", g.missing}});
  }
  nlohmann::json outliers = nlohmann::json::array();
  for (const Outlier& o : report.outliers) {
    outliers.push_back({{"index", o.index},
                        {"time", o.time},
                        {"log_return", o.log_return},
                        {"robust_z", o.robust_z}});
  }
  nlohmann::json runs = nlohmann::json::array();
  for (const ZeroVolumeRun& r : report.zero_volume_runs) {
    runs.push_back({{"first", r.first}, {"last", r.last}, {"bars", r.bars}});
  }
  return {
      {"bars", report.bars},
      {"clean", report.clean()},
      {"gaps", std::move(gaps)},
      {"duplicates", report.duplicates},
      {"out_of_order", report.out_of_order},
      {"misaligned", report.misaligned},
      {"median_return", report.median_return},
      {"robust_sigma", report.robust_sigma},
      {"sigma_from_mean_deviation", report.sigma_from_mean_deviation},
      {"outlier_sigmas", report.outlier_sigmas},
      {"outliers", std::move(outliers)},
      {"zero_volume_runs", std::move(runs)},
  };
}

}  // namespace organism::data

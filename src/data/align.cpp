#include "data/align.hpp"

#include <cmath>

namespace organism::data {

std::vector<double> funding_per_bar(std::span<const core::TimeMs> bar_times, core::TimeMs bar_ms,
                                    const FundingSeries& funding) {
  std::vector<double> per_bar(bar_times.size(), 0.0);
  std::size_t j = 0;
  for (std::size_t i = 0; i < bar_times.size(); ++i) {
    const core::TimeMs open = bar_times[i], close = open + bar_ms;
    while (j < funding.size() && funding.time[j] <= open) ++j;
    for (; j < funding.size() && funding.time[j] <= close; ++j) per_bar[i] += funding.rate[j];
  }
  return per_bar;
}

std::vector<double> sentiment_per_bar(std::span<const core::TimeMs> bar_open,
                                      const SentimentSeries& s) {
  std::vector<double> out(bar_open.size(), std::nan(""));
  std::size_t j = 0;  // first value not yet published at the current bar's open
  for (std::size_t i = 0; i < bar_open.size(); ++i) {
    while (j < s.time.size() && s.time[j] <= bar_open[i]) ++j;
    if (j > 0) out[i] = s.value[j - 1];
  }
  return out;
}

}  // namespace organism::data

#include "strategy/sentiment.hpp"

#include <cmath>

namespace organism::strategy {

std::vector<double> sentiment_per_bar(std::span<const core::TimeMs> bar_open,
                                      const data::SentimentSeries& s) {
  std::vector<double> out(bar_open.size(), std::nan(""));
  std::size_t j = 0;  // first value not yet published at the current bar's open
  for (std::size_t i = 0; i < bar_open.size(); ++i) {
    while (j < s.time.size() && s.time[j] <= bar_open[i]) ++j;
    if (j > 0) out[i] = s.value[j - 1];
  }
  return out;
}

}  // namespace organism::strategy

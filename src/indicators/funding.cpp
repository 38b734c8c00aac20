#include "indicators/funding.hpp"

#include <stdexcept>
#include <string>

namespace organism::indicators {

FundingFeatures::FundingFeatures(int period) : m_(checked_period(period, "funding")) {}

void FundingFeatures::add_settlement(core::TimeMs time, double rate) {
  if (started_ && time <= last_time_) {
    throw std::invalid_argument("funding: settlement at " + core::format_utc(time) +
                                " is not after the previous one at " +
                                core::format_utc(last_time_));
  }
  started_ = true;
  last_time_ = time;
  m_.push(rate);
  value_.rate = rate;
  if (m_.full()) {
    value_.mean = m_.mean();
    const double sd = m_.stddev();
    value_.zscore = sd > 0.0 ? (rate - value_.mean) / sd : 0.0;
  }
}

[[gnu::flatten]] FundingSeriesFeatures funding_features(std::span<const core::TimeMs> bar_open,
                                                        core::TimeMs bar_ms,
                                                        const data::FundingSeries& funding,
                                                        int period) {
  if (bar_ms <= 0) throw std::invalid_argument("funding: bar length must be positive");
  if (funding.time.size() != funding.rate.size()) {
    throw std::invalid_argument("funding: time and rate columns differ in length");
  }
  for (std::size_t i = 1; i < bar_open.size(); ++i) {
    if (bar_open[i] <= bar_open[i - 1]) {
      throw std::invalid_argument("funding: bar times must be strictly increasing (bar " +
                                  std::to_string(i) + ")");
    }
  }
  FundingFeatures f(period);
  const std::size_t n = bar_open.size();
  FundingSeriesFeatures out{std::vector<double>(n), std::vector<double>(n), std::vector<double>(n)};
  std::size_t j = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const core::TimeMs close_time = bar_open[i] + bar_ms;
    while (j < funding.size() && funding.time[j] <= close_time) {
      f.add_settlement(funding.time[j], funding.rate[j]);
      ++j;
    }
    out.rate[i] = f.value().rate;
    out.mean[i] = f.value().mean;
    out.zscore[i] = f.value().zscore;
  }
  return out;
}

}  // namespace organism::indicators

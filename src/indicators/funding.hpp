// Funding-rate features aligned to bars without look-ahead: the latest known rate, and the rolling
// mean and z-score of the last n settlements. Streaming and batch with identical numbers. Used by
// carry/funding strategies and indicator_set.
#pragma once

#include <span>
#include <vector>

#include "core/time.hpp"
#include "data/series.hpp"
#include "indicators/rolling.hpp"

namespace organism::indicators {

struct FundingValue {
  double rate = kNaN;    // the latest settlement's rate
  double mean = kNaN;    // mean of the last n settlements' rates
  double zscore = kNaN;  // (rate - mean) / population stddev of those n rates
};

// Works on the settlement sequence, not on bars: the window is the last n settlements, however
// many bars they span and whatever gaps the funding series has. rate is NaN before the first
// settlement, mean and zscore before the n-th. When the n rates are all equal the z-score is 0.
class FundingFeatures {
 public:
  explicit FundingFeatures(int period);
  // A settlement is known from its time on; add them in strictly increasing time order as they
  // happen (throws std::invalid_argument otherwise).
  void add_settlement(core::TimeMs time, double rate);
  // Features of the settlements added so far.
  const FundingValue& value() const { return value_; }

 private:
  RollingMoments m_;
  FundingValue value_;
  core::TimeMs last_time_ = 0;
  bool started_ = false;
};

struct FundingSeriesFeatures {
  std::vector<double> rate, mean, zscore;
};

// Bar i opens at bar_open[i] and closes at bar_open[i] + bar_ms; its value uses exactly the
// settlements with time <= that close (a settlement at time s is known at s, so the one that lands
// on the close counts, any later one does not). Bars before the first settlement are NaN.
// The same as feeding FundingFeatures every settlement up to each bar's close. Bar times must be
// strictly increasing, settlement times too (std::invalid_argument otherwise).
FundingSeriesFeatures funding_features(std::span<const core::TimeMs> bar_open, core::TimeMs bar_ms,
                                       const data::FundingSeries& funding, int period);

}  // namespace organism::indicators

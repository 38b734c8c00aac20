// The ML features one bar at a time: streaming indicator columns feed feature_row.hpp's per-row
// transform, so each row equals build_features' row at that bar bit for bit. Used by the ML
// families' streams (model_stream.hpp).
#pragma once

#include <deque>
#include <memory>
#include <vector>

#include "indicators/column_stream.hpp"
#include "indicators/moving_average.hpp"
#include "indicators/obv.hpp"
#include "strategy/market.hpp"
#include "strategy/ml/feature_row.hpp"

namespace organism::strategy::ml {

class FeatureStream {
 public:
  explicit FeatureStream(unsigned groups);

  std::size_t cols() const { return defs_.size(); }
  // The first row where every feature is finite (build_features' first_valid on a long series).
  std::size_t first_valid() const { return first_valid_; }
  // Writes the features of the last bar of so_far into row (cols() values). Called once per bar,
  // in order.
  void on_bar(const MarketView& so_far, double* row);

 private:
  unsigned groups_;
  std::vector<FeatureDef> defs_;
  std::size_t first_valid_;
  // The indicator columns of the active groups, in the order on_bar reads them.
  std::vector<std::unique_ptr<indicators::ColumnStream>> columns_;
  indicators::Sma volume_mean_{kVolumeWindow};
  indicators::Sma funding_mean_{kFundingWindow};
  indicators::Obv obv_;
  std::deque<double> closes_;  // the last 25 closes, newest last
  std::deque<double> obvs_;    // the last kVolumeWindow + 1 OBV values, newest last
};

}  // namespace organism::strategy::ml

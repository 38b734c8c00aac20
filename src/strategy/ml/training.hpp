// Walk-forward model training shared by the machine-learning families (11: linear SVM, 12:
// PCA -> tree -> quantile regression): features from the indicators layer, forward-return labels,
// and a refit schedule that only ever trains on samples whose label window has closed.
// Used by the two ML families; tested for look-ahead by corrupting everything after a bar T.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "strategy/market.hpp"
#include "strategy/params.hpp"

namespace organism::strategy::ml {

// Indicator groups a model may use as features: a bit mask gene (1..kAllGroups).
enum FeatureGroup : unsigned {
  kTrend = 1u << 0,       // price relative to moving averages, MACD
  kMomentum = 1u << 1,    // RSI, stochastic, CCI, returns over several horizons
  kVolatility = 1u << 2,  // ATR / price, realized volatility, Bollinger width and position
  kVolume = 1u << 3,      // volume relative to its mean, OBV slope
  kFunding = 1u << 4,     // funding per bar and its rolling mean (0 when unknown)
};
inline constexpr unsigned kAllGroups = 31;
// The mask brought into 1..kAllGroups: unknown bits dropped, an empty mask means every group.
unsigned clamp_groups(unsigned groups);

// Row-major bars x cols; NaN where a feature is still in warm-up. Values are scale-free
// (ratios, oscillators) so a model trained on one window applies to the next.
struct FeatureSet {
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::vector<double> values;
  std::vector<std::string> names;
  std::size_t first_valid = 0;  // first row where every feature is finite (rows when none)
  double at(std::size_t row, std::size_t col) const { return values[row * cols + col]; }
};

// Features at bar t from bars up to and including t only (through market.cache when set).
FeatureSet build_features(const MarketView& market, unsigned groups);
// build_features' first_valid on a series long enough: the longest warm-up of the groups' features.
std::size_t feature_lookback(unsigned groups);

// Label of bar t: log(close[t + horizon] / close[t]); NaN where t + horizon is past the end.
std::vector<double> forward_returns(const data::CandleView& bars, int horizon);

struct Schedule {
  int horizon = 1;        // h: label look-ahead in bars
  int refit_every = 250;  // R: bars between refits
  int window = 2000;      // training rows (rolling) or the minimum to start (expanding)
  bool expanding = false;
};

// A model refit by walk_forward. Implementations keep their fitted state between fit and predict.
class RollingModel {
 public:
  virtual ~RollingModel() = default;
  // x: n rows x cols, row-major, standardized with the training rows' mean and std (ddof 0; a
  // column with std 0 becomes 0); y: the rows' forward returns. False when it cannot fit (e.g.
  // a single class): exposures are then 0 until the next refit.
  virtual bool fit(std::span<const double> x, std::size_t n, std::size_t cols, std::span<const double> y) = 0;
  // Target exposure in [-1, 1] for one standardized row.
  virtual double predict(std::span<const double> row) const = 0;
};

// Refit at bars T = T0, T0 + R, ... where T0 is the first bar with `window` usable training rows;
// the model fitted at T trains on rows t with first_valid <= t <= T - horizon (purge: the label of
// t ends at t + horizon <= T), the last `window` of them (rolling) or all (expanding), and sets
// exposure for bars T .. T + R - 1 from each bar's own standardized row. Exposure is 0 before T0.
// exposure has features.rows entries. Pure: no look-ahead by construction, proven by test.
void walk_forward(const FeatureSet& features, std::span<const double> labels, const Schedule& schedule,
                  RollingModel& model, std::span<double> exposure);

// Genes every ML family shares (horizon, refit_every, window, mode, feature groups), appended to
// each family's own specs; schedule_from / groups_from read them back from the values starting
// at `offset` (the index of the first shared spec).
std::vector<ParamSpec> schedule_specs();
Schedule schedule_from(const ParamValues& values, std::size_t offset);
unsigned groups_from(const ParamValues& values, std::size_t offset);
// The groups of a mask in words ("trend, momentum"), for describe().
std::string group_names(unsigned groups);

}  // namespace organism::strategy::ml

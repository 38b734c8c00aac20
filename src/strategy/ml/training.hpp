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

// Training-window statistics, applied to the training rows and to every row predicted with the
// model fitted on them.
class Standardizer {
 public:
  explicit Standardizer(std::size_t cols) : mean_(cols), inv_sd_(cols) {}
  // Mean and population std (ddof 0) of rows [first, first + n) of row-major values, two passes
  // for accuracy. A column whose std is 0, or below 1e-9 of its mean's size (a constant column
  // whose mean rounded), carries no information and is mapped to 0.
  void fit(std::span<const double> values, std::size_t first, std::size_t n);
  void apply(const double* row, double* out) const;

 private:
  std::vector<double> mean_;
  std::vector<double> inv_sd_;  // 0 for a constant column
};

// walk_forward one bar at a time: the refit schedule, the purge and the fitted standardization,
// shared by walk_forward (a whole series) and the ML families' streams so both refit at the same
// bars on the same rows.
class WalkForward {
 public:
  // Throws core::Error for a horizon, refit interval or window below 1.
  WalkForward(const Schedule& schedule, std::size_t cols, std::size_t first_valid);
  // T0: the first refit bar; every exposure before it is 0.
  std::size_t first_fit() const { return first_fit_; }
  // The exposure at bar t, called for every bar from any t <= first_fit() on, in order. rows: the
  // feature rows [0, t] at least (row-major, cols each); labels: at least rows [0, t - horizon]
  // (later ones are not read). Refits at T0, T0 + R, ...
  double step(std::size_t t, std::span<const double> rows, std::span<const double> labels,
              RollingModel& model);

 private:
  Schedule schedule_;
  std::size_t cols_, first_valid_, first_fit_ = 0;
  Standardizer scale_;
  std::vector<double> x_, row_;  // standardized training rows; the row being predicted
  bool fitted_ = false;          // the last refit succeeded
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

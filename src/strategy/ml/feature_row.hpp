// One bar's ML features from the indicator values at that bar: the per-row transform written
// once, used by build_features over a whole series and by FeatureStream one bar at a time, so
// the two agree bit for bit. Used by strategy/ml only.
#pragma once

#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

#include "strategy/ml/training.hpp"

namespace organism::strategy::ml {

inline constexpr int kVolumeWindow = 24;
inline constexpr int kFundingWindow = 24;

// What the features of bar t read: indicator values at t and the few past values some features
// compare with (NaN where not defined, or where the groups that read them are off).
struct FeatureInputs {
  static constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  double close = kNaN;
  double close_1 = kNaN, close_4 = kNaN, close_24 = kNaN;  // close 1, 4 and 24 bars earlier
  double ema_20 = kNaN, sma_50 = kNaN, macd_hist = kNaN, plus_di = kNaN, minus_di = kNaN;
  double rsi = kNaN, stoch_k = kNaN, cci = kNaN;
  double atr = kNaN, rvol = kNaN, bb_mid = kNaN, bb_upper = kNaN, bb_lower = kNaN;
  double volume = kNaN, volume_mean = kNaN, volume_z = kNaN;
  double obv = kNaN, obv_24 = kNaN;      // OBV now and kVolumeWindow bars earlier
  double funding = 0, funding_mean = 0;  // both 0 when funding is unknown
};

// clang-format off
// In kFeatures' order (features.cpp): trend, momentum, volatility, volume, funding.
enum class Feature {
  CloseEma20, CloseSma50, MacdHist, DiSpread,
  Rsi14, StochK, Cci20, Ret1, Ret4, Ret24,
  Atr14, Rvol24, BbWidth, BbPosition,
  VolumeZ24, VolumeRatio, ObvSlope24,
  Funding, FundingMean24,
};
// clang-format on

// A feature column: its name, group and `lookback`, the first bar at which its inputs are
// defined on any series (the indicators' TA-Lib warm-ups).
struct FeatureDef {
  Feature id;
  const char* name;
  unsigned group;
  std::size_t lookback;
};

// The features of the groups (clamped), in column order (docs/strategies.md's list).
std::vector<FeatureDef> active_features(unsigned groups);

// The feature before the warm-up rule. The arithmetic is the documented one, written once.
inline double raw_feature(Feature f, const FeatureInputs& in) {
  switch (f) {
    case Feature::CloseEma20:
      return std::log(in.close / in.ema_20);
    case Feature::CloseSma50:
      return std::log(in.close / in.sma_50);
    case Feature::MacdHist:
      return in.macd_hist / in.close;
    case Feature::DiSpread:
      return (in.plus_di - in.minus_di) / 100.0;
    case Feature::Rsi14:
      return (in.rsi - 50) / 50;
    case Feature::StochK:
      return (in.stoch_k - 50) / 50;
    case Feature::Cci20:
      return (in.cci - 0) / 100;
    case Feature::Ret1:
      return std::log(in.close / in.close_1);
    case Feature::Ret4:
      return std::log(in.close / in.close_4);
    case Feature::Ret24:
      return std::log(in.close / in.close_24);
    case Feature::Atr14:
      return in.atr / in.close;
    case Feature::Rvol24:
      return in.rvol;
    case Feature::BbWidth:
      return (in.bb_upper - in.bb_lower) / in.bb_mid;
    case Feature::BbPosition:
      return (in.close - in.bb_mid) / (in.bb_upper - in.bb_lower);
    case Feature::VolumeZ24:
      return in.volume_z;
    case Feature::VolumeRatio:
      return in.volume / in.volume_mean - 1;
    // OBV's change over the window as a share of the volume traded in it: +1 all up, -1 all down.
    case Feature::ObvSlope24:
      return (in.obv - in.obv_24) / (in.volume_mean * kVolumeWindow);
    case Feature::Funding:
      return in.funding;
    case Feature::FundingMean24:
      return in.funding_mean;
  }
  return FeatureInputs::kNaN;
}

// The feature at bar `bar`: NaN before its lookback; from there on a value that is not finite (a
// 0/0 on a flat stretch) reads as 0, the neutral value of every feature here.
inline double feature_value(const FeatureDef& def, const FeatureInputs& in, std::size_t bar) {
  if (bar < def.lookback) return FeatureInputs::kNaN;
  const double x = raw_feature(def.id, in);
  return std::isfinite(x) ? x : 0.0;
}

// The features' common warm-up: the first row where every feature is finite.
inline std::size_t first_valid_row(const std::vector<FeatureDef>& defs) {
  std::size_t lookback = 0;
  for (const auto& d : defs) lookback = d.lookback > lookback ? d.lookback : lookback;
  return lookback;
}

}  // namespace organism::strategy::ml

// build_features and feature_lookback: the scale-free indicator features of the ML families, in
// five groups (training.hpp), over a whole series. The per-row arithmetic is feature_row.hpp's,
// shared with FeatureStream. The exact list is in docs/strategies.md, "Machine-learning families".
#include <algorithm>
#include <array>

#include "indicators/moving_average.hpp"
#include "indicators/obv.hpp"
#include "strategy/ml/feature_row.hpp"
#include "strategy/signal_util.hpp"

namespace organism::strategy::ml {
namespace {

// Lookbacks: the indicators' TA-Lib warm-ups. MACD's histogram needs the slow EMA (26 bars) and
// then 9 values of the line for its signal.
constexpr std::array<FeatureDef, 19> kFeatures = {{
    {Feature::CloseEma20, "close_ema_20", kTrend, 19},
    {Feature::CloseSma50, "close_sma_50", kTrend, 49},
    {Feature::MacdHist, "macd_hist", kTrend, 33},
    {Feature::DiSpread, "di_spread", kTrend, 14},
    {Feature::Rsi14, "rsi_14", kMomentum, 14},
    {Feature::StochK, "stoch_k", kMomentum, 15},
    {Feature::Cci20, "cci_20", kMomentum, 19},
    {Feature::Ret1, "ret_1", kMomentum, 1},
    {Feature::Ret4, "ret_4", kMomentum, 4},
    {Feature::Ret24, "ret_24", kMomentum, 24},
    {Feature::Atr14, "atr_14", kVolatility, 14},
    {Feature::Rvol24, "rvol_24", kVolatility, 24},
    {Feature::BbWidth, "bb_width", kVolatility, 19},
    {Feature::BbPosition, "bb_position", kVolatility, 19},
    {Feature::VolumeZ24, "volume_z_24", kVolume, kVolumeWindow - 1},
    {Feature::VolumeRatio, "volume_ratio", kVolume, kVolumeWindow - 1},
    {Feature::ObvSlope24, "obv_slope_24", kVolume, kVolumeWindow},
    {Feature::Funding, "funding", kFunding, 0},
    {Feature::FundingMean24, "funding_mean_24", kFunding, kFundingWindow - 1},
}};

// The whole-series inputs of the active groups (through the market's cache), read row by row.
class SeriesInputs {
 public:
  SeriesInputs(const MarketView& m, unsigned groups) : m_(m) {
    const std::size_t n = m.bars.size();
    if (groups & kTrend) {
      ema20_ = column(m, "ema_20");
      sma50_ = column(m, "sma_50");
      hist_ = column(m, "macd_hist_12_26_9");
      plus_ = column(m, "plus_di_14");
      minus_ = column(m, "minus_di_14");
    }
    if (groups & kMomentum) {
      rsi_ = column(m, "rsi_14");
      stoch_ = column(m, "stoch_k_14_3_3");
      cci_ = column(m, "cci_20");
    }
    if (groups & kVolatility) {
      atr_ = column(m, "atr_14");
      rvol_ = column(m, "rvol_24");
      mid_ = column(m, "bb_mid_20_2");
      up_ = column(m, "bb_upper_20_2");
      lo_ = column(m, "bb_lower_20_2");
    }
    if (groups & kVolume) {
      volume_mean_ = indicators::sma(m.bars.volume, kVolumeWindow);
      obv_ = indicators::obv(m.bars);
      volume_z_ = column(m, "volume_z_24");
    }
    if ((groups & kFunding) && m.funding_per_bar.size() == n) {  // unknown funding: both stay 0
      funding_mean_ = indicators::sma(m.funding_per_bar, kFundingWindow);
    }
  }

  FeatureInputs at(std::size_t i) const {
    FeatureInputs in;
    const auto close = m_.bars.close;
    in.close = close[i];
    if (i >= 1) in.close_1 = close[i - 1];
    if (i >= 4) in.close_4 = close[i - 4];
    if (i >= 24) in.close_24 = close[i - 24];
    if (ema20_) {
      in.ema_20 = (*ema20_)[i];
      in.sma_50 = (*sma50_)[i];
      in.macd_hist = (*hist_)[i];
      in.plus_di = (*plus_)[i];
      in.minus_di = (*minus_)[i];
    }
    if (rsi_) {
      in.rsi = (*rsi_)[i];
      in.stoch_k = (*stoch_)[i];
      in.cci = (*cci_)[i];
    }
    if (atr_) {
      in.atr = (*atr_)[i];
      in.rvol = (*rvol_)[i];
      in.bb_mid = (*mid_)[i];
      in.bb_upper = (*up_)[i];
      in.bb_lower = (*lo_)[i];
    }
    if (volume_z_) {
      in.volume = m_.bars.volume[i];
      in.volume_mean = volume_mean_[i];
      in.volume_z = (*volume_z_)[i];
      in.obv = obv_[i];
      if (i >= kVolumeWindow) in.obv_24 = obv_[i - kVolumeWindow];
    }
    if (!funding_mean_.empty()) {
      in.funding = m_.funding_per_bar[i];
      in.funding_mean = funding_mean_[i];
    }
    return in;
  }

 private:
  const MarketView& m_;
  indicators::SharedColumn ema20_, sma50_, hist_, plus_, minus_, rsi_, stoch_, cci_, atr_, rvol_,
      mid_, up_, lo_, volume_z_;
  std::vector<double> volume_mean_, obv_, funding_mean_;
};

}  // namespace

unsigned clamp_groups(unsigned groups) {
  groups &= kAllGroups;
  return groups == 0 ? kAllGroups : groups;
}

std::vector<FeatureDef> active_features(unsigned groups) {
  groups = clamp_groups(groups);
  std::vector<FeatureDef> out;
  for (const auto& f : kFeatures) {
    if (groups & f.group) out.push_back(f);
  }
  return out;
}

std::size_t feature_lookback(unsigned groups) { return first_valid_row(active_features(groups)); }

FeatureSet build_features(const MarketView& market, unsigned groups) {
  groups = clamp_groups(groups);
  const auto defs = active_features(groups);
  const SeriesInputs inputs(market, groups);
  FeatureSet f;
  f.rows = market.bars.size();
  f.cols = defs.size();
  f.values.resize(f.rows * f.cols);
  f.first_valid = std::min(first_valid_row(defs), f.rows);
  for (const auto& d : defs) f.names.emplace_back(d.name);
  for (std::size_t i = 0; i < f.rows; ++i) {
    const FeatureInputs in = inputs.at(i);
    double* row = &f.values[i * f.cols];
    for (std::size_t j = 0; j < f.cols; ++j) row[j] = feature_value(defs[j], in, i);
  }
  return f;
}

}  // namespace organism::strategy::ml

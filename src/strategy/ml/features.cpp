// build_features and feature_lookback: the scale-free indicator features of the ML families, in
// five groups (training.hpp). The exact list is in docs/strategies.md, "Machine-learning families".
#include <algorithm>
#include <cmath>
#include <limits>

#include "indicators/moving_average.hpp"
#include "indicators/obv.hpp"
#include "strategy/ml/training.hpp"
#include "strategy/signal_util.hpp"

namespace organism::strategy::ml {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr int kVolumeWindow = 24;
constexpr int kFundingWindow = 24;

// One feature column before the warm-up rule is applied. `lookback` is the first bar at which its
// inputs are defined on any series (the indicators' TA-Lib warm-ups); from there on, a value that
// is not finite (a 0/0 on a flat stretch) is read as 0, the neutral value of every feature here.
struct Column {
  const char* name;
  std::size_t lookback;
  std::vector<double> values;
};

// log(a / b) at every bar.
std::vector<double> log_ratio(std::span<const double> a, std::span<const double> b) {
  std::vector<double> out(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) out[i] = std::log(a[i] / b[i]);
  return out;
}

// (x - center) / scale at every bar.
std::vector<double> affine(std::span<const double> x, double center, double scale) {
  std::vector<double> out(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) out[i] = (x[i] - center) / scale;
  return out;
}

// log(close[t] / close[t - k]); NaN for t < k.
std::vector<double> past_return(std::span<const double> close, std::size_t k) {
  std::vector<double> out(close.size(), kNaN);
  for (std::size_t i = k; i < close.size(); ++i) out[i] = std::log(close[i] / close[i - k]);
  return out;
}

void add_trend(const MarketView& m, std::vector<Column>& cols) {
  const auto close = m.bars.close;
  const auto ema20 = column(m, "ema_20"), sma50 = column(m, "sma_50");
  const auto hist = column(m, "macd_hist_12_26_9");
  const auto plus = column(m, "plus_di_14"), minus = column(m, "minus_di_14");
  std::vector<double> macd(close.size()), di(close.size());
  for (std::size_t i = 0; i < close.size(); ++i) {
    macd[i] = (*hist)[i] / close[i];
    di[i] = ((*plus)[i] - (*minus)[i]) / 100.0;
  }
  cols.push_back({"close_ema_20", 19, log_ratio(close, *ema20)});
  cols.push_back({"close_sma_50", 49, log_ratio(close, *sma50)});
  // The histogram needs the slow EMA (26 bars) and then 9 values of the line for its signal.
  cols.push_back({"macd_hist", 33, std::move(macd)});
  cols.push_back({"di_spread", 14, std::move(di)});
}

void add_momentum(const MarketView& m, std::vector<Column>& cols) {
  const auto close = m.bars.close;
  cols.push_back({"rsi_14", 14, affine(*column(m, "rsi_14"), 50, 50)});
  cols.push_back({"stoch_k", 15, affine(*column(m, "stoch_k_14_3_3"), 50, 50)});
  cols.push_back({"cci_20", 19, affine(*column(m, "cci_20"), 0, 100)});
  cols.push_back({"ret_1", 1, past_return(close, 1)});
  cols.push_back({"ret_4", 4, past_return(close, 4)});
  cols.push_back({"ret_24", 24, past_return(close, 24)});
}

void add_volatility(const MarketView& m, std::vector<Column>& cols) {
  const auto close = m.bars.close;
  const auto atr = column(m, "atr_14"), rvol = column(m, "rvol_24");
  const auto mid = column(m, "bb_mid_20_2"), up = column(m, "bb_upper_20_2"),
             lo = column(m, "bb_lower_20_2");
  std::vector<double> atr_frac(close.size()), width(close.size()), position(close.size());
  for (std::size_t i = 0; i < close.size(); ++i) {
    atr_frac[i] = (*atr)[i] / close[i];
    width[i] = ((*up)[i] - (*lo)[i]) / (*mid)[i];
    position[i] = (close[i] - (*mid)[i]) / ((*up)[i] - (*lo)[i]);
  }
  cols.push_back({"atr_14", 14, std::move(atr_frac)});
  cols.push_back({"rvol_24", 24, std::vector<double>(rvol->begin(), rvol->end())});
  cols.push_back({"bb_width", 19, std::move(width)});
  cols.push_back({"bb_position", 19, std::move(position)});
}

void add_volume(const MarketView& m, std::vector<Column>& cols) {
  const auto volume = m.bars.volume;
  const std::size_t n = volume.size(), w = kVolumeWindow;
  const auto mean = indicators::sma(volume, kVolumeWindow);
  const auto obv = indicators::obv(m.bars);
  std::vector<double> ratio(n), slope(n, kNaN);
  for (std::size_t i = 0; i < n; ++i) ratio[i] = volume[i] / mean[i] - 1;
  // OBV's change over the window as a share of the volume traded in it: +1 all up, -1 all down.
  for (std::size_t i = w; i < n; ++i) slope[i] = (obv[i] - obv[i - w]) / (mean[i] * kVolumeWindow);
  cols.push_back({"volume_z_24", w - 1, std::vector<double>(*column(m, "volume_z_24"))});
  cols.push_back({"volume_ratio", w - 1, std::move(ratio)});
  cols.push_back({"obv_slope_24", w, std::move(slope)});
}

void add_funding(const MarketView& m, std::vector<Column>& cols) {
  const std::size_t n = m.bars.size();
  std::vector<double> rate(n, 0.0), mean(n, 0.0);
  if (m.funding_per_bar.size() == n) {  // unknown funding: both stay 0
    rate.assign(m.funding_per_bar.begin(), m.funding_per_bar.end());
    mean = indicators::sma(m.funding_per_bar, kFundingWindow);
  }
  cols.push_back({"funding", 0, std::move(rate)});
  cols.push_back({"funding_mean_24", kFundingWindow - 1, std::move(mean)});
}

std::vector<Column> feature_columns(const MarketView& m, unsigned groups) {
  std::vector<Column> cols;
  if (groups & kTrend) add_trend(m, cols);
  if (groups & kMomentum) add_momentum(m, cols);
  if (groups & kVolatility) add_volatility(m, cols);
  if (groups & kVolume) add_volume(m, cols);
  if (groups & kFunding) add_funding(m, cols);
  return cols;
}

}  // namespace

unsigned clamp_groups(unsigned groups) {
  groups &= kAllGroups;
  return groups == 0 ? kAllGroups : groups;
}

std::size_t feature_lookback(unsigned groups) {
  groups = clamp_groups(groups);
  std::size_t lookback = 0;
  if (groups & kTrend) lookback = std::max<std::size_t>(lookback, 49);
  if (groups & kMomentum) lookback = std::max<std::size_t>(lookback, 24);
  if (groups & kVolatility) lookback = std::max<std::size_t>(lookback, 24);
  if (groups & kVolume) lookback = std::max<std::size_t>(lookback, kVolumeWindow);
  if (groups & kFunding) lookback = std::max<std::size_t>(lookback, kFundingWindow - 1);
  return lookback;
}

FeatureSet build_features(const MarketView& market, unsigned groups) {
  groups = clamp_groups(groups);
  auto cols = feature_columns(market, groups);
  FeatureSet f;
  f.rows = market.bars.size();
  f.cols = cols.size();
  f.values.resize(f.rows * f.cols);
  std::size_t lookback = 0;
  for (const auto& c : cols) lookback = std::max(lookback, c.lookback);
  f.first_valid = std::min(lookback, f.rows);
  for (std::size_t j = 0; j < f.cols; ++j) {
    f.names.emplace_back(cols[j].name);
    const auto& v = cols[j].values;
    for (std::size_t i = 0; i < f.rows; ++i) {
      const double x = i < cols[j].lookback ? kNaN : (std::isfinite(v[i]) ? v[i] : 0.0);
      f.values[i * f.cols + j] = x;
    }
  }
  return f;
}

}  // namespace organism::strategy::ml

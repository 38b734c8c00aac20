// FeatureStream: the indicator columns build_features reads, streamed, and the few past values
// (closes for returns, OBV for its slope) kept in short rings.
#include "strategy/ml/feature_stream.hpp"

#include <array>

#include "indicators/column_spec.hpp"

namespace organism::strategy::ml {
namespace {

// The columns of each group in the order on_bar reads them (build_features' names).
constexpr std::array<const char*, 5> kTrendColumns = {"ema_20", "sma_50", "macd_hist_12_26_9",
                                                      "plus_di_14", "minus_di_14"};
constexpr std::array<const char*, 3> kMomentumColumns = {"rsi_14", "stoch_k_14_3_3", "cci_20"};
constexpr std::array<const char*, 5> kVolatilityColumns = {"atr_14", "rvol_24", "bb_mid_20_2",
                                                           "bb_upper_20_2", "bb_lower_20_2"};
constexpr std::size_t kCloseHistory = 25;  // close now and up to 24 bars earlier
constexpr auto kObvHistory = static_cast<std::size_t>(kVolumeWindow) + 1;

// The value `back` steps before the newest of a ring holding the newest last; NaN when shorter.
double before(const std::deque<double>& ring, std::size_t back) {
  return ring.size() > back ? ring[ring.size() - 1 - back] : FeatureInputs::kNaN;
}

}  // namespace

FeatureStream::FeatureStream(unsigned groups)
    : groups_(clamp_groups(groups)),
      defs_(active_features(groups_)),
      first_valid_(first_valid_row(defs_)) {}

void FeatureStream::on_bar(const MarketView& so_far, double* row) {
  const std::size_t t = so_far.bars.size() - 1;
  const data::Bar bar = so_far.bars.bar(t);
  if (columns_.empty()) {  // the bar length (rvol's scale) is known with the first bar
    auto add = [&](auto names) {
      for (const char* name : names)
        columns_.push_back(indicators::column_stream(indicators::parse_column(name),
                                                     so_far.interval.nominal_ms()));
    };
    if (groups_ & kTrend) add(kTrendColumns);
    if (groups_ & kMomentum) add(kMomentumColumns);
    if (groups_ & kVolatility) add(kVolatilityColumns);
    if (groups_ & kVolume) add(std::array<const char*, 1>{"volume_z_24"});
  }
  closes_.push_back(bar.close);
  if (closes_.size() > kCloseHistory) closes_.pop_front();

  FeatureInputs in;
  in.close = bar.close;
  in.close_1 = before(closes_, 1);
  in.close_4 = before(closes_, 4);
  in.close_24 = before(closes_, 24);
  std::size_t k = 0;
  auto next = [&] { return columns_[k++]->update(bar); };
  if (groups_ & kTrend) {
    in.ema_20 = next();
    in.sma_50 = next();
    in.macd_hist = next();
    in.plus_di = next();
    in.minus_di = next();
  }
  if (groups_ & kMomentum) {
    in.rsi = next();
    in.stoch_k = next();
    in.cci = next();
  }
  if (groups_ & kVolatility) {
    in.atr = next();
    in.rvol = next();
    in.bb_mid = next();
    in.bb_upper = next();
    in.bb_lower = next();
  }
  if (groups_ & kVolume) {
    in.volume = bar.volume;
    in.volume_mean = volume_mean_.update(bar.volume);
    in.volume_z = next();
    obvs_.push_back(obv_.update(bar.close, bar.volume));
    if (obvs_.size() > kObvHistory) obvs_.pop_front();
    in.obv = obvs_.back();
    in.obv_24 = before(obvs_, kObvHistory - 1);
  }
  // Unknown funding leaves both at 0, as build_features does for a series without funding.
  if ((groups_ & kFunding) && !so_far.funding_per_bar.empty()) {
    in.funding = so_far.funding_per_bar.back();
    in.funding_mean = funding_mean_.update(in.funding);
  }
  for (std::size_t j = 0; j < defs_.size(); ++j) row[j] = feature_value(defs_[j], in, t);
}

}  // namespace organism::strategy::ml

// Market regimes per bar: realized volatility against its rolling median, ADX with an EMA slope,
// and the Fear & Greed band; their packed code and label; performance of a return stream per regime.
#include "indicators/regime.hpp"

#include <cmath>

#include <fmt/format.h>

#include "core/error.hpp"
#include "indicators/adx.hpp"
#include "indicators/moving_average.hpp"
#include "indicators/returns.hpp"
#include "indicators/rolling_median.hpp"

namespace organism::indicators {
namespace {

constexpr int kVolCount = 4;
constexpr int kTrendCount = 4;
constexpr int kSentimentCount = 6;
static_assert(kVolCount * kTrendCount * kSentimentCount == kRegimeCodes);

constexpr std::array<std::string_view, kVolCount> kVolNames{"unknown", "low_vol", "normal_vol", "high_vol"};
constexpr std::array<std::string_view, kTrendCount> kTrendNames{"unknown", "down", "range", "up"};
constexpr std::array<std::string_view, kSentimentCount> kSentimentNames{"unknown", "extreme_fear", "fear",
                                                                        "neutral", "greed", "extreme_greed"};

template <std::size_t N>
std::optional<std::uint8_t> index_of(const std::array<std::string_view, N>& names, std::string_view text) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == text) return static_cast<std::uint8_t>(i);
  }
  return std::nullopt;
}

void require(bool ok, const char* field, const std::string& why) {
  if (!ok) throw core::UsageError(fmt::format("regime options: {} {}", field, why));
}

// The volatility part: realized volatility (per bar) over its rolling median. A zero median (a
// flat stretch) has no ratio: the bar is High if it moved at all, else Normal (it sits at its median).
VolRegime vol_regime(double realized, double median, const RegimeOptions& o) {
  if (!std::isfinite(realized) || !std::isfinite(median)) return VolRegime::Unknown;
  if (median <= 0) return realized > 0 ? VolRegime::High : VolRegime::Normal;
  const double ratio = realized / median;
  if (ratio >= o.high_vol_ratio) return VolRegime::High;
  if (ratio <= o.low_vol_ratio) return VolRegime::Low;
  return VolRegime::Normal;
}

TrendRegime trend_regime(double adx_value, double slope, const RegimeOptions& o) {
  if (!std::isfinite(adx_value) || !std::isfinite(slope)) return TrendRegime::Unknown;
  if (adx_value >= o.adx_trend && slope > 0) return TrendRegime::Up;
  if (adx_value >= o.adx_trend && slope < 0) return TrendRegime::Down;
  return TrendRegime::Range;
}

// One regime value's returns so far: Welford's mean and sum of squared deviations (exactly 0 on
// equal returns, where a sum of squares minus the squared sum would leave rounding noise).
struct Accumulator {
  std::int64_t bars = 0;
  double mean = 0, m2 = 0, growth = 1;
  void add(double r) {
    ++bars;
    const double delta = r - mean;
    mean += delta / static_cast<double>(bars);
    m2 += delta * (r - mean);
    growth *= 1 + r;
  }
};

// mean / std(ddof = 1) * sqrt(bars_per_year), as backtest::Metrics::sharpe.
RegimeStats stats_of(std::string_view name, const Accumulator& a, double bars_per_year) {
  RegimeStats s;
  s.regime = std::string(name);
  s.bars = a.bars;
  s.mean_return = a.mean;
  s.total_return = a.growth - 1;
  if (a.bars >= 2) {
    const double var = a.m2 / static_cast<double>(a.bars - 1);
    if (var > 0) s.sharpe = a.mean / std::sqrt(var) * std::sqrt(bars_per_year);
  }
  return s;
}

}  // namespace

std::string_view name(VolRegime v) { return kVolNames[static_cast<std::size_t>(v)]; }
std::string_view name(TrendRegime t) { return kTrendNames[static_cast<std::size_t>(t)]; }
std::string_view name(SentimentBand s) { return kSentimentNames[static_cast<std::size_t>(s)]; }

std::uint8_t Regime::code() const {
  return static_cast<std::uint8_t>(static_cast<int>(vol) * kTrendCount * kSentimentCount +
                                   static_cast<int>(trend) * kSentimentCount + static_cast<int>(sentiment));
}

Regime Regime::from_code(std::uint8_t code) {
  if (code >= kVolCount * kTrendCount * kSentimentCount) {
    throw core::UsageError(fmt::format("regime code {} is outside 0..{}", code, kVolCount * kTrendCount * kSentimentCount - 1));
  }
  Regime r;
  r.vol = static_cast<VolRegime>(code / (kTrendCount * kSentimentCount));
  r.trend = static_cast<TrendRegime>(code / kSentimentCount % kTrendCount);
  r.sentiment = static_cast<SentimentBand>(code % kSentimentCount);
  return r;
}

std::string Regime::label() const { return fmt::format("{}/{}/{}", name(vol), name(trend), name(sentiment)); }

std::optional<Regime> Regime::parse(std::string_view label) {
  const auto first = label.find('/');
  if (first == std::string_view::npos) return std::nullopt;
  const auto second = label.find('/', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  const auto v = index_of(kVolNames, label.substr(0, first));
  const auto t = index_of(kTrendNames, label.substr(first + 1, second - first - 1));
  const auto s = index_of(kSentimentNames, label.substr(second + 1));
  if (!v || !t || !s) return std::nullopt;
  return Regime{static_cast<VolRegime>(*v), static_cast<TrendRegime>(*t), static_cast<SentimentBand>(*s)};
}

void check_regime_options(const RegimeOptions& o) {
  require(o.vol_window >= 1, "vol_window", "must be at least 1");
  require(o.vol_median_window >= 1, "vol_median_window", "must be at least 1");
  require(o.adx_period >= 1, "adx_period", "must be at least 1");
  require(o.ema_period >= 1, "ema_period", "must be at least 1");
  require(o.slope_bars >= 1, "slope_bars", "must be at least 1");
  require(o.low_vol_ratio > 0 && o.low_vol_ratio < o.high_vol_ratio, "low_vol_ratio",
          fmt::format("must be above 0 and below high_vol_ratio ({}), got {}", o.high_vol_ratio, o.low_vol_ratio));
  require(std::isfinite(o.high_vol_ratio), "high_vol_ratio", "must be finite");
  require(std::isfinite(o.adx_trend) && o.adx_trend >= 0 && o.adx_trend <= 100, "adx_trend", "must be within [0, 100]");
  const std::array<std::pair<const char*, double>, 4> bands{
      {{"extreme_fear", o.extreme_fear}, {"fear", o.fear}, {"greed", o.greed}, {"extreme_greed", o.extreme_greed}}};
  for (std::size_t i = 0; i < bands.size(); ++i) {
    require(bands[i].second >= 0 && bands[i].second <= 100, bands[i].first,
            fmt::format("must be within [0, 100], got {}", bands[i].second));
    if (i > 0) {
      require(bands[i - 1].second <= bands[i].second, bands[i].first,
              fmt::format("must not be below {} ({}), got {}", bands[i - 1].first, bands[i - 1].second, bands[i].second));
    }
  }
}

SentimentBand sentiment_band(double value, const RegimeOptions& o) {
  if (std::isnan(value)) return SentimentBand::Unknown;
  if (value <= o.extreme_fear) return SentimentBand::ExtremeFear;
  if (value <= o.fear) return SentimentBand::Fear;
  if (value < o.greed) return SentimentBand::Neutral;
  if (value < o.extreme_greed) return SentimentBand::Greed;
  return SentimentBand::ExtremeGreed;
}

std::vector<Regime> classify_regimes(const data::CandleView& bars, std::span<const double> sentiment,
                                     const RegimeOptions& options) {
  check_regime_options(options);
  const std::size_t n = bars.size();
  if (!sentiment.empty() && sentiment.size() != n) {
    throw core::UsageError(fmt::format("classify_regimes: {} sentiment values for {} bars", sentiment.size(), n));
  }
  // Every column below is causal (value t from bars 0..t), so the labels are too.
  const auto realized = realized_vol(bars.close, options.vol_window, 1.0);
  const auto median = rolling_median(realized, static_cast<std::size_t>(options.vol_median_window));
  const auto trend_strength = adx(bars, options.adx_period).adx;
  const auto average = ema(bars.close, options.ema_period);
  const auto lag = static_cast<std::size_t>(options.slope_bars);

  std::vector<Regime> out(n);
  for (std::size_t t = 0; t < n; ++t) {
    out[t].vol = vol_regime(realized[t], median[t], options);
    const double slope = t >= lag ? average[t] - average[t - lag] : kNaN;
    out[t].trend = trend_regime(trend_strength[t], slope, options);
    out[t].sentiment = sentiment.empty() ? SentimentBand::Unknown : sentiment_band(sentiment[t], options);
  }
  return out;
}

std::vector<RegimeStats> performance_by_regime(std::span<const double> returns, std::span<const Regime> regimes,
                                               double bars_per_year) {
  if (returns.size() != regimes.size()) {
    throw core::UsageError(
        fmt::format("performance_by_regime: {} returns for {} regimes", returns.size(), regimes.size()));
  }
  std::array<Accumulator, kVolCount> vol{};
  std::array<Accumulator, kTrendCount> trend{};
  std::array<Accumulator, kSentimentCount> sentiment{};
  for (std::size_t i = 1; i < returns.size(); ++i) {
    const Regime& decided = regimes[i - 1];
    vol[static_cast<std::size_t>(decided.vol)].add(returns[i]);
    trend[static_cast<std::size_t>(decided.trend)].add(returns[i]);
    sentiment[static_cast<std::size_t>(decided.sentiment)].add(returns[i]);
  }
  std::vector<RegimeStats> out;
  auto emit = [&](const auto& accumulators, const auto& names) {
    for (std::size_t k = 1; k < accumulators.size(); ++k) {  // 0 is Unknown: left out
      if (accumulators[k].bars > 0) out.push_back(stats_of(names[k], accumulators[k], bars_per_year));
    }
  };
  emit(vol, kVolNames);
  emit(trend, kTrendNames);
  emit(sentiment, kSentimentNames);
  return out;
}

}  // namespace organism::indicators

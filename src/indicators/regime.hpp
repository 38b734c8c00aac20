// Market regimes per bar of one coin: a volatility regime (realized volatility against its rolling
// median), a trend regime (ADX strength and the slope of an EMA) and a sentiment band (the Fear &
// Greed index, with the contrarian extremes <= 25 and >= 75), combined into one label.
// A regime at bar t uses bars up to and including t's close only (no look-ahead).
// Used by validation (performance per regime), the portfolio allocator (scaling a strategy down in
// regimes where it has lost), the store (the label per bar) and the reports. Pure computation.
//
// It lives in indicators, not portfolio (DESIGN.md's table puts regimes in src/portfolio/): it is
// a function of one coin's bars like every indicator, and validation, two layers below the
// portfolio, records each strategy's performance per regime with it.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "data/series.hpp"

namespace organism::indicators {

enum class VolRegime : std::uint8_t { Unknown, Low, Normal, High };
enum class TrendRegime : std::uint8_t { Unknown, Down, Range, Up };
enum class SentimentBand : std::uint8_t { Unknown, ExtremeFear, Fear, Neutral, Greed, ExtremeGreed };

// "unknown" | "low_vol" | "normal_vol" | "high_vol"; "unknown" | "down" | "range" | "up";
// "unknown" | "extreme_fear" | "fear" | "neutral" | "greed" | "extreme_greed".
std::string_view name(VolRegime v);
std::string_view name(TrendRegime t);
std::string_view name(SentimentBand s);

// The number of regime codes (4 x 4 x 6): a code is below this.
inline constexpr std::uint8_t kRegimeCodes = 96;

// One bar's regime. Its code packs the three parts in one byte (vol * 24 + trend * 6 + sentiment,
// 0..95), so a series of labels is a byte column; label() is "high_vol/up/extreme_fear".
struct Regime {
  VolRegime vol = VolRegime::Unknown;
  TrendRegime trend = TrendRegime::Unknown;
  SentimentBand sentiment = SentimentBand::Unknown;

  std::uint8_t code() const;
  static Regime from_code(std::uint8_t code);
  std::string label() const;
  // The inverse of label(); nullopt for any other text.
  static std::optional<Regime> parse(std::string_view label);
  bool operator==(const Regime&) const = default;
};

struct RegimeOptions {
  int vol_window = 24;          // bars of log returns in the realized volatility (population std)
  int vol_median_window = 720;  // bars of realized volatility in its rolling median
  double high_vol_ratio = 1.25; // realized / median >= this: High
  double low_vol_ratio = 0.80;  // realized / median <= this: Low; between: Normal
  int adx_period = 14;
  double adx_trend = 25;        // ADX >= this and a rising (falling) EMA: Up (Down); else Range
  int ema_period = 50;          // slope = ema_t - ema_{t - slope_bars}
  int slope_bars = 5;
  double extreme_fear = 25;     // sentiment <= this: ExtremeFear
  double fear = 45;             // <= this: Fear
  double greed = 55;            // < this: Neutral (above fear); < extreme_greed: Greed
  double extreme_greed = 75;    // >= this: ExtremeGreed
};

// Throws core::UsageError naming the bad field (windows < 1, low_vol_ratio >= high_vol_ratio,
// bands out of order or outside [0, 100]).
void check_regime_options(const RegimeOptions& options);

// The sentiment band of one value (NaN: Unknown).
SentimentBand sentiment_band(double value, const RegimeOptions& options = {});

// The regime of every bar. `sentiment` is empty (every band Unknown) or as long as bars. Parts
// still warming up are Unknown (vol until vol_window + vol_median_window - 1 bars, trend until
// ADX and the slope exist).
std::vector<Regime> classify_regimes(const data::CandleView& bars, std::span<const double> sentiment,
                                     const RegimeOptions& options = {});

// How a return stream did per regime part: one row per part value seen, in enum order.
struct RegimeStats {
  std::string regime;  // a part's name, e.g. "high_vol", "up", "extreme_fear"
  std::int64_t bars = 0;
  double mean_return = 0;  // per bar
  double total_return = 0;  // compounded over those bars
  double sharpe = 0;        // annualized; 0 when fewer than 2 bars or no variance
};
// Per part (volatility, trend, sentiment), the bars where the regime is known. returns[i] is the
// return over bar i, classified by regimes[i - 1]: the regime known when the position held
// during bar i was decided (bar 0 is skipped). Same lengths, else core::UsageError.
std::vector<RegimeStats> performance_by_regime(std::span<const double> returns, std::span<const Regime> regimes,
                                               double bars_per_year);

}  // namespace organism::indicators

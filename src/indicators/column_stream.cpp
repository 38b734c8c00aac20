#include "indicators/column_stream.hpp"

#include <utility>

#include "core/error.hpp"
#include "indicators/adx.hpp"
#include "indicators/atr.hpp"
#include "indicators/bollinger.hpp"
#include "indicators/cci.hpp"
#include "indicators/donchian.hpp"
#include "indicators/ichimoku.hpp"
#include "indicators/macd.hpp"
#include "indicators/moving_average.hpp"
#include "indicators/obv.hpp"
#include "indicators/returns.hpp"
#include "indicators/rsi.hpp"
#include "indicators/statistics.hpp"
#include "indicators/stochastic.hpp"
#include "indicators/vwap.hpp"

namespace organism::indicators {

namespace {

// Each column is one of the streaming classes that compute_column runs over a series (its batch
// form is that class's update in a loop), so feeding it the same bars gives the same bits.
template <class Step>
class StepStream final : public ColumnStream {
 public:
  explicit StepStream(Step step) : step_(std::move(step)) {}
  double update(const data::Bar& bar) override { return step_(bar); }

 private:
  Step step_;
};

template <class Step>
std::unique_ptr<ColumnStream> make(Step step) {
  return std::make_unique<StepStream<Step>>(std::move(step));
}

// A streaming class fed closes (the batch functions of close-only indicators read bars.close).
template <class Indicator>
std::unique_ptr<ColumnStream> on_close(Indicator f) {
  return make([f = std::move(f)](const data::Bar& b) mutable { return f.update(b.close); });
}

template <class Indicator>
std::unique_ptr<ColumnStream> on_bar(Indicator f) {
  return make([f = std::move(f)](const data::Bar& b) mutable { return f.update(b); });
}

// A member of a multi-output indicator's value (MACD's signal, Donchian's low...).
template <class Indicator, class Pick>
std::unique_ptr<ColumnStream> on_close_pick(Indicator f, Pick pick) {
  return make([f = std::move(f), pick](const data::Bar& b) mutable { return pick(f.update(b.close)); });
}

template <class Indicator, class Pick>
std::unique_ptr<ColumnStream> on_bar_pick(Indicator f, Pick pick) {
  return make([f = std::move(f), pick](const data::Bar& b) mutable { return pick(f.update(b)); });
}

int p(const ColumnSpec& c, std::size_t i) { return static_cast<int>(c.params[i]); }

// The same parameter sets as indicator_set.cpp's ichimoku_column: each column on its own.
std::unique_ptr<ColumnStream> ichimoku_stream(const ColumnSpec& c) {
  const std::string& b = c.base;
  if (b == "ichimoku_tenkan") {
    return on_bar_pick(Ichimoku({p(c, 0), p(c, 0), p(c, 0), 0}),
                       [](const IchimokuValue& v) { return v.tenkan; });
  }
  if (b == "ichimoku_kijun") {
    return on_bar_pick(Ichimoku({p(c, 0), p(c, 0), p(c, 0), 0}),
                       [](const IchimokuValue& v) { return v.kijun; });
  }
  if (b == "ichimoku_senkou_a") {
    return on_bar_pick(Ichimoku({p(c, 0), p(c, 1), p(c, 2), p(c, 1)}),
                       [](const IchimokuValue& v) { return v.senkou_a; });
  }
  return on_bar_pick(Ichimoku({1, 1, p(c, 0), p(c, 1)}),
                     [](const IchimokuValue& v) { return v.senkou_b; });
}

}  // namespace

std::unique_ptr<ColumnStream> column_stream(const ColumnSpec& column, core::TimeMs bar_ms) {
  const ColumnSpec c = parse_column(column.name());  // validates a hand-built spec
  const std::string& b = c.base;
  if (b.starts_with("funding_")) {
    throw core::UsageError("indicator '" + c.name() +
                           "' reads a funding series, not bars: it has no bar stream");
  }
  if (b == "sma") return on_close(Sma(p(c, 0)));
  if (b == "ema") return on_close(Ema(p(c, 0)));
  if (b == "wma") return on_close(Wma(p(c, 0)));
  if (b == "rsi") return on_close(Rsi(p(c, 0)));
  if (b == "macd") return on_close_pick(Macd(p(c, 0), p(c, 1), p(c, 2)), [](const MacdValue& v) { return v.line; });
  if (b == "macd_signal") {
    return on_close_pick(Macd(p(c, 0), p(c, 1), p(c, 2)), [](const MacdValue& v) { return v.signal; });
  }
  if (b == "macd_hist") return on_close_pick(Macd(p(c, 0), p(c, 1), p(c, 2)), [](const MacdValue& v) { return v.hist; });
  if (b == "bb_mid") return on_close_pick(Bollinger(p(c, 0), c.params[1]), [](const BollingerValue& v) { return v.mid; });
  if (b == "bb_upper") {
    return on_close_pick(Bollinger(p(c, 0), c.params[1]), [](const BollingerValue& v) { return v.upper; });
  }
  if (b == "bb_lower") {
    return on_close_pick(Bollinger(p(c, 0), c.params[1]), [](const BollingerValue& v) { return v.lower; });
  }
  if (b == "stoch_k") return on_bar_pick(Stochastic(p(c, 0), p(c, 1), p(c, 2)), [](const StochValue& v) { return v.k; });
  if (b == "stoch_d") return on_bar_pick(Stochastic(p(c, 0), p(c, 1), p(c, 2)), [](const StochValue& v) { return v.d; });
  if (b == "tr") return on_bar(TrueRange());
  if (b == "atr") return on_bar(Atr(p(c, 0)));
  if (b == "donchian_high") return on_bar_pick(Donchian(p(c, 0)), [](const DonchianValue& v) { return v.high; });
  if (b == "donchian_low") return on_bar_pick(Donchian(p(c, 0)), [](const DonchianValue& v) { return v.low; });
  if (b.starts_with("ichimoku_")) return ichimoku_stream(c);
  if (b == "vwap_session") return on_bar(SessionVwap());
  if (b == "vwap") return on_bar(RollingVwap(p(c, 0)));
  if (b == "obv") return on_bar(Obv());
  if (b == "adx") return on_bar_pick(Adx(p(c, 0)), [](const AdxValue& v) { return v.adx; });
  if (b == "plus_di") return on_bar_pick(Adx(p(c, 0)), [](const AdxValue& v) { return v.plus_di; });
  if (b == "minus_di") return on_bar_pick(Adx(p(c, 0)), [](const AdxValue& v) { return v.minus_di; });
  if (b == "cci") return on_bar(Cci(p(c, 0)));
  if (b == "willr") return on_bar(WilliamsR(p(c, 0)));
  if (b == "stddev") return on_close(Stddev(p(c, 0)));
  if (b == "zscore") return on_close(ZScore(p(c, 0)));
  if (b == "max") return on_close(Highest(p(c, 0)));
  if (b == "min") return on_close(Lowest(p(c, 0)));
  if (b == "log_return") return on_close(LogReturn());
  if (b == "rvol") return on_close(RealizedVol(p(c, 0), 1.0));
  if (b == "rvol_ann") {
    // compute_column's scale: a year over the bar length (any scale while it is unknown, as there).
    const double per_year =
        bar_ms > 0 ? static_cast<double>(core::kYearMs) / static_cast<double>(bar_ms) : 1.0;
    return on_close(RealizedVol(p(c, 0), per_year));
  }
  if (b == "volume_z") {
    return make([f = ZScore(p(c, 0))](const data::Bar& bar) mutable { return f.update(bar.volume); });
  }
  throw core::UsageError("indicator '" + c.name() + "' has no stream");  // catalogue drift
}

}  // namespace organism::indicators

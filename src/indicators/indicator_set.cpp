#include "indicators/indicator_set.hpp"

#include <map>

#include "core/error.hpp"
#include "indicators/adx.hpp"
#include "indicators/atr.hpp"
#include "indicators/bollinger.hpp"
#include "indicators/cci.hpp"
#include "indicators/donchian.hpp"
#include "indicators/funding.hpp"
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

using Group = std::vector<NamedColumn>;

int p(const ColumnSpec& c, std::size_t i) { return static_cast<int>(c.params[i]); }

// Names a sibling column of c: same parameters, another base.
NamedColumn sibling(const ColumnSpec& c, const char* base, std::vector<double> values) {
  return {ColumnSpec{base, c.params}.name(), std::move(values)};
}

core::TimeMs bar_length(const data::CandleView& bars, const ColumnInputs& in) {
  return in.bar_ms > 0 ? in.bar_ms : infer_bar_ms(bars.time);
}

Group funding_group(const data::CandleView& bars, const ColumnSpec& c, const ColumnInputs& in) {
  const core::TimeMs bar_ms = bar_length(bars, in);
  if (bar_ms <= 0) {
    throw core::UsageError("indicator '" + c.name() +
                           "': cannot tell the bar length from fewer than two bars");
  }
  // funding_rate does not depend on the window; any period gives the same rates.
  const int n = c.params.empty() ? 1 : p(c, 0);
  auto f = funding_features(bars.time, bar_ms, *in.funding, n);
  if (c.base == "funding_rate") return {{c.name(), std::move(f.rate)}};
  return {sibling(c, "funding_mean", std::move(f.mean)),
          sibling(c, "funding_z", std::move(f.zscore))};
}

Group ichimoku_column(const data::CandleView& bars, const ColumnSpec& c) {
  // Each column is computed on its own: a tenkan_9 column does not say which kijun it goes with.
  IchimokuParams ip;
  if (c.base == "ichimoku_tenkan" || c.base == "ichimoku_kijun") {
    ip = {p(c, 0), p(c, 0), p(c, 0), 0};
  } else if (c.base == "ichimoku_senkou_a") {
    ip = {p(c, 0), p(c, 1), p(c, 2), p(c, 1)};
  } else {
    ip = {1, 1, p(c, 0), p(c, 1)};
  }
  auto s = ichimoku(bars, ip);
  if (c.base == "ichimoku_tenkan") return {{c.name(), std::move(s.tenkan)}};
  if (c.base == "ichimoku_kijun") return {{c.name(), std::move(s.kijun)}};
  if (c.base == "ichimoku_senkou_a") return {{c.name(), std::move(s.senkou_a)}};
  return {{c.name(), std::move(s.senkou_b)}};
}

// Computes column c and, for multi-output indicators, its siblings of the same parameter set.
Group compute_group(const data::CandleView& bars, const ColumnSpec& c, const ColumnInputs& in) {
  const std::string& b = c.base;
  const auto close = bars.close;
  // Built by push_back: a braced list would copy the column out of its initializer_list.
  const auto one = [&](std::vector<double> v) {
    Group g;
    g.push_back({c.name(), std::move(v)});
    return g;
  };

  if (b == "sma") return one(sma(close, p(c, 0)));
  if (b == "ema") return one(ema(close, p(c, 0)));
  if (b == "wma") return one(wma(close, p(c, 0)));
  if (b == "rsi") return one(rsi(close, p(c, 0)));
  if (b == "macd" || b == "macd_signal" || b == "macd_hist") {
    auto m = macd(close, p(c, 0), p(c, 1), p(c, 2));
    return {sibling(c, "macd", std::move(m.line)), sibling(c, "macd_signal", std::move(m.signal)),
            sibling(c, "macd_hist", std::move(m.hist))};
  }
  if (b == "bb_mid" || b == "bb_upper" || b == "bb_lower") {
    auto s = bollinger(close, p(c, 0), c.params[1]);
    return {sibling(c, "bb_mid", std::move(s.mid)), sibling(c, "bb_upper", std::move(s.upper)),
            sibling(c, "bb_lower", std::move(s.lower))};
  }
  if (b == "stoch_k" || b == "stoch_d") {
    auto s = stochastic(bars, p(c, 0), p(c, 1), p(c, 2));
    return {sibling(c, "stoch_k", std::move(s.k)), sibling(c, "stoch_d", std::move(s.d))};
  }
  if (b == "tr") return one(true_range(bars));
  if (b == "atr") return one(atr(bars, p(c, 0)));
  if (b == "donchian_high" || b == "donchian_low") {
    auto s = donchian(bars, p(c, 0));
    return {sibling(c, "donchian_high", std::move(s.high)),
            sibling(c, "donchian_low", std::move(s.low))};
  }
  if (b.starts_with("ichimoku_")) return ichimoku_column(bars, c);
  if (b == "vwap_session") return one(session_vwap(bars));
  if (b == "vwap") return one(rolling_vwap(bars, p(c, 0)));
  if (b == "obv") return one(obv(bars));
  if (b == "adx" || b == "plus_di" || b == "minus_di") {
    auto s = adx(bars, p(c, 0));
    return {sibling(c, "adx", std::move(s.adx)), sibling(c, "plus_di", std::move(s.plus_di)),
            sibling(c, "minus_di", std::move(s.minus_di))};
  }
  if (b == "cci") return one(cci(bars, p(c, 0)));
  if (b == "willr") return one(williams_r(bars, p(c, 0)));
  if (b == "stddev") return one(stddev(close, p(c, 0)));
  if (b == "zscore") return one(zscore(close, p(c, 0)));
  if (b == "max") return one(highest(close, p(c, 0)));
  if (b == "min") return one(lowest(close, p(c, 0)));
  if (b == "log_return") return one(log_returns(close));
  if (b == "rvol") return one(realized_vol(close, p(c, 0), 1.0));
  if (b == "rvol_ann") {
    const core::TimeMs bar_ms = bar_length(bars, in);
    // With fewer than two bars every value is NaN anyway; any scale will do.
    const double per_year =
        bar_ms > 0 ? static_cast<double>(core::kYearMs) / static_cast<double>(bar_ms) : 1.0;
    return one(realized_vol(close, p(c, 0), per_year));
  }
  if (b == "volume_z") return one(zscore(bars.volume, p(c, 0)));
  if (b.starts_with("funding_")) return funding_group(bars, c, in);
  throw core::UsageError("indicator '" + c.name() + "' has no computation");  // catalogue drift
}

void check_inputs(const ColumnSpec& c, const ColumnInputs& in) {
  if (c.base.starts_with("funding_") && in.funding == nullptr) {
    throw core::UsageError("indicator '" + c.name() + "' needs a funding series");
  }
}

}  // namespace

std::vector<NamedColumn> compute_columns(const data::CandleView& bars,
                                         const std::vector<std::string>& names,
                                         const ColumnInputs& inputs) {
  std::vector<ColumnSpec> specs;
  specs.reserve(names.size());
  std::map<std::string, std::size_t> uses;
  for (const auto& name : names) {
    specs.push_back(parse_column(name));
    check_inputs(specs.back(), inputs);
    ++uses[specs.back().name()];
  }
  std::map<std::string, std::vector<double>> done;
  std::vector<NamedColumn> out;
  out.reserve(specs.size());
  for (const auto& spec : specs) {
    std::string name = spec.name();
    if (!done.contains(name)) {
      for (auto& col : compute_group(bars, spec, inputs)) {
        done.emplace(std::move(col.name), std::move(col.values));
      }
    }
    auto it = done.find(name);
    // The last request for a column takes its values; earlier repeats copy them.
    std::vector<double> values = --uses[name] == 0 ? std::move(it->second) : it->second;
    out.push_back({std::move(name), std::move(values)});
  }
  return out;
}

std::vector<double> compute_column(const data::CandleView& bars, const ColumnSpec& column,
                                   const ColumnInputs& inputs) {
  const ColumnSpec c = parse_column(column.name());  // validates a hand-built spec
  check_inputs(c, inputs);
  const std::string name = c.name();
  for (auto& col : compute_group(bars, c, inputs)) {
    if (col.name == name) return std::move(col.values);
  }
  throw core::UsageError("indicator '" + name + "' has no computation");
}

SharedColumn cached_column(IndicatorCache& cache, const std::string& series_id,
                           const data::CandleView& bars, const ColumnSpec& column,
                           const ColumnInputs& inputs) {
  return cache.get_or_compute({series_id, column},
                              [&] { return compute_column(bars, column, inputs); });
}

std::string series_id(std::string_view label, const data::CandleView& bars) {
  std::string id(label);
  id += "@";
  if (!bars.empty()) {
    id += std::to_string(bars.time.front()) + ".." + std::to_string(bars.time.back());
  }
  return id + "#" + std::to_string(bars.size());
}

core::TimeMs infer_bar_ms(std::span<const core::TimeMs> time) {
  core::TimeMs best = 0;
  for (std::size_t i = 1; i < time.size(); ++i) {
    const core::TimeMs step = time[i] - time[i - 1];
    if (step > 0 && (best == 0 || step < best)) best = step;
  }
  return best;
}

}  // namespace organism::indicators

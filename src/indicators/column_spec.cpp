#include "indicators/column_spec.hpp"

#include <charconv>
#include <cmath>
#include <optional>
#include <set>

#include "core/error.hpp"
#include "indicators/rolling.hpp"

namespace organism::indicators {

namespace {

// Parameter codes: 'p' a period (whole, 1..kMaxPeriod), 'd' a displacement (whole, 0..kMaxPeriod),
// 'r' a real multiplier (finite, >= 0).
struct Kind {
  std::string_view base;
  std::string_view codes;
  std::string_view labels;  // the parameters' names, '_'-separated, for the catalogue
  std::string_view help;
};

// Order does not matter: a base matches only when everything after it is numbers, so "macd" never
// swallows "macd_signal_12_26_9" nor "min" "minus_di_14".
constexpr Kind kKinds[] = {
    {"sma", "p", "N", "simple moving average of close"},
    {"ema", "p", "N", "exponential moving average of close (SMA seed)"},
    {"wma", "p", "N", "linearly weighted moving average of close"},
    {"rsi", "p", "N", "relative strength index (Wilder)"},
    {"macd", "ppp", "FAST_SLOW_SIGNAL", "MACD line, EMA(FAST) - EMA(SLOW)"},
    {"macd_signal", "ppp", "FAST_SLOW_SIGNAL", "MACD signal, EMA(SIGNAL) of the line"},
    {"macd_hist", "ppp", "FAST_SLOW_SIGNAL", "MACD histogram, line - signal"},
    {"bb_mid", "pr", "N_K", "Bollinger middle band, SMA(N)"},
    {"bb_upper", "pr", "N_K", "Bollinger upper band, SMA + K population stddev"},
    {"bb_lower", "pr", "N_K", "Bollinger lower band, SMA - K population stddev"},
    {"stoch_k", "ppp", "K_SLOWK_SLOWD", "stochastic slow %K (TA-Lib STOCH)"},
    {"stoch_d", "ppp", "K_SLOWK_SLOWD", "stochastic slow %D"},
    {"tr", "", "", "true range"},
    {"atr", "p", "N", "average true range (Wilder)"},
    {"donchian_high", "p", "N", "highest high of the N bars before this one"},
    {"donchian_low", "p", "N", "lowest low of the N bars before this one"},
    {"ichimoku_tenkan", "p", "N", "Ichimoku conversion line, N-bar midpoint"},
    {"ichimoku_kijun", "p", "N", "Ichimoku base line, N-bar midpoint"},
    {"ichimoku_senkou_a", "ppp", "TENKAN_KIJUN_SENKOU",
     "cloud edge A now: (tenkan + kijun) / 2 of KIJUN bars ago (SENKOU only names the set)"},
    {"ichimoku_senkou_b", "pd", "SENKOU_SHIFT",
     "cloud edge B in effect now: SENKOU-bar midpoint "
     "from SHIFT bars ago"},
    {"vwap_session", "", "", "VWAP of typical price since 00:00 UTC"},
    {"vwap", "p", "N", "VWAP of typical price over N bars"},
    {"obv", "", "", "on-balance volume"},
    {"adx", "p", "N", "average directional index (Wilder)"},
    {"plus_di", "p", "N", "+DI of the ADX system"},
    {"minus_di", "p", "N", "-DI of the ADX system"},
    {"cci", "p", "N", "commodity channel index"},
    {"willr", "p", "N", "Williams %R"},
    {"stddev", "p", "N", "population standard deviation of close"},
    {"zscore", "p", "N", "z-score of close against its N-bar mean and stddev"},
    {"max", "p", "N", "highest close of the last N bars"},
    {"min", "p", "N", "lowest close of the last N bars"},
    {"log_return", "", "", "ln(close / previous close)"},
    {"rvol", "p", "N", "realized volatility: stddev of N log returns, per bar"},
    {"rvol_ann", "p", "N", "realized volatility annualized (365-day year)"},
    {"volume_z", "p", "N", "z-score of volume"},
    {"funding_rate", "", "", "latest funding rate known at the bar's close (needs funding data)"},
    {"funding_mean", "p", "N", "mean of the last N funding settlements known at the close"},
    {"funding_z", "p", "N", "z-score of the latest funding rate over the last N settlements"},
};

// Families expand to several columns with the same parameters (Ichimoku spreads its three).
struct Family {
  std::string_view name;
  std::string_view codes;
  std::string_view labels;
  std::string_view members;  // space-separated bases
};

constexpr Family kFamilies[] = {
    {"macd", "ppp", "FAST:SLOW:SIGNAL", "macd macd_signal macd_hist"},
    {"bb", "pr", "N:K", "bb_mid bb_upper bb_lower"},
    {"stoch", "ppp", "K:SLOWK:SLOWD", "stoch_k stoch_d"},
    {"donchian", "p", "N", "donchian_high donchian_low"},
    {"ichimoku", "ppp", "TENKAN:KIJUN:SENKOU",
     "ichimoku_tenkan ichimoku_kijun ichimoku_senkou_a ichimoku_senkou_b"},
    {"dmi", "p", "N", "adx plus_di minus_di"},
    {"funding", "p", "N", "funding_rate funding_mean funding_z"},
};

std::string format_param(double v) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

std::optional<double> parse_number(std::string_view text) {
  double v = 0.0;
  const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (r.ec != std::errc() || r.ptr != text.data() + text.size() || !std::isfinite(v)) {
    return std::nullopt;
  }
  return v;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t at = s.find(sep, start);
    out.push_back(
        s.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) return out;
    start = at + 1;
  }
}

[[noreturn]] void unknown(std::string_view what, std::string_view text) {
  throw core::UsageError("unknown indicator " + std::string(what) + " '" + std::string(text) +
                         "'; valid columns and specs:\n" + column_catalogue());
}

// Checks one parameter against its code; the message names the column as the user wrote it.
double checked_param(std::string_view text, char code, std::string_view label,
                     std::string_view context) {
  const auto v = parse_number(text);
  const bool whole = v && std::floor(*v) == *v;
  const double lo = code == 'p' ? 1.0 : 0.0;
  const bool ok = v && *v >= lo && (code == 'r' ? *v <= 1e6 : whole && *v <= kMaxPeriod);
  if (!ok) {
    const std::string range = code == 'r' ? "a number from 0 to 1000000"
                                          : "a whole number from " + format_param(lo) + " to " +
                                                std::to_string(kMaxPeriod);
    throw core::UsageError("indicator '" + std::string(context) + "': " + std::string(label) +
                           " must be " + range + ", got '" + std::string(text) + "'");
  }
  return *v;
}

std::vector<double> checked_params(const std::vector<std::string_view>& texts,
                                   std::string_view codes, std::string_view labels,
                                   std::string_view context) {
  const auto names = split(labels, labels.find(':') != std::string_view::npos ? ':' : '_');
  std::vector<double> out;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    out.push_back(checked_param(texts[i], codes[i], names[i], context));
  }
  return out;
}

}  // namespace

std::string ColumnSpec::name() const {
  std::string s = base;
  for (const double p : params) s.append("_").append(format_param(p));
  return s;
}

ColumnSpec parse_column(std::string_view name) {
  for (const Kind& k : kKinds) {
    if (name == k.base && k.codes.empty()) return {std::string(k.base), {}};
    if (k.codes.empty() || name.size() <= k.base.size() || !name.starts_with(k.base) ||
        name[k.base.size()] != '_') {
      continue;
    }
    const auto texts = split(name.substr(k.base.size() + 1), '_');
    bool numeric = true;
    for (const auto t : texts) numeric = numeric && parse_number(t).has_value();
    if (!numeric) continue;
    if (texts.size() != k.codes.size()) {
      throw core::UsageError("indicator column '" + std::string(name) + "': " +
                             std::string(k.base) + " takes " + std::to_string(k.codes.size()) +
                             " parameter(s), " + std::string(k.base) + "_" + std::string(k.labels));
    }
    return {std::string(k.base), checked_params(texts, k.codes, k.labels, name)};
  }
  unknown("column", name);
}

std::vector<std::string> expand_spec(std::string_view spec) {
  if (spec.empty()) throw core::UsageError("empty indicator spec");
  const auto parts = split(spec, ':');
  const std::string_view head = parts[0];
  const std::vector<std::string_view> texts(parts.begin() + 1, parts.end());
  for (const Family& f : kFamilies) {
    if (head != f.name) continue;
    if (texts.size() != f.codes.size()) {
      throw core::UsageError("indicator spec '" + std::string(spec) + "': " + std::string(f.name) +
                             " takes " + std::to_string(f.codes.size()) + " parameter(s), " +
                             std::string(f.name) + ":" + std::string(f.labels));
    }
    const auto p = checked_params(texts, f.codes, f.labels, spec);
    std::vector<std::string> out;
    for (const auto member : split(f.members, ' ')) {
      ColumnSpec c{std::string(member), p};
      if (f.name == "ichimoku") {
        // tenkan_T, kijun_K, senkou_a_T_K_B, senkou_b_B_K (the cloud is shifted KIJUN bars).
        if (member == "ichimoku_tenkan") c.params = {p[0]};
        if (member == "ichimoku_kijun") c.params = {p[1]};
        if (member == "ichimoku_senkou_b") c.params = {p[2], p[1]};
      }
      if (member == "funding_rate") c.params.clear();
      out.push_back(c.name());
    }
    return out;
  }
  if (texts.empty()) return {parse_column(head).name()};
  for (const Kind& k : kKinds) {
    if (head != k.base) continue;
    std::string name(head);
    for (const auto t : texts) {
      if (!parse_number(t)) {
        throw core::UsageError("indicator spec '" + std::string(spec) + "': '" + std::string(t) +
                               "' is not a number");
      }
      name.append("_").append(t);
    }
    return {parse_column(name).name()};
  }
  unknown("spec", spec);
}

std::vector<std::string> expand_specs(std::string_view list) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (auto item : split(list, ',')) {
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    for (auto& name : expand_spec(item)) {
      if (seen.insert(name).second) out.push_back(std::move(name));
    }
  }
  return out;
}

const std::vector<std::string>& default_columns() {
  static const std::vector<std::string> kDefault = [] {
    std::vector<std::string> v;
    for (const int n : {5, 14, 21, 50}) {
      for (const char* base : {"sma_", "ema_", "wma_"}) v.push_back(base + std::to_string(n));
    }
    for (const char* name : {"rsi_14",
                             "rsi_21",
                             "macd_12_26_9",
                             "macd_signal_12_26_9",
                             "macd_hist_12_26_9",
                             "bb_mid_20_2",
                             "bb_upper_20_2",
                             "bb_lower_20_2",
                             "stoch_k_14_3_3",
                             "stoch_d_14_3_3",
                             "tr",
                             "atr_14",
                             "donchian_high_20",
                             "donchian_low_20",
                             "ichimoku_tenkan_9",
                             "ichimoku_kijun_26",
                             "ichimoku_senkou_a_9_26_52",
                             "ichimoku_senkou_b_52_26",
                             "vwap_session",
                             "vwap_20",
                             "obv",
                             "adx_14",
                             "cci_20",
                             "willr_14",
                             "stddev_20",
                             "zscore_20"}) {
      v.emplace_back(name);
    }
    return v;
  }();
  return kDefault;
}

std::string column_catalogue() {
  std::string s = "columns (name_PARAMS):\n";
  for (const Kind& k : kKinds) {
    std::string form(k.base);
    if (!k.labels.empty()) form.append("_").append(k.labels);
    s += "  " + form + std::string(form.size() < 38 ? 38 - form.size() : 1, ' ') +
         std::string(k.help) + "\n";
  }
  s += "families (spec name:P1:P2..., one spec gives every member):\n";
  for (const Family& f : kFamilies) {
    const std::string form = std::string(f.name) + ":" + std::string(f.labels);
    s += "  " + form + std::string(form.size() < 38 ? 38 - form.size() : 1, ' ') +
         std::string(f.members) + "\n";
  }
  s += "specs: a column base with ':'-separated parameters (ema:30 -> ema_30, bb_upper:20:2.5),\n"
       "a family (macd:12:26:9), or a whole column name (ema_30, tr); N >= 1, SHIFT >= 0.\n";
  return s;
}

}  // namespace organism::indicators

#include "exec/risk_monitor.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <span>

#include "core/error.hpp"
#include "exchange/hyperliquid/decimal.hpp"

namespace organism::exec {

namespace {

double share_of(double value, double equity) { return equity > 0 ? value / equity : 0.0; }

// One held coin: its notional and the close of each kept time.
struct HeldSeries {
  double notional = 0;
  data::CandleView bars{};
  std::vector<std::size_t> kept{};  // indexes into bars, one per common time
};

// The times every held coin has, as indexes into each coin's bars.
void align(std::vector<HeldSeries>& held) {
  const std::span<const core::TimeMs> first = held.front().bars.time;
  for (std::size_t i = 0; i < first.size(); ++i) {
    std::vector<std::size_t> at{i};
    for (std::size_t c = 1; c < held.size(); ++c) {
      const auto times = held[c].bars.time;
      const auto it = std::lower_bound(times.begin(), times.end(), first[i]);
      if (it == times.end() || *it != first[i]) break;
      at.push_back(static_cast<std::size_t>(it - times.begin()));
    }
    if (at.size() != held.size()) continue;
    for (std::size_t c = 0; c < held.size(); ++c) held[c].kept.push_back(at[c]);
  }
}

// pnl of each scenario (unsorted), from the aligned closes.
std::vector<double> scenario_pnl(const std::vector<HeldSeries>& held) {
  const std::size_t times = held.front().kept.size();
  std::vector<double> pnl(times > 1 ? times - 1 : 0, 0.0);
  for (const HeldSeries& coin : held) {
    for (std::size_t t = 1; t < times; ++t) {
      const double before = coin.bars.close[coin.kept[t - 1]];
      const double now = coin.bars.close[coin.kept[t]];
      // A ratio with a meaningless denominator is 0 (DESIGN.md); stored closes are positive.
      const double r = before > 0 && std::isfinite(now) ? now / before - 1 : 0.0;
      pnl[t - 1] += coin.notional * r;
    }
  }
  return pnl;
}

TailRisk tail_of(const std::vector<double>& sorted_pnl, double level, double equity) {
  TailRisk risk;
  risk.level = level;
  const std::size_t n = sorted_pnl.size();
  if (n == 0) return risk;
  // The epsilon keeps (1 - 0.95) x 20, which is 1.0000000000000009 in doubles, from a rounding
  // that would land below an integer it should equal.
  const auto k = static_cast<std::size_t>(std::floor((1 - level) * static_cast<double>(n) + 1e-9));
  risk.tail_count = std::clamp<std::size_t>(k, 1, n);
  risk.var = -sorted_pnl[risk.tail_count - 1];
  const double tail_sum = std::accumulate(
      sorted_pnl.begin(), sorted_pnl.begin() + static_cast<std::ptrdiff_t>(risk.tail_count), 0.0);
  risk.cvar = -tail_sum / static_cast<double>(risk.tail_count);
  risk.var_of_equity = share_of(risk.var, equity);
  risk.cvar_of_equity = share_of(risk.cvar, equity);
  return risk;
}

}  // namespace

VarReport historical_var(const std::map<std::string, double>& notional,
                         const std::map<std::string, data::CandleView>& closes, double equity,
                         const std::vector<double>& levels) {
  for (const double level : levels)
    if (!(level > 0 && level < 1))
      throw core::UsageError(fmt::format("VaR level {} is not in (0, 1)", level));
  VarReport report;
  std::vector<HeldSeries> held;
  for (const auto& [coin, usd] : notional) {
    if (usd == 0 || !std::isfinite(usd)) continue;
    const auto series = closes.find(coin);
    if (series == closes.end() || series->second.empty()) {
      report.note = fmt::format("not enough history: no closes for {}", coin);
      return report;
    }
    held.push_back({usd, series->second, {}});
  }
  report.enough_history = true;
  if (held.empty()) {
    for (const double level : levels) report.levels.push_back({.level = level});
    return report;
  }
  align(held);
  std::vector<double> pnl = scenario_pnl(held);
  report.scenarios = pnl.size();
  if (pnl.size() < kMinVarScenarios) {
    report.enough_history = false;
    report.note =
        fmt::format("not enough history: {} scenarios < {}", pnl.size(), kMinVarScenarios);
    return report;
  }
  std::sort(pnl.begin(), pnl.end());
  for (const double level : levels) report.levels.push_back(tail_of(pnl, level, equity));
  return report;
}

std::map<std::string, double> ExposureReport::notional() const {
  std::map<std::string, double> out;
  for (const CoinExposure& coin : by_coin) out[coin.coin] = coin.net_notional;
  return out;
}

ExposureReport exposure_of(const std::map<std::string, std::map<std::string, Units>>& positions,
                           const std::map<std::string, double>& mark, double equity) {
  ExposureReport report;
  std::map<std::string, double> net;
  for (const auto& [strategy, coins] : positions) {
    for (const auto& [coin, units] : coins) {
      if (units == 0) continue;
      const auto price = mark.find(coin);
      if (price == mark.end() || !(price->second > 0) || !std::isfinite(price->second)) {
        if (std::find(report.unpriced.begin(), report.unpriced.end(), coin) ==
            report.unpriced.end())
          report.unpriced.push_back(coin);
        continue;
      }
      const double usd = exchange::hl::units_to_double(units) * price->second;
      report.by_strategy[strategy][coin] = usd;
      net[coin] += usd;
    }
  }
  std::sort(report.unpriced.begin(), report.unpriced.end());
  for (const auto& [coin, usd] : net) {
    report.by_coin.push_back({coin, usd, share_of(usd, equity)});
    report.gross += std::abs(usd);
  }
  report.gross_of_equity = share_of(report.gross, equity);
  return report;
}

}  // namespace organism::exec

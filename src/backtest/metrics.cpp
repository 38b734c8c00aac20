#include "backtest/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "backtest/compensated_sum.hpp"
#include "backtest/scaled_metrics.hpp"
#include "backtest/tail.hpp"
#include "core/error.hpp"
#include "core/scratch.hpp"

namespace organism::backtest {
namespace {

// CAGR over a few bars can exceed any double ((1.1)^8760 overflows); the cap keeps it and calmar
// finite. A billion-fold per year is far past anything a real run can reach over months.
constexpr double kMaxCagr = 1e9;
constexpr double kTailProbability = 0.05;  // VaR/CVaR at 95%

// Sums of same-signed terms are added plainly within blocks of kBlock bars and the block sums
// carried by a CompensatedSum: the error stays below kBlock * eps of the total (2.8e-14) however
// many bars, at a third of the cost of compensating every term. The sum of returns, whose terms
// cancel and which sets the mean, compensates every term.
constexpr std::size_t kBlock = 256;

// Everything the sequential pass over the bars yields.
struct BarPass {
  double final_equity = 0;
  double sum_r = 0;
  double max_drawdown = 0;
  std::int64_t max_underwater = 0;
  std::int64_t bars_in_market = 0;
  double sum_abs_exposure_change = 0;
  double sum_abs_exposure = 0;  // of the exposure as given (unscaled); with kGross only
  bool finite = true;  // every equity and exposure value was finite
};

void check_inputs(std::span<const double> equity, std::span<const double> exposure,
              std::span<const Trade> trades, const MetricsOptions& options) {
  if (!(std::isfinite(options.bars_per_year) && options.bars_per_year > 0)) {
    throw core::UsageError("metrics: bars_per_year must be a positive number (got " +
                           std::to_string(options.bars_per_year) + ")");
  }
  if (options.consistency_windows < 1) {
    throw core::UsageError("metrics: consistency_windows must be at least 1 (got " +
                           std::to_string(options.consistency_windows) + ")");
  }
  if (!(std::isfinite(options.initial_equity) && options.initial_equity > 0)) {
    throw core::UsageError("metrics: initial_equity must be a positive number (got " +
                           std::to_string(options.initial_equity) + ")");
  }
  if (!(std::isfinite(options.target_volatility) && options.target_volatility >= 0)) {
    throw core::UsageError("metrics: target_volatility must be 0 (off) or a positive number (got " +
                           std::to_string(options.target_volatility) + ")");
  }
  if (exposure.size() != equity.size()) {
    throw core::Error("metrics: " + std::to_string(exposure.size()) + " exposure values for " +
                      std::to_string(equity.size()) + " equity bars");
  }
  for (std::size_t i = 0; i < trades.size(); ++i) {
    const Trade& t = trades[i];
    if (t.open) continue;
    if (!(t.size > 0 && t.entry_price > 0 && std::isfinite(t.size * t.entry_price) &&
          std::isfinite(t.pnl))) {
      throw core::Error("metrics: closed trade " + std::to_string(i) +
                        " needs a positive size and entry price and a finite pnl");
    }
  }
}

// Only reached on the error path, after the bar pass saw a non-finite value.
[[noreturn]] void throw_non_finite(std::span<const double> equity,
                                   std::span<const double> exposure) {
  for (std::size_t t = 0; t < equity.size(); ++t) {
    const char* what = !std::isfinite(equity[t])     ? "equity"
                       : !std::isfinite(exposure[t]) ? "exposure"
                                                     : nullptr;
    if (what != nullptr) {
      throw core::Error(std::string("metrics: ") + what + " at bar " + std::to_string(t) +
                        " is not finite");
    }
  }
  throw core::Error("metrics: a value is not finite");
}

// The sequential pass: bust-aware bar returns into `returns` and their sum, drawdown depth and
// duration, time in market and turnover of the exposure x_t = scale * exposure[t] (the scaled
// exposure is read as it goes, never stored; scale 1 is the curve as traded, 1 * x being x), and
// with kGross the sum of |exposure[t]| for the relative turnover (one more independent addition
// chain beside the returns' sum, instead of a pass of its own).
//
// Max drawdown needs no division per bar: between two peaks the deepest point is the lowest
// equity, so each peak-to-peak segment is closed once, when a new peak (or the end) arrives.
template <bool kGross>
BarPass scan_bars(std::span<const double> equity, std::span<const double> exposure, double scale,
                  double initial_equity, std::span<double> returns) {
  const std::size_t n = equity.size();
  CompensatedSum sum_r, turnover, gross;
  double prev = initial_equity;  // effective (bust-aware) equity of the previous bar
  double peak = prev, trough = prev, max_drawdown = 0;
  double prev_x = 0;
  std::int64_t underwater = 0, max_underwater = 0, in_market = 0;
  // x - x is 0 for a finite x and NaN otherwise: one sum checks every input without a branch.
  double poison = 0;
  for (std::size_t start = 0; start < n; start += kBlock) {
    const std::size_t end = std::min(n, start + kBlock);
    double block_turnover = 0;
    for (std::size_t t = start; t < end; ++t) {
      const double raw = equity[t];
      const double x = scale * exposure[t];
      if constexpr (kGross) gross.add(std::abs(exposure[t]));
      poison += (raw - raw) + (x - x);
      // Bust: once the equity reaches 0 it stays 0, so later bars return 0, never NaN.
      const double e = (prev > 0 && raw > 0) ? raw : 0.0;
      // (e - prev) is exact when e and prev are within a factor of 2, unlike e / prev - 1.
      const double r = prev > 0 ? (e - prev) / prev : 0.0;
      returns[t] = r;
      sum_r.add(r);
      if (e >= peak) {  // a segment between peaks closes: its depth and length are final
        max_drawdown = std::max(max_drawdown, (peak - trough) / peak);
        max_underwater = std::max(max_underwater, underwater);
        peak = trough = e;
        underwater = 0;
      } else {
        trough = std::min(trough, e);
        ++underwater;
      }
      in_market += x != 0 ? 1 : 0;
      block_turnover += std::abs(x - prev_x);
      prev_x = x;
      prev = e;
    }
    turnover.add(block_turnover);
  }
  BarPass out;
  out.max_drawdown = std::max(max_drawdown, (peak - trough) / peak);
  out.max_underwater = std::max(max_underwater, underwater);
  out.final_equity = prev;
  out.sum_r = sum_r.value();
  out.bars_in_market = in_market;
  out.sum_abs_exposure_change = turnover.value();
  out.sum_abs_exposure = gross.value();
  out.finite = poison == 0;
  return out;
}

// Share of K' = min(K, n) windows with a positive compounded return. Window k covers bars
// [floor(k n / K'), floor((k+1) n / K')); its compounded return prod(1 + r) - 1 equals
// e_end / e_before - 1 (e_before = the equity before its first bar, initial for k = 0), so it is
// positive exactly when e_end > e_before, compared on the bust-aware equity.
double consistency(std::span<const double> equity, double initial_equity, int windows,
                   bool busted) {
  const std::size_t n = equity.size();
  const std::size_t k_windows = std::min<std::size_t>(static_cast<std::size_t>(windows), n);
  if (k_windows == 0) return 0.0;
  const auto first_bust = [&] {
    const auto it = std::find_if(equity.begin(), equity.end(), [](double e) { return !(e > 0); });
    return static_cast<std::size_t>(it - equity.begin());
  };
  const std::size_t bust = busted ? first_bust() : n;
  std::size_t positive = 0;
  double before = initial_equity;
  for (std::size_t k = 0; k < k_windows; ++k) {
    const std::size_t last = (k + 1) * n / k_windows - 1;
    const double e = last < bust ? equity[last] : 0.0;
    positive += e > before ? 1 : 0;
    before = e;
  }
  return static_cast<double>(positive) / static_cast<double>(k_windows);
}

// Second pass over the returns: central moment sums around the mean, and the downside squares
// (which need no mean, but this pass has spare throughput, being bound by addition latency).
// The mean comes from a compensated sum, so it is exact to one rounding and the plain two-pass
// formula needs no correction term.
struct Moments {
  double m2_sum = 0, m3_sum = 0, m4_sum = 0;
  double down_sq_sum = 0;  // sum of min(r, 0)^2
};

Moments central_moments(std::span<const double> r, double mean) {
  CompensatedSum s2, s3, s4, down_sq;
  for (std::size_t start = 0; start < r.size(); start += kBlock) {
    const std::size_t end = std::min(r.size(), start + kBlock);
    double b2 = 0, b3 = 0, b4 = 0, b_down = 0;
    for (std::size_t t = start; t < end; ++t) {
      const double d = r[t] - mean;
      const double dd = d * d;
      b2 += dd;
      b3 += dd * d;  // mixed signs: error <= kBlock * eps * sum |d|^3, ample for a skewness
      b4 += dd * dd;
      // min(r, 0) without a branch (GCC branches on std::min, and r's sign is a coin flip).
      const double down = (r[t] - std::abs(r[t])) * 0.5;
      b_down += down * down;
    }
    s2.add(b2);
    s3.add(b3);
    s4.add(b4);
    down_sq.add(b_down);
  }
  return {s2.value(), s3.value(), s4.value(), down_sq.value()};
}

struct TradeStats {
  std::int64_t closed = 0;
  double win_rate = 0, profit_factor = 0, avg_trade = 0;
};

// Closed trades only; a trade with pnl exactly 0 is neither a win nor a loss but counts in the
// win rate's denominator. A trade's return is pnl / (size * entry_price): net of costs, as a
// fraction of the entry notional, so it compares across account sizes and leverage.
TradeStats trade_stats(std::span<const Trade> trades) {
  TradeStats out;
  CompensatedSum gross_profit, gross_loss, returns;
  std::int64_t wins = 0;
  for (const Trade& t : trades) {
    if (t.open) continue;
    ++out.closed;
    if (t.pnl > 0) {
      ++wins;
      gross_profit.add(t.pnl);
    } else if (t.pnl < 0) {
      gross_loss.add(-t.pnl);
    }
    returns.add(t.pnl / (t.size * t.entry_price));
  }
  if (out.closed == 0) return out;
  const double closed = static_cast<double>(out.closed);
  out.win_rate = static_cast<double>(wins) / closed;
  out.profit_factor = gross_loss.value() > 0 ? gross_profit.value() / gross_loss.value() : 0.0;
  out.avg_trade = returns.value() / closed;
  return out;
}

double ratio_or_zero(double num, double den) { return den > 0 ? num / den : 0.0; }

double finite_or_zero(double x) { return std::isfinite(x) ? x : 0.0; }

// (final / initial)^(1 / years) - 1 through logs, so it cannot overflow before the cap applies.
double cagr(double final_equity, double initial, double years) {
  if (years <= 0) return 0.0;
  if (final_equity <= 0) return -1.0;
  const double growth = std::log(final_equity / initial) / years;
  return growth >= std::log1p(kMaxCagr) ? kMaxCagr : std::expm1(growth);
}

// Every metric of the curve `equity` with the exposure scale x `exposure`. With kGross,
// mean_gross gets the mean of |exposure| (unscaled), for the relative turnover.
template <bool kGross>
Metrics curve_metrics(std::span<const double> equity, std::span<const double> exposure, double scale,
                      std::span<const Trade> trades, const MetricsOptions& options, double& mean_gross) {
  // The one scratch buffer: bar returns, read by the moments pass, then reordered by the tail.
  // Kept per thread and only ever grown: evolution computes metrics once per genome x coin on
  // curves of a few lengths, so after the first call there is no allocation and no fresh page.
  const std::size_t n = equity.size();
  thread_local std::vector<double> scratch;
  const std::span<double> returns = core::reused(scratch, n);
  const BarPass bars = scan_bars<kGross>(equity, exposure, scale, options.initial_equity, returns);
  if (!bars.finite) throw_non_finite(equity, exposure);
  mean_gross = n > 0 ? bars.sum_abs_exposure / static_cast<double>(n) : 0.0;

  Metrics m;
  const double nd = static_cast<double>(n);
  const double years = nd / options.bars_per_year;
  const double annual = std::sqrt(options.bars_per_year);
  m.final_equity = bars.final_equity;
  m.total_return = bars.final_equity / options.initial_equity - 1.0;
  m.cagr = cagr(bars.final_equity, options.initial_equity, years);
  m.max_drawdown = bars.max_drawdown;
  m.max_drawdown_duration = bars.max_underwater;
  m.calmar = ratio_or_zero(m.cagr, m.max_drawdown);
  if (n > 0) {
    const double mean = bars.sum_r / nd;
    const Moments mo = central_moments(returns, mean);
    const double sd = n > 1 ? std::sqrt(mo.m2_sum / (nd - 1)) : 0.0;
    const double downside = std::sqrt(mo.down_sq_sum / nd);
    m.volatility = sd * annual;
    m.sharpe = ratio_or_zero(mean, sd) * annual;
    m.sortino = ratio_or_zero(mean, downside) * annual;
    const double m2 = mo.m2_sum / nd;  // population (biased) moments, as scipy.stats defaults
    m.skew = ratio_or_zero(mo.m3_sum / nd, m2 * std::sqrt(m2));
    m.kurtosis = m2 > 0 ? (mo.m4_sum / nd) / (m2 * m2) - 3.0 : 0.0;
    m.exposure = static_cast<double>(bars.bars_in_market) / nd;
    m.turnover = bars.sum_abs_exposure_change / years;
    m.consistency = consistency(equity, options.initial_equity, options.consistency_windows,
                                bars.final_equity == 0);
    // Historical VaR/CVaR as positive loss fractions; last, since it reorders the returns.
    const LowerTail tail = lower_tail(returns, kTailProbability);
    m.var_95 = -tail.quantile;
    m.cvar_95 = -tail.mean;
  }
  const TradeStats ts = trade_stats(trades);
  m.trades = ts.closed;
  m.win_rate = ts.win_rate;
  m.profit_factor = ts.profit_factor;
  m.avg_trade = ts.avg_trade;

  // Safety net for the promise that every field is finite: only reachable through overflow on
  // absurd inputs (equity near 1e308, returns differing by 1e-150).
  for (double* f :
       {&m.final_equity, &m.total_return, &m.cagr, &m.volatility, &m.sharpe, &m.sortino, &m.calmar,
        &m.max_drawdown, &m.win_rate, &m.profit_factor, &m.avg_trade, &m.exposure, &m.turnover,
        &m.consistency, &m.skew, &m.kurtosis, &m.var_95, &m.cvar_95}) {
    *f = finite_or_zero(*f);
  }
  m.combined_score = 0.5 * std::clamp(m.sharpe / 3.0, -1.0, 1.0) + 0.3 * m.consistency -
                     0.2 * std::min(m.max_drawdown / 0.5, 1.0);
  return m;
}

}  // namespace

Metrics compute_metrics(std::span<const double> equity, std::span<const double> exposure,
                        std::span<const Trade> trades, const MetricsOptions& options) {
  check_inputs(equity, exposure, trades, options);
  double mean_gross = 0;
  if (!(options.target_volatility > 0)) return curve_metrics<false>(equity, exposure, 1.0, trades, options, mean_gross);
  // Reused across calls: evolution computes metrics millions of times on curves of one length.
  thread_local std::vector<double> scaled;
  const double k = scale_equity_to_volatility(equity, options.initial_equity, options.bars_per_year,
                                              options.target_volatility, scaled);
  // No volatility to scale (k = 0): the curve as traded (flat: every risk metric is 0).
  Metrics m = k > 0 ? curve_metrics<true>(std::span(scaled.data(), equity.size()), exposure, k, trades, options, mean_gross)
                    : curve_metrics<true>(equity, exposure, 1.0, trades, options, mean_gross);
  // Turnover per unit of mean gross exposure: sum |dx| / years / mean |x|, the same for any k x.
  m.turnover = finite_or_zero(ratio_or_zero(m.turnover / (k > 0 ? k : 1.0), mean_gross));
  return m;
}

void for_each_metric(const Metrics& m, const std::function<void(std::string_view, double)>& visit) {
  visit("final_equity", m.final_equity);
  visit("total_return", m.total_return);
  visit("cagr", m.cagr);
  visit("volatility", m.volatility);
  visit("sharpe", m.sharpe);
  visit("sortino", m.sortino);
  visit("calmar", m.calmar);
  visit("max_drawdown", m.max_drawdown);
  visit("max_drawdown_duration", static_cast<double>(m.max_drawdown_duration));
  visit("trades", static_cast<double>(m.trades));
  visit("win_rate", m.win_rate);
  visit("profit_factor", m.profit_factor);
  visit("avg_trade", m.avg_trade);
  visit("exposure", m.exposure);
  visit("turnover", m.turnover);
  visit("consistency", m.consistency);
  visit("skew", m.skew);
  visit("kurtosis", m.kurtosis);
  visit("var_95", m.var_95);
  visit("cvar_95", m.cvar_95);
  visit("combined_score", m.combined_score);
}

}  // namespace organism::backtest

#include "lifecycle/rules.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "validate/sharpe_stats.hpp"

namespace organism::lifecycle {
namespace {

double days_between(TimeMs from, TimeMs to) {
  return static_cast<double>(to - from) / static_cast<double>(core::kDayMs);
}

// JSON has no NaN: an unmeasurable figure is null.
nlohmann::json number(double x) {
  return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr);
}

}  // namespace

double compounded_drawdown(std::span<const double> returns) {
  double equity = 1.0, peak = 1.0, worst = 0.0;
  for (double r : returns) {
    equity = equity > 0 ? equity * (1.0 + r) : 0.0;  // a bust stays bust
    peak = std::max(peak, equity);
    worst = std::max(worst, 1.0 - equity / peak);
  }
  return worst;
}

double tracking_error(std::span<const double> paper, std::span<const double> backtest,
                      double bars_per_year) {
  if (paper.size() != backtest.size()) {
    throw core::UsageError(fmt::format("tracking error: {} paper returns for {} backtest returns",
                                       paper.size(), backtest.size()));
  }
  if (paper.size() < 2) return std::numeric_limits<double>::quiet_NaN();
  std::vector<double> diff(paper.size());
  for (std::size_t i = 0; i < paper.size(); ++i) diff[i] = paper[i] - backtest[i];
  return std::sqrt(validate::return_moments(diff).variance * bars_per_year);
}

Cusum lower_cusum(std::span<const double> returns, double mu0, double sigma0, double k, double h) {
  Cusum out;
  if (!(sigma0 > 0) || !std::isfinite(mu0))
    return out;  // no reference: no alarm (the caller says so)
  double s = 0;
  for (std::size_t t = 0; t < returns.size(); ++t) {
    s = std::max(0.0, s + (mu0 - returns[t]) / sigma0 - k);
    out.peak = std::max(out.peak, s);
    if (s > h && !out.first_alarm) out.first_alarm = t;
  }
  out.statistic = s;
  return out;
}

double cusum_arl0(double k, double h) {
  const double b = h + 1.166;  // Siegmund's correction for the overshoot of the boundary
  if (k == 0) return b * b;
  const double x = 2 * k * b;
  return (std::exp(x) - x - 1) / (2 * k * k);
}

Verdict paper_verdict(const PaperInputs& in, const LifecycleOptions& o) {
  Verdict v;
  const double days = days_between(in.entered, in.now);
  const double te = tracking_error(in.paper, in.backtest, o.bars_per_year);
  const double sharpe = annualized_sharpe(in.paper, o.bars_per_year);
  const double needed = o.paper_sharpe_ratio * in.validated.sharpe;
  const double backtest_sharpe = annualized_sharpe(in.backtest, o.bars_per_year);
  v.evidence = {{"paper_days", days},
                {"min_paper_days", o.paper_days},
                {"bars", in.paper.size()},
                {"tracking_error", number(te)},
                {"max_tracking_error", o.max_tracking_error},
                {"paper_sharpe", number(sharpe)},
                {"backtest_sharpe_same_bars", number(backtest_sharpe)},
                {"validated_sharpe", number(in.validated.sharpe)},
                {"paper_sharpe_ratio", o.paper_sharpe_ratio},
                {"min_paper_sharpe", number(needed)}};
  if (days < o.paper_days || in.paper.size() < 2) return v;  // still proving itself
  const bool tracks = te <= o.max_tracking_error;
  // Without a validated Sharpe there is nothing to hold the paper Sharpe to: the test fails.
  const bool sharpe_ok = std::isfinite(needed) && sharpe >= needed;
  v.evidence["tracking_ok"] = tracks;
  v.evidence["sharpe_ok"] = sharpe_ok;
  if (tracks && sharpe_ok) {
    v.evidence["production_slot_free"] = in.production_slot_free;
    if (!in.production_slot_free) return v;  // passed, waits for a slot
    v.to = State::Production;
    v.reason =
        fmt::format("paper {:.1f} days: tracking error {:.4f} <= {}, Sharpe {:.3f} >= {:.3f}", days,
                    te, o.max_tracking_error, sharpe, needed);
    return v;
  }
  v.to = State::Validated;
  std::vector<std::string> why;
  if (!tracks) why.push_back(fmt::format("tracking error {:.4f} > {}", te, o.max_tracking_error));
  if (!sharpe_ok) why.push_back(fmt::format("Sharpe {:.3f} < {:.3f}", sharpe, needed));
  v.reason = fmt::format("demoted after {:.1f} paper days: {}", days, fmt::join(why, ", "));
  return v;
}

DecayTests decay_tests(std::span<const double> returns, const ValidatedFigures& validated,
                       bool paused, const LifecycleOptions& o) {
  DecayTests out;
  const auto rolling_n = static_cast<std::size_t>(std::max<std::int64_t>(o.rolling_bars, 2));
  // Rolling Sharpe: only on a full window (a few bars' Sharpe is noise).
  nlohmann::json rolling = {{"bars", std::min(returns.size(), rolling_n)},
                            {"window", rolling_n},
                            {"threshold", o.min_rolling_sharpe}};
  if (returns.size() >= rolling_n) {
    const double s =
        annualized_sharpe(returns.subspan(returns.size() - rolling_n), o.bars_per_year);
    rolling["sharpe"] = s;
    rolling["failed"] = s < o.min_rolling_sharpe;
    if (s < o.min_rolling_sharpe) out.causes.push_back("rolling_sharpe");
  } else {
    rolling["sharpe"] = nullptr;
    rolling["failed"] = false;
  }
  // Drawdown against the validated one (no bound when it was never measured).
  const double dd = compounded_drawdown(returns);
  const double dd_limit = validated.max_drawdown * o.dd_multiple;
  const bool dd_failed = std::isfinite(dd_limit) && dd > dd_limit;
  if (dd_failed) out.causes.push_back("drawdown");
  // The lower CUSUM (no reference without a validated std).
  const auto c = lower_cusum(returns, validated.mean, validated.stdev, o.cusum_k, o.cusum_h);
  if (c.first_alarm) out.causes.push_back("cusum");
  if (paused) out.causes.push_back("breaker");
  out.failed = !out.causes.empty();
  out.evidence = {
      {"bars", returns.size()},
      {"rolling_sharpe", rolling},
      {"drawdown",
       {{"value", dd},
        {"validated_max_drawdown", number(validated.max_drawdown)},
        {"dd_multiple", o.dd_multiple},
        {"limit", number(dd_limit)},
        {"failed", dd_failed}}},
      {"cusum",
       {{"statistic", c.statistic},
        {"peak", c.peak},
        {"k", o.cusum_k},
        {"h", o.cusum_h},
        {"mu0", number(validated.mean)},
        {"sigma0", number(validated.stdev)},
        {"alarm_bar", c.first_alarm ? nlohmann::json(*c.first_alarm) : nlohmann::json(nullptr)},
        {"arl0", cusum_arl0(o.cusum_k, o.cusum_h)},
        {"failed", c.first_alarm.has_value()}}},
      {"breaker_paused", paused},
      {"failed", out.causes}};
  return out;
}

Verdict production_verdict(const LiveInputs& in, const LifecycleOptions& o) {
  Verdict v;
  const auto tests = decay_tests(in.returns, in.validated, in.paused, o);
  v.evidence = tests.evidence;
  if (!tests.failed) return v;
  v.to = State::Decaying;
  v.reason =
      fmt::format("decay: {} after {} live bars", fmt::join(tests.causes, ", "), in.returns.size());
  return v;
}

Verdict decaying_verdict(const LiveInputs& in, const LifecycleOptions& o) {
  Verdict v;
  const double days = days_between(in.entered, in.now);
  const auto tests = decay_tests(in.returns, in.validated, in.paused, o);
  v.evidence = tests.evidence;
  v.evidence["decaying_days"] = days;
  v.evidence["decay_grace_days"] = o.decay_grace_days;
  const bool enough =
      in.returns.size() >= static_cast<std::size_t>(std::max<std::int64_t>(o.rolling_bars, 2));
  v.evidence["recovery_bars_needed"] = std::max<std::int64_t>(o.rolling_bars, 2);
  if (enough && !tests.failed) {
    v.to = State::Production;
    v.reason = fmt::format("recovered: every decay test passes on {} bars since the decay",
                           in.returns.size());
    return v;
  }
  if (days >= o.decay_grace_days) {
    v.to = State::Retired;
    v.reason = enough ? fmt::format("no recovery within {} days: {}", o.decay_grace_days,
                                    fmt::join(tests.causes, ", "))
                      : fmt::format("no recovery within {} days: {} of {} bars since the decay",
                                    o.decay_grace_days, in.returns.size(),
                                    std::max<std::int64_t>(o.rolling_bars, 2));
  }
  return v;
}

}  // namespace organism::lifecycle

// The lifecycle rules: pure verdicts over return series (paper -> production or back to validated,
// production -> decaying, decaying -> production or retired), each with the evidence (figures,
// thresholds, bar counts) that decided. Used by the daemon's lifecycle scheduler;
// docs/lifecycle.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "lifecycle/state.hpp"
#include "validate/sharpe_stats.hpp"

namespace organism::lifecycle {

using core::TimeMs;

// Every lifecycle.* key (config_keys.hpp); the defaults are the keys' defaults.
struct LifecycleOptions {
  double paper_days = 7;
  double max_tracking_error = 0.25;  // annualized std of (paper - backtest) per-bar returns
  double paper_sharpe_ratio = 0.5;   // k: paper Sharpe >= k x validated Sharpe
  std::int64_t max_paper = 4, max_production = 4;
  double paper_capital = 1000;  // USD per paper strategy
  std::int64_t rolling_bars = 168;
  double min_rolling_sharpe = -1;  // annualized
  double dd_multiple = 1.5;
  double cusum_k = 0.5, cusum_h = 5;
  double decay_grace_days = 14;
  std::int64_t evolve_every_bars = 24;
  double evolve_budget_seconds = 120;
  std::int64_t evolve_population = 0, evolve_generations = 0;  // 0: evolve.*
  bool flatten_on_stop = false;
  std::int64_t bar_wait_ms = 10'000;
  double bars_per_year = 8760;  // of the daemon's interval (not a key)
};

// What a strategy was validated with: the reference its live returns are held to.
struct ValidatedFigures {
  double sharpe = std::numeric_limits<double>::quiet_NaN();        // annualized
  double max_drawdown = std::numeric_limits<double>::quiet_NaN();  // fraction
  double mean = std::numeric_limits<double>::quiet_NaN();   // per-bar return (the CUSUM's mu0)
  double stdev = std::numeric_limits<double>::quiet_NaN();  // per-bar (sigma0)
};

// A rule's outcome: `to` empty when the strategy stays where it is.
struct Verdict {
  std::optional<State> to;
  std::string reason;
  nlohmann::json evidence = nlohmann::json::object();
};

// mean / std (ddof 1) x sqrt(bars_per_year); 0 with fewer than 2 bars (validate/sharpe_stats.hpp).
using validate::annualized_sharpe;
// The max drawdown of the curve compounded from 1 (peak starts at 1), a fraction in [0, 1].
double compounded_drawdown(std::span<const double> returns);
// std (ddof 1) of paper[i] - backtest[i] x sqrt(bars_per_year); NaN with fewer than 2 pairs.
// core::UsageError when the lengths differ.
double tracking_error(std::span<const double> paper, std::span<const double> backtest,
                      double bars_per_year);

// The lower (one-sided) CUSUM of standardized returns against the in-control mean mu0 and std
// sigma0: S_0 = 0, S_t = max(0, S_{t-1} + (mu0 - r_t) / sigma0 - k), alarm at S_t > h. It grows
// while returns run below mu0 by more than k standard deviations per bar on average.
struct Cusum {
  double statistic = 0;                    // S at the last bar
  double peak = 0;                         // max_t S_t
  std::optional<std::size_t> first_alarm;  // index of the first t with S_t > h
};
Cusum lower_cusum(std::span<const double> returns, double mu0, double sigma0, double k, double h);
// Siegmund's approximation of the in-control average run length (bars to a false alarm on i.i.d.
// normal returns with mean mu0 and std sigma0): with b = h + 1.166,
// ARL0 = (exp(2 k b) - 2 k b - 1) / (2 k^2), and b^2 when k = 0.
double cusum_arl0(double k, double h);

// paper -> production when at least paper_days have passed since `entered`, the tracking error
// is <= max_tracking_error and the paper Sharpe >= paper_sharpe_ratio x validated Sharpe (and a
// production slot is free); paper -> validated (demoted) when the days are done and either test
// fails. Stays while the days run, while fewer than 2 paired returns exist, or (passing) while
// production is full. `paper` and `backtest`: per-bar returns of the same bars, same length.
struct PaperInputs {
  TimeMs now = 0, entered = 0;
  std::vector<double> paper, backtest;
  ValidatedFigures validated;
  bool production_slot_free = true;
};
Verdict paper_verdict(const PaperInputs& in, const LifecycleOptions& options);

// The decay tests on a live return series: the rolling Sharpe of its last rolling_bars (only once
// it has that many), its compounded drawdown against validated max drawdown x dd_multiple, the
// lower CUSUM against the validated mean and std, and the breaker's pause.
struct DecayTests {
  bool failed = false;              // any test failed
  std::vector<std::string> causes;  // the failed tests' names, in the order above
  nlohmann::json evidence = nlohmann::json::object();
};
DecayTests decay_tests(std::span<const double> returns, const ValidatedFigures& validated,
                       bool paused, const LifecycleOptions& options);

// `returns`: the live returns since the strategy entered its state at `entered`.
struct LiveInputs {
  TimeMs now = 0, entered = 0;
  std::vector<double> returns;
  ValidatedFigures validated;
  bool paused = false;
};
// production -> decaying when any decay test fails on the returns since it entered production.
Verdict production_verdict(const LiveInputs& in, const LifecycleOptions& options);
// decaying -> production (recovered) when, on the returns since it entered decaying, it has at
// least rolling_bars of them and every decay test passes (the CUSUM restarted at the decay, never
// in alarm since), and it is not paused; else decaying -> retired once decay_grace_days have
// passed since `entered`; else it stays.
Verdict decaying_verdict(const LiveInputs& in, const LifecycleOptions& options);

}  // namespace organism::lifecycle

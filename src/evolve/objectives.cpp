#include "evolve/objectives.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "core/error.hpp"
#include "core/text.hpp"

namespace organism::evolve {
namespace {

// Metrics where less is better; every other metric is maximized.
constexpr std::array<std::string_view, 6> kMinimized = {"volatility",      "max_drawdown", "max_drawdown_duration",
                                                        "turnover",        "var_95",       "cvar_95"};

std::vector<std::string> metric_names() {
  std::vector<std::string> names;
  backtest::for_each_metric(backtest::Metrics{}, [&](std::string_view name, double) { names.emplace_back(name); });
  return names;
}

}  // namespace

Direction metric_direction(std::string_view metric) {
  const auto names = metric_names();
  if (std::find(names.begin(), names.end(), metric) == names.end()) {
    throw core::UsageError(fmt::format("unknown objective '{}'; metrics: {}", metric, fmt::join(names, ", ")));
  }
  return std::find(kMinimized.begin(), kMinimized.end(), metric) != kMinimized.end() ? Direction::Minimize
                                                                                      : Direction::Maximize;
}

double metric_value(const backtest::Metrics& m, std::string_view metric) {
  double found = std::nan("");
  backtest::for_each_metric(m, [&](std::string_view name, double v) {
    if (name == metric) found = v;
  });
  if (std::isnan(found)) metric_direction(metric);  // throws for an unknown name
  return found;
}

std::vector<Objective> parse_objectives(std::string_view list) {
  std::vector<Objective> out;
  for (const auto& raw : core::split_list(list, ',')) {
    const std::string name{core::trim(raw)};
    if (name.empty()) continue;
    for (const auto& o : out) {
      if (o.metric == name) throw core::UsageError(fmt::format("objective '{}' is listed twice", name));
    }
    out.push_back({name, metric_direction(name)});
  }
  if (out.empty()) throw core::UsageError("--objectives needs at least one metric name");
  return out;
}

Aggregate parse_aggregate(std::string_view text) {
  if (text == "mean") return Aggregate::Mean;
  if (text == "worst") return Aggregate::Worst;
  throw core::UsageError(fmt::format("unknown aggregate '{}': mean or worst", text));
}

std::string_view aggregate_name(Aggregate a) { return a == Aggregate::Mean ? "mean" : "worst"; }

Fitness fitness_of(std::span<const backtest::Metrics> per_coin, std::span<const Objective> objectives,
                   Aggregate aggregate, const Constraints& constraints) {
  Fitness f;
  if (per_coin.empty()) throw core::Error("fitness over an empty universe");
  const bool failed = std::any_of(per_coin.begin(), per_coin.end(),
                                  [](const backtest::Metrics& m) { return m.evaluation_failed; });
  if (failed) {
    f.objectives.assign(objectives.size(), 0.0);
    f.violation = kFailedEvaluationViolation;
    return f;
  }
  const double coins = static_cast<double>(per_coin.size());
  for (const auto& o : objectives) {
    const bool maximize = o.direction == Direction::Maximize;
    double acc = aggregate == Aggregate::Mean ? 0.0 : metric_value(per_coin[0], o.metric);
    for (const auto& m : per_coin) {
      const double v = metric_value(m, o.metric);
      if (aggregate == Aggregate::Mean) {
        acc += v / coins;
      } else {
        acc = maximize ? std::min(acc, v) : std::max(acc, v);
      }
    }
    f.objectives.push_back(maximize ? -acc : acc);
  }
  double trades = 0, worst_dd = 0;
  for (const auto& m : per_coin) {
    trades += static_cast<double>(m.trades) / coins;
    worst_dd = std::max(worst_dd, m.max_drawdown);
  }
  if (constraints.min_trades > 0 && trades < constraints.min_trades) {
    f.violation += (constraints.min_trades - trades) / constraints.min_trades;
  }
  if (worst_dd > constraints.max_drawdown) f.violation += worst_dd - constraints.max_drawdown;
  // A curve that never moves has no volatility to scale to the target, and nothing to rank:
  // it may never be a front member, whatever min_trades says.
  const bool flat = std::all_of(per_coin.begin(), per_coin.end(), [](const backtest::Metrics& m) { return m.volatility == 0; });
  if (flat) f.violation += 1;
  return f;
}

MetricValues mean_metrics(std::span<const backtest::Metrics> per_coin) {
  MetricValues out;
  const double n = static_cast<double>(per_coin.size());
  for (const auto& m : per_coin) {
    std::size_t i = 0;
    backtest::for_each_metric(m, [&](std::string_view name, double v) {
      if (out.size() <= i) out.emplace_back(std::string(name), 0.0);
      out[i++].second += v / n;
    });
  }
  return out;
}

double value_of(const MetricValues& values, std::string_view metric) {
  for (const auto& [name, v] : values) {
    if (name == metric) return v;
  }
  return std::nan("");
}

}  // namespace organism::evolve

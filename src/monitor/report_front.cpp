// Choices the report makes on a run's front: the scatter's axes and the member shown by default.
#include <fmt/format.h>

#include <cmath>
#include <set>

#include "core/error.hpp"
#include "monitor/report.hpp"
#include "monitor/report_text.hpp"

namespace organism::monitor {
namespace {

bool has_metric(const evolve::MetricValues& values, std::string_view metric) {
  for (const auto& [name, v] : values) {
    if (name == metric) return true;
  }
  return false;
}

}  // namespace

const runs::FrontMember* front_member(const runs::RunResult& run, std::string_view id) {
  for (const auto& m : run.front) {
    if (m.id == id) return &m;
  }
  return nullptr;
}

std::optional<double> stage_metric(const runs::FrontMember& member, std::string_view stage,
                                   std::string_view metric) {
  for (std::size_t s = 0; s < runs::kStages.size(); ++s) {
    if (evolve::stage_name(runs::kStages[s]) != stage) continue;
    return has_metric(member.metrics[s], metric)
               ? if_finite(evolve::value_of(member.metrics[s], metric))
               : std::nullopt;
  }
  return std::nullopt;
}

std::string resolve_axis(const runs::RunResult& run, const std::string& name) {
  const auto dot = name.find('.');
  const std::string stage = dot == std::string::npos ? "in_sample" : name.substr(0, dot);
  const std::string metric = dot == std::string::npos ? name : name.substr(dot + 1);
  std::set<std::string> stages, metrics;
  for (const auto& m : run.front) {
    for (std::size_t s = 0; s < runs::kStages.size(); ++s) {
      const std::string stage_name(evolve::stage_name(runs::kStages[s]));
      stages.insert(stage_name);
      for (const auto& [k, v] : m.metrics[s]) metrics.insert(k);
      if (stage_name == stage && has_metric(m.metrics[s], metric))
        return fmt::format("{}.{}", stage, metric);
    }
  }
  throw core::Error(
      fmt::format("unknown metric '{}' for the front scatter; the run's metrics: {} (in-sample; "
                  "prefix {}. for another stage)",
                  name, fmt::join(metrics, ", "), fmt::join(stages, ". or ")));
}

std::pair<std::string, std::string> default_axes(const runs::RunResult& run) {
  const auto& objectives = run.objectives;
  if (objectives.empty()) return {resolve_axis(run, "sharpe"), resolve_axis(run, "max_drawdown")};
  const std::string x = resolve_axis(run, objectives.front());
  return {x, objectives.size() > 1 ? resolve_axis(run, objectives[1]) : x};
}

MemberRank member_rank(const runs::FrontMember& m) {
  MemberRank r;
  r.survives = m.validation && m.validation->passed;
  r.trades = stage_metric(m, "out_of_sample", "trades").value_or(0) +
                 stage_metric(m, "walk_forward", "trades").value_or(0) >
             0;
  auto sharpe = m.validation ? if_finite(m.validation->held_out_sharpe) : std::nullopt;
  if (!sharpe) {
    const auto oos = stage_metric(m, "out_of_sample", "sharpe"),
               wf = stage_metric(m, "walk_forward", "sharpe");
    sharpe = oos && wf ? std::optional((*oos + *wf) / 2) : oos;
  }
  r.held_out_sharpe = sharpe.value_or(-INFINITY);
  return r;
}

bool ranks_before(const MemberRank& a, const MemberRank& b) {
  if (a.survives != b.survives) return a.survives;
  if (a.trades != b.trades) return a.trades;
  return a.held_out_sharpe > b.held_out_sharpe;
}

std::string default_member(const runs::RunResult& run) {
  std::string best_id;
  MemberRank best;
  for (const auto& m : run.front) {
    const MemberRank r = member_rank(m);
    const bool tie = !ranks_before(r, best) && !ranks_before(best, r);
    if (best_id.empty() || ranks_before(r, best) || (tie && m.id < best_id)) {
      best_id = m.id;
      best = r;
    }
  }
  return best_id;
}

}  // namespace organism::monitor

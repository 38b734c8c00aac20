// Choices the report makes on a run's front: the scatter's axes and the member shown by default.
#include <fmt/format.h>

#include <cmath>
#include <set>

#include "core/error.hpp"
#include "monitor/report.hpp"
#include "monitor/report_text.hpp"

namespace organism::monitor {

using json = nlohmann::json;

std::string resolve_axis(const json& run, const std::string& name) {
  const auto dot = name.find('.');
  const std::string stage = dot == std::string::npos ? "in_sample" : name.substr(0, dot);
  const std::string metric = dot == std::string::npos ? name : name.substr(dot + 1);
  std::set<std::string> stages, metrics;
  const json front = run.value("front", json::array());
  for (const auto& m : front) {
    const json by_stage = m.value("metrics", json::object());
    for (const auto& [s, values] : by_stage.items()) {
      stages.insert(s);
      if (!values.is_object()) continue;
      for (const auto& [k, v] : values.items()) metrics.insert(k);
      if (s == stage && values.contains(metric)) return fmt::format("{}.{}", stage, metric);
    }
  }
  throw core::Error(
      fmt::format("unknown metric '{}' for the front scatter; the run's metrics: {} (in-sample; "
                  "prefix {}. for another stage)",
                  name, fmt::join(metrics, ", "), fmt::join(stages, ". or ")));
}

std::pair<std::string, std::string> default_axes(const json& run) {
  const auto objectives = run.value("objectives", std::vector<std::string>{});
  if (objectives.empty()) return {resolve_axis(run, "sharpe"), resolve_axis(run, "max_drawdown")};
  const std::string x = resolve_axis(run, objectives.front());
  return {x, objectives.size() > 1 ? resolve_axis(run, objectives[1]) : x};
}

MemberRank member_rank(const json& m) {
  MemberRank r;
  const auto validation = m.value("validation", json::object());
  r.survives = validation.is_object() && validation.value("passed", false);
  const auto metrics = m.value("metrics", json::object());
  const auto stage = [&](const char* name, const char* key) {
    return number_at(metrics.value(name, json::object()), key);
  };
  r.trades = stage("out_of_sample", "trades").value_or(0) + stage("walk_forward", "trades").value_or(0) > 0;
  auto sharpe = validation.is_object() ? number_at(validation, "held_out_sharpe") : std::nullopt;
  if (!sharpe) {
    const auto oos = stage("out_of_sample", "sharpe"), wf = stage("walk_forward", "sharpe");
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

std::string default_member(const json& run) {
  std::string best_id;
  MemberRank best;
  const json front = run.value("front", json::array());
  for (const auto& m : front) {
    const MemberRank r = member_rank(m);
    const std::string id = m.value("id", "");
    const bool tie = !ranks_before(r, best) && !ranks_before(best, r);
    if (best_id.empty() || ranks_before(r, best) || (tie && id < best_id)) {
      best_id = id;
      best = r;
    }
  }
  return best_id;
}

}  // namespace organism::monitor

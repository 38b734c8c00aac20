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

std::string default_member(const json& run) {
  std::string best_id;
  double best = -INFINITY;
  bool best_survives = false;
  const json front = run.value("front", json::array());
  for (const auto& m : front) {
    const auto validation = m.value("validation", json::object());
    const bool survives = validation.is_object() && validation.value("passed", false);
    const auto sharpe = number_at(
        m.value("metrics", json::object()).value("out_of_sample", json::object()), "sharpe");
    const double v = sharpe.value_or(-INFINITY);
    const std::string id = m.value("id", "");
    const bool better = best_id.empty() || (survives && !best_survives) ||
                        (survives == best_survives && (v > best || (v == best && id < best_id)));
    if (better) {
      best_id = id;
      best = v;
      best_survives = survives;
    }
  }
  return best_id;
}

}  // namespace organism::monitor

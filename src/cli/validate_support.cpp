// The gate summary printed after a run's front was validated (evolve_support.hpp).
#include <fmt/format.h>

#include <map>

#include "cli/evolve_support.hpp"

namespace organism::cli {

void print_validation_summary(const runs::ValidationOutcome& outcome, std::size_t top) {
  const auto& v = outcome.result;
  const auto& t = outcome.options.gates;
  std::map<std::string, std::size_t> failed;
  for (const auto& m : v.members) {
    for (const auto& g : m.gates) failed[g.name] += g.passed ? 0 : 1;
  }
  fmt::print("validation: {} of {} front members passed every gate and are now 'validated' (PBO {}, {} trials in {} "
             "clusters, {} independent front members, walk-forward efficiency {:.3g})\n",
             v.survivors, v.members.size(), v.pbo ? fmt::format("{:.3f}", v.pbo->pbo) : "n/a", v.trials.count,
             v.trial_clustering.clusters, v.effective_front_members, v.walk_forward.efficiency);
  if (!v.trial_clustering.note.empty()) fmt::print("note: {}\n", v.trial_clustering.note);
  const std::map<std::string, std::string> rule = {
      {"sharpe_in_sample", fmt::format("> {:g}", t.sharpe)},  {"sharpe_out_of_sample", fmt::format("> {:g}", t.sharpe)},
      {"sharpe_walk_forward", fmt::format("> {:g}", t.sharpe)}, {"max_drawdown", fmt::format("< {:g}", t.max_drawdown)},
      {"dsr", fmt::format("> {:g}", t.dsr)},                  {"pbo", fmt::format("< {:g}", t.pbo)},
      {"cost_stress", fmt::format("> {:g} return", t.cost_stress)}};
  fmt::print("{:<22} {:>14} {:>8}\n", "gate", "threshold", "failed");
  for (const char* name : validate::kGateNames) fmt::print("{:<22} {:>14} {:>8}\n", name, rule.at(name), failed[name]);
  std::size_t shown = 0;
  for (const auto& m : v.members) {
    if (!m.passed || shown++ >= top) continue;
    fmt::print("validated {}: Sharpe {:.2f} / {:.2f} / {:.2f}, DSR {:.3f}, WF efficiency {:.2f}\n", m.id,
               evolve::value_of(m.stages[0].mean, "sharpe"), evolve::value_of(m.stages[1].mean, "sharpe"),
               evolve::value_of(m.stages[2].mean, "sharpe"), m.held_out.deflated.dsr, m.wf_efficiency);
  }
}

}  // namespace organism::cli

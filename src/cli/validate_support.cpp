// The gate summary printed after a run's front was validated (evolve_support.hpp).
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "cli/evolve_support.hpp"
#include "core/time.hpp"

namespace organism::cli {

namespace {

// The members the risk limits would have halted on a held-out segment (reported, not a gate),
// each with its first halt.
void print_risk_halts(const runs::ValidationOutcome& outcome, std::size_t top) {
  const auto& v = outcome.result;
  std::size_t members = 0;
  for (const auto& m : v.members) members += m.risk_halts.halted > 0 ? 1 : 0;
  fmt::print("risk halts (reported, not a gate): {} of {} front members halted on a held-out segment under the "
             "risk.* limits (drawdown {:g}, daily loss {:g})\n",
             members, v.members.size(), outcome.options.risk.max_drawdown, outcome.options.risk.daily_loss);
  std::size_t shown = 0;
  for (const auto& m : v.members) {
    if (m.risk_halts.halted == 0 || shown++ >= top) continue;
    const auto& first = *std::find_if(m.risk_halts.segments.begin(), m.risk_halts.segments.end(),
                                      [](const validate::SegmentHalt& s) { return s.halted; });
    fmt::print("  {} halted in {} of {} segments; first: {} coin {} at bar {} ({}), by {}\n", m.id, m.risk_halts.halted,
               m.risk_halts.segments.size(), evolve::stage_name(first.stage), first.label, first.halt_bar.value_or(0),
               core::format_utc(first.halt_time), first.reason);
  }
}

}  // namespace

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
    fmt::print("validated {}: Sharpe {:.2f} / {:.2f} / {:.2f}, DSR {:.3f}, WF efficiency {:.2f}, halted in {} of {} "
               "segments\n",
               m.id, evolve::value_of(m.stages[0].mean, "sharpe"), evolve::value_of(m.stages[1].mean, "sharpe"),
               evolve::value_of(m.stages[2].mean, "sharpe"), m.held_out.deflated.dsr, m.wf_efficiency,
               m.risk_halts.halted, m.risk_halts.segments.size());
  }
  print_risk_halts(outcome, top);
}

}  // namespace organism::cli

#include "validate/gates.hpp"

#include <cmath>

#include <fmt/format.h>

namespace organism::validate {
namespace {

enum class Side { Above, Below };

GateResult gate(const char* name, std::optional<double> value, double threshold, Side side) {
  GateResult g{name, false, value, threshold, ""};
  const char* want = side == Side::Above ? "above" : "below";
  if (!value || !std::isfinite(*value)) {
    g.value.reset();
    g.reason = fmt::format("{} could not be measured", name);
    return g;
  }
  g.passed = side == Side::Above ? *value > threshold : *value < threshold;
  if (!g.passed) g.reason = fmt::format("{} {:.4g} is not {} {:.4g}", name, *value, want, threshold);
  return g;
}

}  // namespace

std::vector<GateResult> evaluate_gates(const GateInputs& in, const GateThresholds& t) {
  return {gate(kGateNames[0], in.sharpe_in_sample, t.sharpe, Side::Above),
          gate(kGateNames[1], in.sharpe_out_of_sample, t.sharpe, Side::Above),
          gate(kGateNames[2], in.sharpe_walk_forward, t.sharpe, Side::Above),
          gate(kGateNames[3], in.max_drawdown, t.max_drawdown, Side::Below),
          gate(kGateNames[4], in.dsr, t.dsr, Side::Above),
          gate(kGateNames[5], in.pbo, t.pbo, Side::Below),
          gate(kGateNames[6], in.cost_stress_return, t.cost_stress, Side::Above)};
}

bool all_passed(const std::vector<GateResult>& gates) {
  for (const auto& g : gates) {
    if (!g.passed) return false;
  }
  return true;
}

}  // namespace organism::validate

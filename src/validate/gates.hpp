// The pass/fail gates a front member must clear to move from `testing` to `validated`, each with
// its measured value, its threshold and, when it fails, the reason. Used by validate_front and
// the CLI's gate summary. Pure.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace organism::validate {

// Defaults of issue 8 (config keys validate.gate.*).
struct GateThresholds {
  double sharpe = 2;           // annualized Sharpe, mean over coins, strictly above, in every stage
  double max_drawdown = 0.10;  // worst stage's max drawdown (mean over coins), strictly below
  double dsr = 0.95;           // deflated Sharpe ratio, strictly above
  double pbo = 0.5;            // probability of backtest overfitting of the run, strictly below
  double cost_stress = 0;      // worst stage's total return under stressed costs, strictly above
};

// Gate names in report order (the JSON keys of validation.gates).
inline constexpr const char* kGateNames[] = {"sharpe_in_sample", "sharpe_out_of_sample", "sharpe_walk_forward",
                                             "max_drawdown",     "dsr",                  "pbo",
                                             "cost_stress"};

// What the gates read of one member; pbo is the run's (nullopt when it could not be computed).
struct GateInputs {
  double sharpe_in_sample = 0;
  double sharpe_out_of_sample = 0;
  double sharpe_walk_forward = 0;
  double max_drawdown = 0;  // max over the three stages
  double dsr = 0;
  std::optional<double> pbo;
  double cost_stress_return = 0;  // min over the three stages
};

struct GateResult {
  std::string name;
  bool passed = false;
  std::optional<double> value;  // nullopt: not measurable (the gate fails)
  double threshold = 0;
  std::string reason;  // empty when passed, e.g. "sharpe_out_of_sample 1.42 is not above 2"
};

// One result per kGateNames entry, in that order. A non-finite value fails its gate.
std::vector<GateResult> evaluate_gates(const GateInputs& inputs, const GateThresholds& thresholds);
bool all_passed(const std::vector<GateResult>& gates);

}  // namespace organism::validate

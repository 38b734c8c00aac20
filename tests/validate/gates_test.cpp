// The gates on hand-made inputs: each passes strictly beyond its threshold, fails at it, and a
// missing or non-finite value fails with a reason.
#include <gtest/gtest.h>

#include <cmath>

#include "validate/gates.hpp"

namespace organism::validate {
namespace {

GateInputs passing() {
  GateInputs in;
  in.sharpe_in_sample = 3;
  in.sharpe_out_of_sample = 2.5;
  in.sharpe_walk_forward = 2.1;
  in.max_drawdown = 0.05;
  in.dsr = 0.99;
  in.pbo = 0.1;
  in.cost_stress_return = 0.2;
  return in;
}

TEST(Gates, AllPassInOrderWithTheirThresholds) {
  const auto gates = evaluate_gates(passing(), GateThresholds{});
  ASSERT_EQ(gates.size(), std::size(kGateNames));
  for (std::size_t i = 0; i < gates.size(); ++i) {
    EXPECT_EQ(gates[i].name, kGateNames[i]);
    EXPECT_TRUE(gates[i].passed) << gates[i].name;
    EXPECT_TRUE(gates[i].reason.empty());
  }
  EXPECT_DOUBLE_EQ(gates[0].threshold, 2);
  EXPECT_DOUBLE_EQ(gates[3].threshold, 0.10);
  EXPECT_DOUBLE_EQ(gates[4].threshold, 0.95);
  EXPECT_DOUBLE_EQ(gates[5].threshold, 0.5);
  EXPECT_DOUBLE_EQ(gates[6].threshold, 0);
  EXPECT_TRUE(all_passed(gates));
}

TEST(Gates, AValueAtItsThresholdFailsWithAReason) {
  auto in = passing();
  in.sharpe_out_of_sample = 2;  // not above 2
  in.max_drawdown = 0.10;       // not below 0.10
  in.pbo = 0.5;
  in.cost_stress_return = 0;  // breaking even under stress is not profitable
  const auto gates = evaluate_gates(in, GateThresholds{});
  EXPECT_TRUE(gates[0].passed);
  EXPECT_FALSE(gates[1].passed);
  EXPECT_EQ(gates[1].reason, "sharpe_out_of_sample 2 is not above 2");
  EXPECT_FALSE(gates[3].passed);
  EXPECT_EQ(gates[3].reason, "max_drawdown 0.1 is not below 0.1");
  EXPECT_FALSE(gates[5].passed);
  EXPECT_FALSE(gates[6].passed);
  EXPECT_FALSE(all_passed(gates));
}

TEST(Gates, MissingOrNonFiniteValuesFail) {
  auto in = passing();
  in.pbo.reset();
  in.dsr = std::nan("");
  const auto gates = evaluate_gates(in, GateThresholds{});
  EXPECT_FALSE(gates[4].passed);
  EXPECT_FALSE(gates[4].value.has_value());
  EXPECT_EQ(gates[4].reason, "dsr could not be measured");
  EXPECT_FALSE(gates[5].passed);
  EXPECT_EQ(gates[5].reason, "pbo could not be measured");
}

TEST(Gates, ThresholdsAreConfigurable) {
  GateThresholds t;
  t.sharpe = 3.5;
  t.dsr = 0.5;
  auto in = passing();
  in.dsr = 0.6;
  const auto gates = evaluate_gates(in, t);
  EXPECT_FALSE(gates[0].passed);  // 3 is not above 3.5
  EXPECT_TRUE(gates[4].passed);
  EXPECT_DOUBLE_EQ(gates[0].threshold, 3.5);
}

}  // namespace
}  // namespace organism::validate

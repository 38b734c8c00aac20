// The lifecycle rules on tiny series whose Sharpe, drawdown, tracking error and CUSUM are worked
// out here by hand (and by a plain loop), every verdict firing and not firing; the CUSUM's ARL0
// against Siegmund's formula by Monte Carlo.
#include "lifecycle/rules.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace organism::lifecycle {
namespace {

constexpr TimeMs kDay = 86'400'000;
constexpr TimeMs kT0 = 1704067200000;

LifecycleOptions small_options() {
  LifecycleOptions o;
  o.bars_per_year = 100;  // sqrt = 10: annualized figures are per-bar x 10
  o.rolling_bars = 4;
  o.min_rolling_sharpe = 0;
  o.dd_multiple = 1.5;
  o.cusum_k = 0.5;
  o.cusum_h = 5;
  o.paper_days = 7;
  o.max_tracking_error = 0.1;
  o.paper_sharpe_ratio = 0.5;
  o.decay_grace_days = 3;
  return o;
}

// mean / std (ddof 1) x sqrt(n_year), written out.
double plain_sharpe(const std::vector<double>& r, double per_year) {
  double m = 0;
  for (double x : r) m += x;
  m /= static_cast<double>(r.size());
  double ss = 0;
  for (double x : r) ss += (x - m) * (x - m);
  return m / std::sqrt(ss / static_cast<double>(r.size() - 1)) * std::sqrt(per_year);
}

TEST(LifecycleRules, FiguresByHand) {
  // mean 0.005, deviations .005 -.025 .025 -.005: var 1300e-6 / 3, std 0.0208167, SR 0.240192/bar.
  const std::vector<double> r{0.01, -0.02, 0.03, 0.00};
  EXPECT_NEAR(annualized_sharpe(r, 100), 2.40192, 1e-5);
  EXPECT_NEAR(annualized_sharpe(r, 100), plain_sharpe(r, 100), 1e-12);
  // Equity 1.1, 0.88, 0.924, 0.8316, 1.08108: worst 1 - 0.8316 / 1.1 = 0.244.
  EXPECT_NEAR(compounded_drawdown(std::vector<double>{0.1, -0.2, 0.05, -0.1, 0.3}), 0.244, 1e-12);
  // A loss from the start counts against the initial 1.
  EXPECT_NEAR(compounded_drawdown(std::vector<double>{-0.1}), 0.1, 1e-12);
  // Differences 0, .01, -.01: var 1e-4, std .01, x 10.
  EXPECT_NEAR(tracking_error(std::vector<double>{0.01, 0.02, 0.0},
                             std::vector<double>{0.01, 0.01, 0.01}, 100),
              0.1, 1e-12);
  EXPECT_TRUE(std::isnan(tracking_error(std::vector<double>{0.01}, std::vector<double>{0.0}, 100)));
}

TEST(LifecycleRules, LowerCusumByHand) {
  // mu0 0, sigma0 .01: z = 2, 2, -1, 3; minus k .5: S = 1.5, 3.0 (> 2: alarm at 1), 1.5, 4.0.
  const auto c = lower_cusum(std::vector<double>{-0.02, -0.02, 0.01, -0.03}, 0.0, 0.01, 0.5, 2.0);
  EXPECT_DOUBLE_EQ(c.statistic, 4.0);
  EXPECT_DOUBLE_EQ(c.peak, 4.0);
  ASSERT_TRUE(c.first_alarm);
  EXPECT_EQ(*c.first_alarm, 1u);
  // Returns at or above the mean never accumulate.
  const auto calm = lower_cusum(std::vector<double>{0.0, 0.01, 0.02}, 0.0, 0.01, 0.5, 2.0);
  EXPECT_EQ(calm.peak, 0.0);
  EXPECT_FALSE(calm.first_alarm);
  // No reference std: no statistic.
  EXPECT_FALSE(lower_cusum(std::vector<double>{-1, -1}, 0.0, 0.0, 0.5, 2.0).first_alarm);
}

TEST(LifecycleRules, SiegmundArl0) {
  // b = 6.166: (e^6.166 - 6.166 - 1) / 0.5 = 938.2; the exact one-sided value is ~930.
  const double b = 5 + 1.166;
  EXPECT_NEAR(cusum_arl0(0.5, 5), (std::exp(b) - b - 1) / 0.5, 1e-9);
  EXPECT_NEAR(cusum_arl0(0.5, 5), 930, 0.02 * 930);
  EXPECT_NEAR(cusum_arl0(0, 3), 4.166 * 4.166, 1e-12);
}

TEST(LifecycleRules, Arl0MatchesMonteCarloOnNormalReturns) {
  // i.i.d. N(mu0, sigma0) returns: the in-control mean run length to the first alarm.
  const double k = 0.5, h = 4, mu0 = 0.0004, sigma0 = 0.012;
  const double formula = cusum_arl0(k, h);  // 338.1
  std::mt19937_64 rng(20260522);
  std::normal_distribution<double> normal(mu0, sigma0);
  const int runs = 3000;
  double total = 0;
  std::vector<double> r(6000);
  for (int i = 0; i < runs; ++i) {
    for (double& x : r) x = normal(rng);
    const auto c = lower_cusum(r, mu0, sigma0, k, h);
    ASSERT_TRUE(c.first_alarm);  // P(no alarm in 6000 bars) ~ e^-17
    total += static_cast<double>(*c.first_alarm + 1);
  }
  const double mean = total / runs;
  EXPECT_NEAR(mean, formula, 0.15 * formula)
      << "empirical ARL0 " << mean << ", Siegmund " << formula;
}

PaperInputs paper_inputs(double days) {
  PaperInputs in;
  in.entered = kT0;
  in.now = kT0 + static_cast<TimeMs>(days * kDay);
  // Differences 0, .01, -.01, 0: std .0081650 x 10 = 0.08165. Paper: mean .01, same std,
  // Sharpe 1.224745 x 10 = 12.24745.
  in.paper = {0.01, 0.02, 0.00, 0.01};
  in.backtest = {0.01, 0.01, 0.01, 0.01};
  in.validated.sharpe = 10;
  return in;
}

TEST(LifecycleRules, PaperPromotesDemotesAndWaits) {
  auto o = small_options();
  // Days not done: stays.
  auto v = paper_verdict(paper_inputs(6.9), o);
  EXPECT_FALSE(v.to);
  // Done, tracking 0.08165 <= 0.1, Sharpe 12.247 >= 0.5 x 10: promoted.
  v = paper_verdict(paper_inputs(7), o);
  ASSERT_TRUE(v.to);
  EXPECT_EQ(*v.to, State::Production);
  EXPECT_NEAR(v.evidence["tracking_error"].get<double>(), 0.0816497, 1e-6);
  EXPECT_NEAR(v.evidence["paper_sharpe"].get<double>(), 12.247449, 1e-5);
  EXPECT_DOUBLE_EQ(v.evidence["min_paper_sharpe"].get<double>(), 5.0);
  EXPECT_EQ(v.evidence["bars"].get<int>(), 4);
  // No production slot: passes but waits.
  auto full = paper_inputs(8);
  full.production_slot_free = false;
  v = paper_verdict(full, o);
  EXPECT_FALSE(v.to);
  EXPECT_TRUE(v.evidence["tracking_ok"].get<bool>());
  // Tracking bound 0.05: demoted.
  o.max_tracking_error = 0.05;
  v = paper_verdict(paper_inputs(7), o);
  ASSERT_TRUE(v.to);
  EXPECT_EQ(*v.to, State::Validated);
  EXPECT_NE(v.reason.find("tracking error 0.0816 > 0.05"), std::string::npos) << v.reason;
  // Validated Sharpe 30: needs 15 > 12.25: demoted for the Sharpe alone.
  o.max_tracking_error = 0.1;
  auto strong = paper_inputs(7);
  strong.validated.sharpe = 30;
  v = paper_verdict(strong, o);
  ASSERT_TRUE(v.to);
  EXPECT_EQ(*v.to, State::Validated);
  EXPECT_FALSE(v.evidence["sharpe_ok"].get<bool>());
  EXPECT_TRUE(v.evidence["tracking_ok"].get<bool>());
}

LiveInputs live(std::vector<double> returns, double days = 1) {
  LiveInputs in;
  in.entered = kT0;
  in.now = kT0 + static_cast<TimeMs>(days * kDay);
  in.returns = std::move(returns);
  in.validated.sharpe = 2;
  in.validated.max_drawdown = 0.1;
  in.validated.mean = 0.005;
  in.validated.stdev = 0.01;
  return in;
}

const std::vector<double> kGood{0.01, 0.01, 0.02,
                                0.0};  // z - k: -1, -1, -2, 0: S stays 0; no drawdown
const std::vector<double> kBad{0.01, -0.02, 0.005,
                               -0.01};  // mean -0.00375; S = 0, 2, 1.5, 2.5; dd 0.02495

TEST(LifecycleRules, ProductionStaysWhenEveryTestPasses) {
  const auto v = production_verdict(live(kGood), small_options());
  EXPECT_FALSE(v.to);
  EXPECT_FALSE(v.evidence["rolling_sharpe"]["failed"].get<bool>());
  EXPECT_NEAR(v.evidence["rolling_sharpe"]["sharpe"].get<double>(), plain_sharpe(kGood, 100), 1e-9);
}

TEST(LifecycleRules, ProductionDecaysOnTheRollingSharpe) {
  const auto v = production_verdict(live(kBad), small_options());
  ASSERT_TRUE(v.to);
  EXPECT_EQ(*v.to, State::Decaying);
  EXPECT_EQ(v.evidence["failed"], nlohmann::json({"rolling_sharpe"}));
  EXPECT_NEAR(v.evidence["rolling_sharpe"]["sharpe"].get<double>(), plain_sharpe(kBad, 100), 1e-9);
  EXPECT_NEAR(v.evidence["drawdown"]["value"].get<double>(), 1 - 1.01 * 0.98 * 1.005 * 0.99 / 1.01,
              1e-12);
  EXPECT_DOUBLE_EQ(v.evidence["cusum"]["statistic"].get<double>(), 2.5);
}

TEST(LifecycleRules, ProductionDecaysOnTheDrawdown) {
  auto o = small_options();
  o.dd_multiple = 1;
  auto in =
      live({0.01, -0.02, 0.005});  // 3 bars: no rolling Sharpe yet; equity 1.01, .9898: dd .02
  in.validated.max_drawdown = 0.01;
  const auto v = production_verdict(in, o);
  ASSERT_TRUE(v.to);
  EXPECT_EQ(v.evidence["failed"], nlohmann::json({"drawdown"}));
  EXPECT_NEAR(v.evidence["drawdown"]["value"].get<double>(), 1 - 1.01 * 0.98 / 1.01, 1e-12);
  EXPECT_DOUBLE_EQ(v.evidence["drawdown"]["limit"].get<double>(), 0.01);
  EXPECT_TRUE(v.evidence["rolling_sharpe"]["sharpe"].is_null());
  in.validated.max_drawdown = 0.025;  // limit .025 > .02: stays
  EXPECT_FALSE(production_verdict(in, o).to);
}

TEST(LifecycleRules, ProductionDecaysOnTheCusum) {
  auto o = small_options();
  o.rolling_bars = 10;  // rolling Sharpe not yet measured
  o.cusum_h = 2.2;      // S = 0, 2, 1.5, 2.5: alarm at bar 3
  const auto v = production_verdict(live(kBad), o);
  ASSERT_TRUE(v.to);
  EXPECT_EQ(v.evidence["failed"], nlohmann::json({"cusum"}));
  EXPECT_EQ(v.evidence["cusum"]["alarm_bar"].get<int>(), 3);
  o.cusum_h = 2.5;  // S never above 2.5: no alarm
  EXPECT_FALSE(production_verdict(live(kBad), o).to);
}

TEST(LifecycleRules, ProductionDecaysWhenTheBreakerPaused) {
  auto in = live(kGood);
  in.paused = true;
  const auto v = production_verdict(in, small_options());
  ASSERT_TRUE(v.to);
  EXPECT_EQ(v.evidence["failed"], nlohmann::json({"breaker"}));
}

TEST(LifecycleRules, DecayingRecoversRetiresOrWaits) {
  const auto o = small_options();
  // rolling_bars (4) returns since the decay, every test passing: recovered.
  auto v = decaying_verdict(live(kGood, 1), o);
  ASSERT_TRUE(v.to);
  EXPECT_EQ(*v.to, State::Production);
  // Paused: no recovery.
  auto paused = live(kGood, 1);
  paused.paused = true;
  EXPECT_FALSE(decaying_verdict(paused, o).to);
  // Too few bars to judge, grace (3 days) not over: waits; over: retired.
  EXPECT_FALSE(decaying_verdict(live({0.01, 0.01, 0.02}, 2.9), o).to);
  v = decaying_verdict(live({0.01, 0.01, 0.02}, 3), o);
  ASSERT_TRUE(v.to);
  EXPECT_EQ(*v.to, State::Retired);
  EXPECT_NE(v.reason.find("3 of 4 bars"), std::string::npos) << v.reason;
  // Failing tests: waits during the grace, retired after it.
  EXPECT_FALSE(decaying_verdict(live(kBad, 2), o).to);
  v = decaying_verdict(live(kBad, 3.5), o);
  ASSERT_TRUE(v.to);
  EXPECT_EQ(*v.to, State::Retired);
  EXPECT_NEAR(v.evidence["decaying_days"].get<double>(), 3.5, 1e-12);
  EXPECT_NE(v.reason.find("rolling_sharpe"), std::string::npos) << v.reason;
}

}  // namespace
}  // namespace organism::lifecycle

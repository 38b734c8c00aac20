#include "monitor/report_fixture.hpp"

#include <fmt/format.h>

#include <cmath>
#include <string>

#include "runs/records.hpp"
#include "strategy/genome.hpp"

namespace organism::test {

runs::RunResult hand_run(bool validated, int members) {
  // Records with chosen numbers: what a stored run's result holds, field for field.
  runs::RunResult run;
  run.run = "run_20261202_s7";
  run.seed = 7;
  run.objectives = {"sharpe", "max_drawdown"};
  run.universe = {{"1h", {"BTC"}, {"synth"}}, 10};
  const auto genome = strategy::canonical_json(strategy::default_genome("ema_cross"));
  for (int i = 0; i < members; ++i) {
    runs::FrontMember m;
    m.id = fmt::format("m{}", i);
    m.family = "ema_cross";
    m.generation = 3;
    m.genome = genome;
    m.rule = "Long when EMA(12) crosses above EMA(26).";
    for (auto& stage : m.metrics) {
      stage = {{"sharpe", 0.5 + 0.3 * i}, {"max_drawdown", 0.1 + 0.02 * i}, {"total_return", 0.05 * i},
               {"trades", 20.0 + i}};
    }
    if (validated) {
      const bool passed = i == 1 || i == 3;
      runs::MemberValidation v;
      v.dsr = i == 1 ? 0.97 : 0.4;
      v.psr = 0.99;
      v.dsr_in_sample = 0.2;
      v.effective_trials = 41;
      v.effective_front_members = 3;
      v.wf_efficiency = 0.8;
      v.held_out_sharpe = 0.5 + 0.3 * i;
      v.cost_stress.multiplier = 2;
      v.cost_stress.sharpe = 0.7;
      v.cost_stress.total_return = 0.03;
      v.robustness.perturbation_ratio = 0.9;
      v.robustness.neighbours = 8;
      v.robustness.own_sharpe = 1.2;
      v.robustness.neighbour_sharpe_median = 1.08;
      v.robustness.coin_dispersion = 0.2;
      v.gates = {{"sharpe_in_sample", true, 1.1, 1.0},
                 {"max_drawdown", passed, 0.12, 0.3},
                 {"dsr", passed, 0.97, 0.95},
                 {"pbo", true, 0.12, 0.5}};
      v.passed = passed;
      m.validation = v;
    }
    run.front.push_back(m);
  }
  if (validated) {
    runs::RunValidation v;
    v.pbo = 0.12;
    v.trials = 8233;
    v.trial_sharpe_variance = 0.4;
    v.gates.dsr = 0.95;
    v.gates.pbo = 0.5;
    v.walk_forward.efficiency = 0.8;
    run.validation = v;
  }
  return run;
}

monitor::ReportData hand_report(bool validated, std::size_t bars) {
  monitor::ReportData d;
  d.run = hand_run(validated);
  d.strategy_id = "m1";
  d.state = validated ? "validated" : "testing";
  d.chosen_by = "chosen with --strategy";
  d.coin = "synth:BTC:1h";
  d.x_metric = "in_sample.sharpe";
  d.y_metric = "in_sample.max_drawdown";
  d.generated_at = "2026-12-02 12:00:00";
  const core::TimeMs t0 = 1'672'531'200'000;  // 2023-01-01
  for (std::size_t i = 0; i < bars; ++i) {
    d.price_time.push_back(t0 + static_cast<core::TimeMs>(i) * core::kHourMs);
    d.price_close.push_back(100 + 0.01 * static_cast<double>(i) +
                            5 * std::sin(static_cast<double>(i) / 40));
  }
  const std::size_t cut1 = bars * 6 / 10, cut2 = bars * 8 / 10, embargo = 10;
  const std::size_t begins[] = {0, cut1 + embargo, cut2 + embargo}, ends[] = {cut1, cut2, bars};
  const char* names[] = {"in_sample", "out_of_sample", "walk_forward"};
  for (int s = 0; s < 3; ++s) {
    monitor::StageCurve c;
    c.stage = names[s];
    for (std::size_t i = begins[s]; i < ends[s]; ++i) {
      c.time.push_back(d.price_time[i]);
      c.equity.push_back(d.initial_equity * (1 + 0.00005 * static_cast<double>(i - begins[s])) *
                         (1 + 0.02 * std::sin(static_cast<double>(i) / 25)));
      if ((i - begins[s]) % 50 == 10 && i + 20 < ends[s]) {
        backtest::Trade t;
        t.entry_time = d.price_time[i];
        t.exit_time = d.price_time[i + 20];
        t.entry_price = d.price_close[i];
        t.exit_price = d.price_close[i + 20];
        t.side = (i / 50) % 2 ? 1 : -1;
        t.size = 1;
        t.pnl = t.side * (t.exit_price - t.entry_price);
        c.trades.push_back(t);
      }
    }
    d.stages.push_back(c);
  }
  return d;
}

}  // namespace organism::test

// A front member's halts under the risk limits (risk_halts.hpp).
#include "validate/risk_halts.hpp"

#include "backtest/risk_backtest.hpp"
#include "evolve/genome_config.hpp"

namespace organism::validate {

RiskHalts risk_halts_of(const evolve::BacktestProblem& evaluator, const strategy::Genome& genome,
                        const backtest::RiskLimits& limits) {
  const auto& u = evaluator.universe();
  // The genome's own leverage and risk block at the run's costs: the trader that would run, not
  // the small linear size the metrics are measured at before their rescaling.
  const auto config = evolve::backtest_config(genome, evaluator.base_config());
  RiskHalts out;
  for (const auto stage : {evolve::Stage::OutOfSample, evolve::Stage::WalkForward}) {
    for (std::size_t c = 0; c < u.coins.size(); ++c) {
      const auto& coin = u.coins[c];
      const auto& seg = evolve::segment_of(coin, stage);
      if (seg.size() == 0) continue;
      const auto exposure = evaluator.exposures(genome, c, stage);
      backtest::Leg leg{coin.label, {}, 1.0};
      leg.input.bars = coin.bars.view(seg.begin, seg.end);
      leg.input.target = std::span(exposure).subspan(seg.begin, seg.size());
      if (!coin.funding_per_bar.empty()) {
        leg.input.funding = std::span(coin.funding_per_bar).subspan(seg.begin, seg.size());
      }
      const auto run = backtest::run_portfolio_with_risk({&leg, 1}, config, limits);
      SegmentHalt s;
      s.stage = stage;
      s.coin = c;
      s.label = coin.label;
      s.bars = seg.size();
      s.halt_bar = run.halt_bar;
      s.halted = run.halt_bar.has_value();
      for (const auto& tr : run.transitions) {
        if (tr.to != backtest::TradingState::halted) continue;
        s.halt_time = tr.time;
        s.reason = std::string(backtest::name_of(tr.reason));
        break;
      }
      s.bars_reducing = run.bars_reducing;
      s.bars_halted = run.bars_halted;
      out.halted += s.halted ? 1 : 0;
      out.segments.push_back(std::move(s));
    }
  }
  return out;
}

}  // namespace organism::validate

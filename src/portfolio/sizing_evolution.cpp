#include "portfolio/sizing_evolution.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "portfolio/sizing_genome.hpp"

namespace organism::portfolio {

SizingSplit sizing_split(std::size_t bars, const AllocatorOptions& allocator) {
  SizingSplit s;
  s.bars = bars;
  s.in_end = static_cast<std::size_t>(std::floor(kSizingInSampleShare * static_cast<double>(bars)));
  s.in_begin = allocator.min_history_bars;
  const std::size_t need = std::max<std::size_t>(allocator.rebalance_bars, 2);
  if (s.in_end < s.in_begin + need || bars - s.in_end < need) {
    throw core::UsageError(
        fmt::format("portfolio evolve: {} bars are too few: in-sample trades bars [{}, {}) after "
                    "portfolio.min_history_bars = {}, "
                    "held-out [{}, {}); each needs at least portfolio.rebalance_bars = {} bars",
                    bars, s.in_begin, s.in_end, allocator.min_history_bars, s.in_end, bars, need));
  }
  return s;
}

SizingEvolution::SizingEvolution(const PreparedPortfolio& prepared, SizingEvolutionOptions options)
    : prepared_(&prepared), options_(std::move(options)) {
  if (prepared.market == nullptr || prepared.market->coins.empty()) {
    throw core::UsageError("portfolio evolve: no market prepared");
  }
  check_options(options_.backtest.allocator);
  split_ = sizing_split(prepared.market->coins.front().bars.size(), options_.backtest.allocator);
  options_.backtest.target_volatility = kSizingTargetVolatility;
  problem_.name = "portfolio_sizing";
  problem_.objectives = 3;
  problem_.lower = sizing_lower_bounds();
  problem_.upper = sizing_upper_bounds();
  problem_.evaluate = [this](std::span<const double> x) { return evaluate(from_genome(x)); };
}

SizingScore SizingEvolution::score(const SizingParams& params, std::size_t begin,
                                   std::size_t end) const {
  PortfolioBacktestOptions o = options_.backtest;
  o.allocator.sizing = params;
  o.begin = begin;
  o.end = end;
  const auto result = run_portfolio_backtest(*prepared_, {Policy::Allocator}, o);
  const auto& m = result.policies.front().scaled;
  return {m.sharpe, m.max_drawdown, m.turnover};
}

evolve::Fitness SizingEvolution::evaluate(const SizingParams& params) const {
  const auto s = score(params, split_.in_begin, split_.in_end);
  evolve::Fitness f{{-s.sharpe, s.max_drawdown, s.turnover}, 0};
  // Metrics are finite by contract; a member that breaks it is infeasible, never a NaN in a front.
  for (double v : f.objectives) {
    if (!std::isfinite(v)) return {{0, 1, 0}, 1};
  }
  return f;
}

evolve::RealNsga2State SizingEvolution::start() const {
  return evolve::real_nsga2_start(problem_, options_.nsga2);
}

void SizingEvolution::step(evolve::RealNsga2State& state) const {
  evolve::real_nsga2_step(problem_, options_.nsga2, state);
}

SizingValidation SizingEvolution::validate(const evolve::RealNsga2State& state) const {
  SizingValidation v;
  v.split = split_;
  auto front = evolve::first_front_indices(state);
  // Survivors may repeat a genome; one row per distinct genome (the first index).
  std::vector<std::size_t> distinct;
  for (std::size_t i : front) {
    const bool seen = std::any_of(distinct.begin(), distinct.end(), [&](std::size_t j) {
      return state.variables[j] == state.variables[i];
    });
    if (!seen) distinct.push_back(i);
  }
  std::stable_sort(distinct.begin(), distinct.end(), [&](std::size_t a, std::size_t b) {
    return state.fitness[a].objectives[0] < state.fitness[b].objectives[0];
  });
  for (std::size_t i : distinct) {
    SizingMember m;
    m.params = from_genome(state.variables[i]);
    const auto& f = state.fitness[i].objectives;
    m.in_sample = {-f[0], f[1], f[2]};
    v.members.push_back(m);
  }
  SizingMember yardstick;
  yardstick.is_default = true;
  yardstick.in_sample = score(yardstick.params, split_.in_begin, split_.in_end);
  v.members.push_back(yardstick);
  for (auto& m : v.members) m.held_out = score(m.params, split_.in_end, split_.bars);
  for (std::size_t k = 1; k < v.members.size(); ++k) {
    if (v.members[k].held_out.sharpe > v.members[v.best_held_out].held_out.sharpe)
      v.best_held_out = k;
  }
  return v;
}

double best_in_sample_sharpe(const evolve::RealNsga2State& state) {
  double best = 0;
  bool any = false;
  for (const auto& f : state.fitness) {
    if (f.violation > 0) continue;
    if (!any || -f.objectives[0] > best) best = -f.objectives[0];
    any = true;
  }
  return best;
}

namespace {
nlohmann::ordered_json score_json(const SizingScore& s) {
  return {{"sharpe", s.sharpe}, {"max_drawdown", s.max_drawdown}, {"turnover", s.turnover}};
}
}  // namespace

nlohmann::json sizing_validation_json(const SizingValidation& v) {
  nlohmann::json members = nlohmann::json::array();
  for (std::size_t k = 0; k < v.members.size(); ++k) {
    const auto& m = v.members[k];
    members.push_back({{"default", m.is_default},
                       {"best_held_out", k == v.best_held_out},
                       {"params", sizing_json(m.params)},
                       {"in_sample", score_json(m.in_sample)},
                       {"held_out", score_json(m.held_out)}});
  }
  return {{"split",
           {{"in_sample_bars", {v.split.in_begin, v.split.in_end}},
            {"held_out_bars", {v.split.in_end, v.split.bars}}}},
          {"target_volatility", kSizingTargetVolatility},
          {"members", members},
          {"best_held_out", v.best_held_out}};
}

}  // namespace organism::portfolio

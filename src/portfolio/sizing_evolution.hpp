// The evolution of the allocator's sizing parameters: NSGA-II (evolve/real_nsga2.hpp) over the
// sizing genome on the in-sample 60% of the bars, then every front member and the default
// parameters backtested on the held-out 40%. Pure computation; `organism portfolio evolve` adds
// the store, checkpoints and signals around it.
#pragma once

#include <cstddef>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "evolve/real_nsga2.hpp"
#include "portfolio/portfolio_backtest.hpp"

namespace organism::portfolio {

inline constexpr double kSizingInSampleShare = 0.6;      // DESIGN's in-sample share
inline constexpr double kSizingTargetVolatility = 0.20;  // the common volatility of the objectives

struct SizingEvolutionOptions {
  // The allocator's configuration (its sizing is what evolves), costs and capital; begin, end and
  // target_volatility are set by the split and kSizingTargetVolatility.
  PortfolioBacktestOptions backtest{};
  evolve::RealNsga2Options nsga2{.population = 24, .generations = 10};
};

// Traded bars: in-sample [in_begin, in_end), held-out [in_end, bars). in_end = floor(0.6 bars);
// in_begin = min_history_bars (the allocator's first look back reaches into the warm-up).
struct SizingSplit {
  std::size_t in_begin = 0, in_end = 0, bars = 0;
};
// Throws core::UsageError when either part has fewer than rebalance_bars bars to trade.
SizingSplit sizing_split(std::size_t bars, const AllocatorOptions& allocator);

// One policy's figures over one part, all at the common volatility (the scaled metrics): Sharpe,
// max drawdown, turnover per unit of mean gross exposure per year.
struct SizingScore {
  double sharpe = 0, max_drawdown = 0, turnover = 0;
};

struct SizingMember {
  SizingParams params{};
  bool is_default = false;  // the default SizingParams, the yardstick
  SizingScore in_sample{}, held_out{};
};

struct SizingValidation {
  SizingSplit split{};
  // The distinct members of the first front, by in-sample Sharpe (highest first), then the default.
  std::vector<SizingMember> members;
  std::size_t best_held_out = 0;  // the member with the highest held-out Sharpe (first on ties)
};

class SizingEvolution {
 public:
  // `prepared` must outlive this. Throws core::UsageError for an unusable split or options.
  SizingEvolution(const PreparedPortfolio& prepared, SizingEvolutionOptions options);
  // The problem's evaluate refers to this object.
  SizingEvolution(const SizingEvolution&) = delete;
  SizingEvolution& operator=(const SizingEvolution&) = delete;

  const SizingSplit& split() const { return split_; }
  const evolve::RealProblem& problem() const { return problem_; }
  const evolve::RealNsga2Options& nsga2() const { return options_.nsga2; }

  evolve::RealNsga2State start() const;
  void step(evolve::RealNsga2State& state) const;  // one generation
  // The fitness: {-Sharpe, max drawdown, turnover} in sample (minimized).
  evolve::Fitness evaluate(const SizingParams& params) const;
  SizingScore score(const SizingParams& params, std::size_t begin, std::size_t end) const;
  SizingValidation validate(const evolve::RealNsga2State& state) const;

 private:
  const PreparedPortfolio* prepared_;
  SizingEvolutionOptions options_;
  SizingSplit split_;
  evolve::RealProblem problem_;
};

// The highest in-sample Sharpe among the feasible members (0 when none).
double best_in_sample_sharpe(const evolve::RealNsga2State& state);

nlohmann::json sizing_validation_json(const SizingValidation& validation);

}  // namespace organism::portfolio

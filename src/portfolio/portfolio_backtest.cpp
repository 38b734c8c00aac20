// The walk-forward loop: weights at each rebalance from data before it, every bar's exposures
// through target_exposures(), and one account per policy trading the net exposure of each coin.
#include "portfolio/portfolio_backtest.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "backtest/simulator.hpp"
#include "core/error.hpp"
#include "portfolio/hrp.hpp"
#include "portfolio/score.hpp"
#include "portfolio/strategy_streams.hpp"

namespace organism::portfolio {

std::string_view policy_name(Policy policy) {
  switch (policy) {
    case Policy::Allocator:
      return "allocator";
    case Policy::EqualWeight:
      return "equal_weight";
    case Policy::BestSingle:
      return "best_single";
    case Policy::Hrp:
      return "hrp";
  }
  return "unknown";
}

namespace {

// What every policy of one run shares: the allocator's input, each strategy's return, the bars.
struct RunShared {
  const PreparedPortfolio& prepared;
  const PortfolioBacktestOptions& options;
  AllocatorInput input;
  std::vector<std::vector<double>> returns;  // [strategy][bar], mean of legs
  std::size_t begin = 0, end = 0;
  double bars_per_year = 8760;
};

// A baseline's strategy weights as an Allocation: legs split equally within a strategy, the sum
// scaled down to caps.gross (not clipped per strategy: the baselines are the textbook policies).
Allocation baseline_allocation(const RunShared& run, std::size_t t, std::vector<double> weights) {
  double sum = 0;
  for (const double w : weights) sum += w;
  const double scale =
      sum > run.options.allocator.caps.gross ? run.options.allocator.caps.gross / sum : 1.0;
  Allocation a;
  a.bar = t;
  for (std::size_t s = 0; s < weights.size(); ++s) {
    const auto& history = run.input.strategies[s];
    StrategyWeight sw;
    sw.id = history.id;
    sw.weight = weights[s] * scale;
    for (const auto& leg : history.legs) {
      sw.legs.push_back({leg.coin, sw.weight / static_cast<double>(history.legs.size()), 1});
    }
    a.strategies.push_back(std::move(sw));
  }
  return a;
}

Allocation decide(Policy policy, const RunShared& run, std::size_t t, const Allocation* previous) {
  const std::size_t n_strategies = run.returns.size();
  const std::size_t lookback = run.options.allocator.lookback_bars;
  const std::size_t from = t > lookback ? t - lookback : 0;
  switch (policy) {
    case Policy::Allocator:
      return allocate(run.input, t, run.options.allocator, previous);
    case Policy::EqualWeight:
      return baseline_allocation(
          run, t, std::vector<double>(n_strategies, 1.0 / static_cast<double>(n_strategies)));
    case Policy::BestSingle: {
      std::size_t best = 0;
      double best_sharpe = -std::numeric_limits<double>::infinity();
      for (std::size_t s = 0; s < n_strategies; ++s) {
        const double sharpe = annualized_sharpe(
            std::span<const double>(run.returns[s]).subspan(from, t - from), run.bars_per_year);
        if (sharpe > best_sharpe) {
          best_sharpe = sharpe;
          best = s;
        }
      }
      std::vector<double> w(n_strategies, 0.0);
      w[best] = 1;
      return baseline_allocation(run, t, std::move(w));
    }
    case Policy::Hrp:
      return baseline_allocation(run, t, hrp(sample_covariance(run.returns, from, t)).weights);
  }
  return {};
}

PolicyResult run_policy(Policy policy, const RunShared& run) {
  const auto& prepared = run.prepared;
  const auto& market = *prepared.market;
  const auto& caps = run.options.allocator.caps;
  const std::size_t n_strategies = prepared.strategies.size(), traded = run.end - run.begin;
  std::map<std::string, std::size_t> coin_index;
  for (std::size_t c = 0; c < market.coins.size(); ++c)
    coin_index.emplace(market.coins[c].label, c);

  PolicyResult out;
  out.policy = policy;
  // net[c][i]: the account's target on coin c at traded bar i (begin + i).
  std::vector<std::vector<double>> net(market.coins.size(), std::vector<double>(traded, 0.0));
  std::vector<std::vector<double>> x(n_strategies);
  Allocation current;
  bool have = false;
  const auto& times = market.coins.front().bars.view().time;
  for (std::size_t t = run.begin; t < run.end; ++t) {
    const bool rebalance = rebalance_due(t, run.begin, run.options.allocator);
    if (rebalance) {
      current = decide(policy, run, t, have ? &current : nullptr);
      have = true;
      out.rebalances.push_back(current);
    }
    for (std::size_t s = 0; s < n_strategies; ++s) {
      const auto& stream = prepared.strategies[s];
      x[s].resize(stream.coins.size());
      for (std::size_t j = 0; j < stream.coins.size(); ++j) {
        x[s][j] = std::clamp(stream.targets[j][t], -1.0, 1.0) * stream.config.leverage;
      }
    }
    const auto te = target_exposures(current, x, caps);
    for (std::size_t k = 0; k < te.coins.size(); ++k)
      net[coin_index.at(te.coins[k])][t - run.begin] = te.net[k];
    if (rebalance) {
      for (std::size_t s = 0; s < n_strategies; ++s) {
        const auto& sw = current.strategies[s];
        for (std::size_t j = 0; j < sw.legs.size(); ++j) {
          out.weights.push_back(
              {times[t], sw.id, sw.legs[j].coin, sw.legs[j].weight, te.exposure[s][j]});
        }
      }
    }
  }

  // One account: a leg per coin some strategy trades, at weight 1 and leverage 1 (the exposures
  // are already fractions of the portfolio's equity).
  std::vector<bool> used(market.coins.size(), false);
  for (const auto& s : prepared.strategies) {
    for (const auto c : s.coins) used[c] = true;
  }
  std::vector<backtest::Leg> legs;
  for (std::size_t c = 0; c < market.coins.size(); ++c) {
    if (!used[c]) continue;
    const auto& coin = market.coins[c];
    backtest::Leg leg;
    leg.name = coin.label;
    leg.input.bars = coin.bars.view(run.begin, run.end);
    leg.input.target = net[c];
    if (run.options.costs.funding && !coin.funding_per_bar.empty()) {
      leg.input.funding = std::span<const double>(coin.funding_per_bar).subspan(run.begin, traded);
    }
    legs.push_back(std::move(leg));
  }
  auto config = run.options.costs;
  config.leverage = 1;
  config.initial_cash = run.options.capital;
  const auto result = backtest::run_portfolio(legs, config);

  std::vector<backtest::Trade> trades;
  for (const auto& leg : result.legs)
    trades.insert(trades.end(), leg.trades.begin(), leg.trades.end());
  backtest::MetricsOptions mo;
  mo.bars_per_year = run.bars_per_year;
  mo.consistency_windows = run.options.allocator.consistency_windows;
  mo.initial_equity = run.options.capital;
  out.metrics = backtest::compute_metrics(result.equity, result.exposure, trades, mo);
  if (run.options.target_volatility > 0) {
    mo.target_volatility = run.options.target_volatility;
    out.scaled = backtest::compute_metrics(result.equity, result.exposure, trades, mo);
  } else {
    out.scaled = out.metrics;
  }
  out.times.assign(times.begin() + static_cast<std::ptrdiff_t>(run.begin),
                   times.begin() + static_cast<std::ptrdiff_t>(run.end));
  out.equity = result.equity;
  out.fees = result.fees;
  out.funding = result.funding;
  double change = 0;
  for (const auto& coin : net) {
    double previous = 0;
    for (const double v : coin) {
      change += std::abs(v - previous);
      previous = v;
    }
  }
  out.turnover = change / (static_cast<double>(traded) / run.bars_per_year);
  return out;
}

}  // namespace

PortfolioBacktestResult run_portfolio_backtest(const PreparedPortfolio& prepared,
                                               const std::vector<Policy>& policies,
                                               const PortfolioBacktestOptions& options) {
  if (prepared.market == nullptr || prepared.strategies.empty()) {
    throw core::UsageError("portfolio backtest: no strategies prepared");
  }
  check_options(options.allocator);
  const auto& market = *prepared.market;
  const std::size_t n = market.coins.front().bars.size();
  RunShared run{prepared,
                options,
                allocator_input(prepared),
                strategy_returns(prepared),
                options.begin,
                options.end == 0 ? n : options.end,
                market.interval.bars_per_year()};
  if (run.end > n || run.begin >= run.end) {
    throw core::UsageError(
        fmt::format("portfolio backtest: bars [{}, {}) are not a period of the {} bars", run.begin,
                    run.end, n));
  }
  if (run.begin < options.allocator.min_history_bars) {
    throw core::UsageError(fmt::format(
        "portfolio backtest: the first rebalance at bar {} leaves {} bars of history, fewer than "
        "portfolio.min_history_bars = {}",
        run.begin, run.begin, options.allocator.min_history_bars));
  }
  PortfolioBacktestResult result;
  for (const auto& s : prepared.strategies) result.strategies.push_back(s.id);
  for (const auto& c : market.coins) result.coins.push_back(c.label);
  for (const auto policy : policies) result.policies.push_back(run_policy(policy, run));
  const std::size_t k = run.returns.size();
  result.correlation.assign(k, std::vector<double>(k, 1.0));
  for (std::size_t i = 0; i < k; ++i) {
    for (std::size_t j = i + 1; j < k; ++j) {
      result.correlation[i][j] = result.correlation[j][i] =
          pearson(std::span<const double>(run.returns[i]).subspan(run.begin, run.end - run.begin),
                  std::span<const double>(run.returns[j]).subspan(run.begin, run.end - run.begin));
    }
  }
  for (const auto& codes : prepared.regime_codes) {
    result.regimes.emplace_back(codes.begin() + static_cast<std::ptrdiff_t>(run.begin),
                                codes.begin() + static_cast<std::ptrdiff_t>(run.end));
  }
  return result;
}

PortfolioBacktestResult run_portfolio_backtest(const std::vector<StrategyStream>& strategies,
                                               const data::Market& market,
                                               const std::vector<Policy>& policies,
                                               const PortfolioBacktestOptions& options) {
  const auto prepared = prepare_portfolio(strategies, market);
  return run_portfolio_backtest(prepared, policies, options);
}

}  // namespace organism::portfolio

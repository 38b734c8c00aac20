#include "portfolio/strategy_streams.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "backtest/simulator.hpp"
#include "core/error.hpp"

namespace organism::portfolio {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}  // namespace

std::vector<std::vector<double>> leg_returns(const StrategyStream& stream,
                                             const data::Market& market) {
  std::vector<std::vector<double>> out;
  auto config = stream.config;
  config.initial_cash = 1;
  for (std::size_t j = 0; j < stream.coins.size(); ++j) {
    const auto& coin = market.coins.at(stream.coins[j]);
    backtest::BacktestInput input;
    input.bars = coin.bars.view();
    input.target = stream.targets.at(j);
    if (config.funding && !coin.funding_per_bar.empty()) input.funding = coin.funding_per_bar;
    const auto result = backtest::run_backtest(input, config);
    std::vector<double> r(result.equity.size(), 0.0);
    double previous = 1;  // the unit of capital before bar 0
    for (std::size_t i = 0; i < r.size(); ++i) {
      // After a bust the leg stays at 0: no return, rather than 0 / 0.
      r[i] = previous > 0 ? result.equity[i] / previous - 1 : 0;
      previous = result.equity[i];
    }
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<std::vector<indicators::Regime>> market_regimes(
    const data::Market& market, const indicators::RegimeOptions& options) {
  std::vector<std::vector<indicators::Regime>> out;
  for (const auto& coin : market.coins) {
    out.push_back(indicators::classify_regimes(coin.bars.view(), coin.sentiment, options));
  }
  return out;
}

CoinFeatureSeries coin_features(const data::CandleView& bars) {
  const std::size_t n = bars.size();
  CoinFeatureSeries out{std::vector<double>(n, kNaN), std::vector<double>(n, kNaN), std::vector<double>(n, kNaN)};
  std::vector<double> logret(n, 0.0);
  for (std::size_t t = 1; t < n; ++t) logret[t] = std::log(bars.close[t] / bars.close[t - 1]);
  double dollar_sum = 0;
  for (std::size_t t = 0; t < n; ++t) {
    dollar_sum += bars.close[t] * bars.volume[t];
    if (t >= kFeatureSlowBars)
      dollar_sum -= bars.close[t - kFeatureSlowBars] * bars.volume[t - kFeatureSlowBars];
    if (t + 1 >= kFeatureSlowBars) out.liquidity[t] = dollar_sum / static_cast<double>(kFeatureSlowBars);
    if (t >= kFeatureSlowBars) out.momentum[t] = std::log(bars.close[t] / bars.close[t - kFeatureSlowBars]);
    if (t >= kFeatureFastBars) {  // log returns t - 23 .. t, each needing the bar before it
      double mean = 0, m2 = 0;
      for (std::size_t k = t + 1 - kFeatureFastBars; k <= t; ++k) mean += logret[k];
      mean /= static_cast<double>(kFeatureFastBars);
      for (std::size_t k = t + 1 - kFeatureFastBars; k <= t; ++k)
        m2 += (logret[k] - mean) * (logret[k] - mean);
      out.volatility[t] = std::sqrt(m2 / static_cast<double>(kFeatureFastBars));
    }
  }
  return out;
}

void coin_features(const data::Market& market, PreparedPortfolio& out) {
  out.liquidity.clear();
  out.volatility.clear();
  out.momentum.clear();
  for (const auto& coin : market.coins) {
    auto f = coin_features(coin.bars.view());
    out.liquidity.push_back(std::move(f.liquidity));
    out.volatility.push_back(std::move(f.volatility));
    out.momentum.push_back(std::move(f.momentum));
  }
}

PreparedPortfolio prepare_portfolio(std::vector<StrategyStream> strategies,
                                    const data::Market& market,
                                    const indicators::RegimeOptions& regimes) {
  if (strategies.empty()) throw core::UsageError("portfolio backtest: no strategies");
  if (market.coins.empty()) throw core::UsageError("portfolio backtest: the market has no coins");
  const std::size_t n = market.coins.front().bars.size();
  for (const auto& coin : market.coins) {
    if (coin.bars.size() != n) {
      throw core::UsageError(
          fmt::format("portfolio backtest: coin {} has {} bars, {} has {} (not aligned)",
                      coin.label, coin.bars.size(), market.coins.front().label, n));
    }
  }
  for (const auto& s : strategies) {
    if (s.coins.empty() || s.coins.size() != s.targets.size()) {
      throw core::UsageError(
          fmt::format("portfolio backtest: strategy {} has {} coins and {} target series", s.id,
                      s.coins.size(), s.targets.size()));
    }
    for (std::size_t j = 0; j < s.coins.size(); ++j) {
      if (s.coins[j] >= market.coins.size()) {
        throw core::UsageError(fmt::format(
            "portfolio backtest: strategy {} leg {}: coin index {} out of range ({} coins)", s.id,
            j, s.coins[j], market.coins.size()));
      }
      if (s.targets[j].size() != n) {
        throw core::UsageError(
            fmt::format("portfolio backtest: strategy {} leg {}: {} targets for {} bars", s.id, j,
                        s.targets[j].size(), n));
      }
    }
  }
  PreparedPortfolio prepared;
  prepared.market = &market;
  for (const auto& s : strategies) prepared.returns.push_back(leg_returns(s, market));
  prepared.strategies = std::move(strategies);
  prepared.regimes = market_regimes(market, regimes);
  for (const auto& coin : prepared.regimes) {
    std::vector<std::uint8_t> codes;
    codes.reserve(coin.size());
    for (const auto& r : coin) codes.push_back(r.code());
    prepared.regime_codes.push_back(std::move(codes));
  }
  coin_features(market, prepared);
  return prepared;
}

std::vector<std::vector<double>> strategy_returns(const PreparedPortfolio& prepared) {
  std::vector<std::vector<double>> out;
  for (const auto& legs : prepared.returns) {
    std::vector<double> mean(legs.front().size(), 0.0);
    for (const auto& leg : legs) {
      for (std::size_t t = 0; t < mean.size(); ++t) mean[t] += leg[t];
    }
    for (auto& v : mean) v /= static_cast<double>(legs.size());
    out.push_back(std::move(mean));
  }
  return out;
}

AllocatorInput allocator_input(const PreparedPortfolio& prepared) {
  const auto& market = *prepared.market;
  AllocatorInput input;
  input.bars = market.coins.front().bars.size();
  std::vector<bool> used(market.coins.size(), false);
  for (std::size_t s = 0; s < prepared.strategies.size(); ++s) {
    const auto& stream = prepared.strategies[s];
    StrategyHistory history;
    history.id = stream.id;
    history.age_days_at_start = stream.age_days_at_start;
    for (std::size_t j = 0; j < stream.coins.size(); ++j) {
      const std::size_t c = stream.coins[j];
      used[c] = true;
      history.legs.push_back(
          {market.coins[c].label, prepared.returns[s][j], prepared.regime_codes[c]});
    }
    input.strategies.push_back(std::move(history));
  }
  for (std::size_t c = 0; c < market.coins.size(); ++c) {
    if (!used[c]) continue;
    input.coins.push_back({market.coins[c].label, prepared.liquidity[c], prepared.volatility[c],
                           prepared.momentum[c]});
  }
  return input;
}

}  // namespace organism::portfolio

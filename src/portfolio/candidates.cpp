#include "portfolio/candidates.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "evolve/genome_config.hpp"
#include "runs/records.hpp"
#include "runs/validation_record.hpp"
#include "strategy/market.hpp"

namespace organism::portfolio {

namespace {

// The largest finite max_drawdown over the stages and coins of a stored validation; NaN when it
// has none.
double validated_max_drawdown(const runs::MemberValidation& v) {
  double worst = std::numeric_limits<double>::quiet_NaN();
  for (const auto& stage : v.per_coin) {
    for (const auto& [label, coin] : stage) {
      if (std::isfinite(coin.max_drawdown) && !(coin.max_drawdown <= worst))
        worst = coin.max_drawdown;
    }
  }
  return worst;
}

StoredStrategy from_row(data::Store& store, const data::StrategyRecord& row) {
  const auto record = runs::from_row(row);
  StoredStrategy s;
  s.id = record.id;
  s.state = record.state;
  s.created = record.created;
  s.genome = strategy::from_json(record.genome);
  if (record.validation) s.validated_max_drawdown = validated_max_drawdown(*record.validation);
  if (const auto run = store.load_run(record.run_id)) {
    const auto r = runs::from_row(*run);
    s.coins = r.universe.market.coins;
    s.venues = r.universe.market.venues;
    s.interval = r.universe.market.interval;
    s.costs = r.options.costs;
  }
  return s;
}

}  // namespace

std::optional<StoredStrategy> stored_strategy(data::Store& store, const std::string& id) {
  for (const auto& row : store.list_strategies()) {
    if (row.id == id) return from_row(store, row);
  }
  return std::nullopt;
}

std::vector<StoredStrategy> candidates(data::Store& store, const std::vector<std::string>& ids) {
  const auto rows = store.list_strategies();
  std::vector<StoredStrategy> out;
  if (ids.empty()) {
    for (const auto& row : rows) {
      if (std::find(kPortfolioStates.begin(), kPortfolioStates.end(), row.state) !=
          kPortfolioStates.end()) {
        out.push_back(from_row(store, row));
      }
    }
    if (out.empty())
      throw core::Error("no strategy is validated, paper or production; give --strategies ID,...");
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    return out;
  }
  for (const auto& id : ids) {
    const auto it =
        std::find_if(rows.begin(), rows.end(), [&](const auto& r) { return r.id == id; });
    if (it == rows.end())
      throw core::UsageError(fmt::format("--strategies: no strategy '{}' in the store", id));
    out.push_back(from_row(store, *it));
  }
  return out;
}

data::MarketSpec candidates_market_spec(const std::vector<StoredStrategy>& candidates) {
  data::MarketSpec spec;
  spec.coins.clear();
  spec.venues.clear();
  for (const auto& c : candidates) {
    if (c.interval.empty() || c.coins.empty()) {
      throw core::Error(
          fmt::format("strategy {}: its run is not in the store (no coins or interval)", c.id));
    }
    if (&c == &candidates.front()) spec.interval = c.interval;
    if (c.interval != spec.interval) {
      throw core::UsageError(
          fmt::format("strategy {} trades {} bars, strategy {} {}: a portfolio has one interval",
                      c.id, c.interval, candidates.front().id, spec.interval));
    }
    for (std::size_t i = 0; i < c.coins.size(); ++i) {
      if (std::find(spec.coins.begin(), spec.coins.end(), c.coins[i]) != spec.coins.end()) continue;
      spec.coins.push_back(c.coins[i]);
      spec.venues.push_back(i < c.venues.size() ? c.venues[i] : "");
    }
  }
  return spec;
}

std::vector<StrategyStream> candidate_streams(const std::vector<StoredStrategy>& candidates,
                                              const data::Market& market,
                                              const backtest::BacktestConfig& default_costs,
                                              core::TimeMs now) {
  std::vector<StrategyStream> out;
  for (const auto& c : candidates) {
    StrategyStream s;
    s.id = c.id;
    s.config = evolve::backtest_config(c.genome, c.costs.value_or(default_costs));
    s.age_days_at_start = static_cast<double>(now - c.created) / static_cast<double>(core::kDayMs);
    for (const auto& coin : c.coins) {
      // The market's coins are in the spec's order (candidates_market_spec): find this one's.
      std::size_t index = market.coins.size();
      for (std::size_t k = 0; k < market.coins.size(); ++k) {
        if (market.coins[k].label.find(":" + coin + ":") != std::string::npos ||
            market.coins[k].label == coin) {
          index = k;
          break;
        }
      }
      if (index == market.coins.size()) {
        throw core::Error(fmt::format("strategy {}: coin {} is not in the market", c.id, coin));
      }
      const auto& series = market.coins[index];
      strategy::MarketView view;
      view.bars = series.bars.view();
      view.interval = market.interval;
      view.funding_per_bar = series.funding_per_bar;
      view.sentiment = series.sentiment;
      s.coins.push_back(index);
      s.targets.push_back(strategy::exposures(c.genome, view));
    }
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace organism::portfolio

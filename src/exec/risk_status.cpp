// `organism risk status`'s figures (risk_status.hpp).
#include "exec/risk_status.hpp"

#include <algorithm>
#include <set>

#include "core/error.hpp"
#include "data/store.hpp"
#include "data/store_peek.hpp"
#include "exec/journal_reader.hpp"

namespace organism::exec {

namespace {

// The store's hyperliquid series of `coins`, per interval name: how many bars, the newest bar and
// its close, from the store's index (data::StorePeek) without reading any series whole.
using SeriesByInterval = std::map<std::string, std::map<std::string, data::LatestBar>>;

SeriesByInterval hyperliquid_series(data::StorePeek& peek, const std::set<std::string>& coins) {
  SeriesByInterval out;  // interval -> coin -> newest bar
  for (auto& bar : peek.latest_bars()) {
    if (bar.key.venue != "hyperliquid" || !coins.contains(bar.key.coin) || bar.bars == 0) continue;
    const std::string interval(bar.key.interval.name());
    out[interval].insert_or_assign(bar.key.coin, std::move(bar));
  }
  return out;
}

// The interval every held coin has, with the most bars for the coin that has the fewest.
std::string pick_interval(const SeriesByInterval& series, const std::set<std::string>& held) {
  std::string best;
  std::int64_t best_bars = -1;
  for (const auto& [interval, by_coin] : series) {
    std::int64_t fewest = -1;
    for (const auto& coin : held) {
      const auto it = by_coin.find(coin);
      if (it == by_coin.end()) {
        fewest = -1;
        break;
      }
      fewest = fewest < 0 ? it->second.bars : std::min(fewest, it->second.bars);
    }
    if (fewest > best_bars) {
      best_bars = fewest;
      best = interval;
    }
  }
  return best_bars > 0 ? best : std::string();
}

// The last close of each coin, from its series with the newest bar.
std::map<std::string, double> last_closes(const SeriesByInterval& series) {
  std::map<std::string, double> out;
  std::map<std::string, core::TimeMs> newest;
  for (const auto& [interval, by_coin] : series) {
    for (const auto& [coin, bar] : by_coin) {
      if (newest.contains(coin) && newest[coin] >= bar.time) continue;
      newest[coin] = bar.time;
      out[coin] = bar.close;
    }
  }
  return out;
}

}  // namespace

RiskStatus read_risk_status(const RiskStatusOptions& o) {
  RiskStatus status;
  status.journal = o.journal_path;
  auto risk = RiskJournalReader::open(o.journal_path);
  auto journal = JournalReader::open(o.journal_path);
  status.memory = risk.memory().value_or(backtest::BreakerMemory{});
  status.transitions = risk.transitions(o.transitions);
  status.checks = risk.check_counts();
  status.commands = risk.commands(5);
  const std::string state(backtest::name_of(status.memory.state));
  if (status.memory.state != backtest::TradingState::active && !status.transitions.empty() &&
      status.transitions.front().to == state) {
    status.cause = status.transitions.front();
  }

  // Positions per strategy; what the account holds beyond the strategies' sum (a trade by hand,
  // a liquidation) is shown as "(other)" rather than counted twice.
  std::map<std::string, Units> account, of_strategies;
  for (const auto& p : journal.positions()) {
    if (p.strategy_id.empty()) {
      account[p.coin] = p.size;
    } else {
      status.positions[p.strategy_id][p.coin] = p.size;
      of_strategies[p.coin] += p.size;
    }
  }
  for (const auto& [coin, size] : account) {
    const Units rest = size - of_strategies[coin];
    if (rest != 0) status.positions["(other)"][coin] = rest;
  }
  std::set<std::string> coins, held;
  for (const auto& [strategy, by_coin] : status.positions) {
    for (const auto& [coin, size] : by_coin) {
      coins.insert(coin);
      if (size != 0) held.insert(coin);
    }
  }

  std::vector<std::pair<std::string, data::Candles>> history;  // owns what the views below point into
  std::map<std::string, data::CandleView> closes;
  try {
    auto peek = data::StorePeek::open(o.store_path);
    const auto series = hyperliquid_series(peek, coins);
    status.marks = last_closes(series);
    status.var_interval = o.var_interval.empty() ? pick_interval(series, held) : o.var_interval;
    const auto chosen = series.find(status.var_interval);
    if (chosen != series.end() && o.var_bars > 0) {
      auto store = data::Store::open_existing(o.store_path);
      history.reserve(chosen->second.size());
      for (const auto& [coin, info] : chosen->second) {
        if (!held.contains(coin)) continue;
        const core::TimeMs from =
            info.time - static_cast<core::TimeMs>(o.var_bars) * info.key.interval.nominal_ms();
        auto candles = store.load_candles(info.key, from);
        if (candles) history.emplace_back(coin, std::move(*candles));
      }
      for (const auto& [coin, c] : history) closes.emplace(coin, c.view());
    }
  } catch (const core::Error&) {
    // No store beside the journal: exposure unpriced, VaR without history (its note says so).
  }
  status.exposure = exposure_of(status.positions, status.marks, status.memory.equity);
  status.var = historical_var(status.exposure.notional(), closes, status.memory.equity);
  return status;
}

}  // namespace organism::exec

// The walk-forward portfolio backtest written out: the JSON document (weights over time, metrics
// per policy, correlation, regimes) and the weights CSV. Pure: text in memory, the caller writes.
// Used by `organism portfolio backtest` (--json-out, --weights-out) and its tests.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "portfolio/portfolio_backtest.hpp"

namespace organism::portfolio {

// {"strategies", "coins", "capital", "policies": [{"policy", "metrics" (every metric by name),
// "scaled", "turnover", "fees_paid", "funding_paid", "equity": [{"time", "equity"}],
// "rebalances": [{"time", "bar", "total_weight", "strategies": [{"id", "weight", "score", "kelly",
// "dropped", "legs": [{"coin", "weight", "exposure", "regime_scale"}]}]}]}],
// "correlation": [[...]], "regimes": {coin: [labels per traded bar, run-length encoded as
// {"from", "regime"}]}}. Times are UTC ISO text.
nlohmann::ordered_json backtest_document(const PortfolioBacktestResult& result, double capital);

// "time,strategy,coin,weight,exposure" then one row per (policy's rebalance, strategy, coin).
std::string weights_csv(const PolicyResult& policy);

}  // namespace organism::portfolio

#include "portfolio/backtest_document.hpp"

#include "backtest/run_report.hpp"
#include "core/text.hpp"
#include "core/time.hpp"

namespace organism::portfolio {

namespace {

nlohmann::ordered_json policy_json(const PolicyResult& p) {
  nlohmann::ordered_json j;
  j["policy"] = policy_name(p.policy);
  backtest::put_metrics(j["metrics"], p.metrics);
  backtest::put_metrics(j["scaled"], p.scaled);
  j["turnover"] = p.turnover;
  j["fees_paid"] = p.fees;
  j["funding_paid"] = p.funding;
  auto& equity = j["equity"] = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < p.equity.size(); ++i) {
    equity.push_back({{"time", core::format_utc(p.times[i])}, {"equity", p.equity[i]}});
  }
  // The exposure each leg got at the rebalance, from the weight rows (same order as the legs).
  std::size_t row = 0;
  auto& rebalances = j["rebalances"] = nlohmann::ordered_json::array();
  for (const auto& a : p.rebalances) {
    nlohmann::ordered_json r;
    r["time"] = core::format_utc(p.times[a.bar - (p.rebalances.front().bar)]);
    r["bar"] = a.bar;
    r["total_weight"] = a.total_weight();
    auto& strategies = r["strategies"] = nlohmann::ordered_json::array();
    for (const auto& s : a.strategies) {
      nlohmann::ordered_json sj;
      sj["id"] = s.id;
      sj["weight"] = s.weight;
      sj["score"] = s.score;
      sj["kelly"] = s.kelly;
      sj["dropped"] = s.dropped;
      auto& legs = sj["legs"] = nlohmann::ordered_json::array();
      for (const auto& leg : s.legs) {
        const double exposure = row < p.weights.size() ? p.weights[row].exposure : 0.0;
        ++row;
        legs.push_back({{"coin", leg.coin},
                        {"weight", leg.weight},
                        {"exposure", exposure},
                        {"regime_scale", leg.regime_scale}});
      }
      strategies.push_back(std::move(sj));
    }
    rebalances.push_back(std::move(r));
  }
  return j;
}

}  // namespace

nlohmann::ordered_json backtest_document(const PortfolioBacktestResult& result, double capital) {
  nlohmann::ordered_json doc;
  doc["strategies"] = result.strategies;
  doc["coins"] = result.coins;
  doc["capital"] = capital;
  if (!result.policies.empty() && !result.policies.front().times.empty()) {
    doc["from"] = core::format_utc(result.policies.front().times.front());
    doc["to"] = core::format_utc(result.policies.front().times.back());
    doc["bars"] = result.policies.front().times.size();
  }
  auto& policies = doc["policies"] = nlohmann::ordered_json::array();
  for (const auto& p : result.policies) policies.push_back(policy_json(p));
  doc["correlation"] = result.correlation;
  auto& regimes = doc["regimes"] = nlohmann::ordered_json::object();
  const auto* times = result.policies.empty() ? nullptr : &result.policies.front().times;
  for (std::size_t c = 0; c < result.coins.size() && c < result.regimes.size(); ++c) {
    auto& runs = regimes[result.coins[c]] = nlohmann::ordered_json::array();
    const auto& codes = result.regimes[c];
    for (std::size_t i = 0; i < codes.size(); ++i) {
      if (i > 0 && codes[i] == codes[i - 1]) continue;
      const std::string from =
          times != nullptr && i < times->size() ? core::format_utc((*times)[i]) : std::to_string(i);
      runs.push_back({{"from", from}, {"regime", indicators::Regime::from_code(codes[i]).label()}});
    }
  }
  return doc;
}

std::string weights_csv(const PolicyResult& policy) {
  std::string out = "time,strategy,coin,weight,exposure\n";
  for (const auto& row : policy.weights) {
    out += core::format_utc(row.time);
    out += ',';
    out += row.strategy;
    out += ',';
    out += row.coin;
    out += ',';
    core::append_number(out, row.weight);
    out += ',';
    core::append_number(out, row.exposure);
    out += '\n';
  }
  return out;
}

}  // namespace organism::portfolio

#include "dashboard_fixtures.hpp"

#include <array>
#include <cmath>
#include <vector>

#include <nlohmann/json.hpp>

namespace organism::test {

using nlohmann::json;

namespace {

json health() {
  json components = json::array();
  for (const char* name : {"store", "data_feed", "exchange", "risk", "evolution_worker"})
    components.push_back({{"name", name}, {"status", "ok"}, {"detail", ""}, {"age_ms", nullptr}});
  components[1]["age_ms"] = 42'000;
  components[1]["detail"] = "last bar 42 s ago";
  components.push_back({{"name", "lifecycle_scheduler"}, {"status", "down"}, {"detail", "no evaluation for 2 h"},
                        {"age_ms", 7'200'000}});
  return {{"time", kFixtureNowMs}, {"score", 83}, {"status", "degraded"}, {"connected", 5}, {"total", 6},
          {"components", components}};
}

json equity() {
  const std::vector<double> values{10000, 10050, 10120, 10080, 10200, 10350, 10512.30, 10400, 10300, 10152.40};
  json points = json::array();
  double peak = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    peak = std::max(peak, values[i]);
    points.push_back({{"time", kFixtureNowMs - static_cast<std::int64_t>(values.size() - i) * 3'600'000},
                      {"equity", values[i]},
                      {"drawdown", (peak - values[i]) / peak}});
  }
  return {{"points", points}, {"journal", "production"}};
}

json position(const char* journal, const char* strategy, const char* coin, const char* size, const char* entry,
              double mark, double notional, const char* pnl) {
  return {{"journal", journal}, {"strategy", strategy}, {"coin", coin}, {"size", size}, {"entry_price", entry},
          {"realized_pnl", pnl}, {"fees", "1.20"}, {"funding", "-0.35"}, {"time", kFixtureNowMs - 600'000},
          {"cause", "signal"}, {"mark", mark}, {"notional", notional}};
}

json positions() {
  return {{"time", kFixtureNowMs},
          {"positions", {position("production", "s-7f3a9c21", "BTC", "0.015", "43120.5", 43500.0, 652.5, "12.40"),
                         position("production", "s-1b2c3d4e", "ETH", "-0.25", "2280.4", 2275.1, -568.78, "-3.10"),
                         position("paper", "s-99aa0b1c", "SOL", "3.2", "98.75", 101.2, 323.84, "0")}}};
}

json strategies() {
  json rows = json::array();
  const std::vector<std::pair<const char*, int>> counts{{"testing", 4}, {"validated", 2}, {"paper", 2},
                                                        {"production", 1}, {"decaying", 1}, {"retired", 3}};
  int n = 0;
  for (const auto& [state, count] : counts) {
    for (int i = 0; i < count; ++i, ++n) {
      const bool live = std::string(state) == "paper" || std::string(state) == "production" ||
                        std::string(state) == "decaying";
      rows.push_back({{"id", "s-" + std::to_string(1000 + n)}, {"state", state}, {"family", "ma_cross"},
                      {"run", "run-20251205-a1"}, {"created", kFixtureNowMs - 86'400'000},
                      {"updated", kFixtureNowMs - 3'600'000},
                      {"live_sharpe", live ? json(1.85 - 0.7 * i - 0.1 * n) : json(nullptr)}});
    }
  }
  return {{"strategies", rows}};
}

json risk_of(const char* journal, const char* state, json reason, double equity, double peak) {
  return {{"journal", journal}, {"state", state}, {"reason", reason},
          {"since", reason.is_null() ? json(nullptr) : json(kFixtureNowMs - 1'800'000)},
          {"figures", json::object()}, {"description", nullptr},
          {"memory", {{"equity", equity}, {"peak", peak}, {"day_start", peak}, {"losing_streak", 2}, {"latched", nullptr}}},
          {"transitions", json::array({{{"time", kFixtureNowMs - 1'800'000}, {"from", "ACTIVE"}, {"to", state},
                                        {"reason", reason}, {"figures", json::object()}, {"description", ""}}})},
          {"checks", {{"max_position", {{"rejected", 0}, {"shrunk", 3}}}, {"leverage", {{"rejected", 0}, {"shrunk", 0}}}}},
          {"exposure", json::object()}, {"var", json::object()}, {"commands", json::array()}};
}

json risk() {
  return {{"production", risk_of("production", "ACTIVE", nullptr, 10152.40, 10512.30)},
          {"paper", risk_of("paper", "REDUCING", "drawdown", 9420.00, 10000.00)}};
}

json allocations() {
  return {{"time", kFixtureNowMs - 900'000},
          {"allocations", {{{"strategy", "s-7f3a9c21"}, {"coin", "BTC"}, {"weight", 0.45}, {"exposure", 4568.58}},
                           {{"strategy", "s-1b2c3d4e"}, {"coin", "ETH"}, {"weight", 0.35}, {"exposure", -3553.34}}}}};
}

json regimes() {
  json rows = json::array();
  const std::vector<std::array<const char*, 3>> r{{"BTC", "up", "normal_vol"}, {"ETH", "range", "high_vol"},
                                                  {"SOL", "down", "low_vol"}};
  for (const auto& [coin, trend, vol] : r)
    rows.push_back({{"coin", coin}, {"interval", "1h"}, {"time", kFixtureNowMs - 3'600'000}, {"trend", trend},
                    {"volatility", vol}, {"sentiment", "neutral"}});
  return {{"regimes", rows}};
}

json alerts() {
  return {{"alerts",
           {{{"id", 7}, {"time", kFixtureNowMs - 1'800'000}, {"severity", "warning"}, {"kind", "drawdown"},
             {"title", "paper drawdown 5.8% crossed 5%"}, {"text", ""}, {"fields", json::object()}},
            {{"id", 8}, {"time", kFixtureNowMs - 1'790'000}, {"severity", "critical"}, {"kind", "breaker"},
             {"title", "paper breaker tripped: REDUCING (drawdown)"}, {"text", ""}, {"fields", json::object()}}}}};
}

json runs() {
  return {{"runs",
           {{{"id", "run-20251204-z9"}, {"created", kFixtureNowMs - 2 * 86'400'000}, {"status", "finished"},
             {"generation", 50}, {"evaluations", 10000}, {"seconds", 1520.5},
             {"options", {{"generations", 50}, {"population", 200}}}},
            {{"id", "run-20251205-a1"}, {"created", kFixtureNowMs - 3'600'000}, {"status", "running"},
             {"generation", 12}, {"evaluations", 2400}, {"seconds", 340.5},
             {"options", {{"generations", 50}, {"population", 200}}}}}}};
}

}  // namespace

std::map<std::string, std::string> dashboard_fixtures() {
  return {{"/health", health().dump()},           {"/equity", equity().dump()},
          {"/positions", positions().dump()},     {"/strategies", strategies().dump()},
          {"/risk", risk().dump()},               {"/allocations", allocations().dump()},
          {"/regimes", regimes().dump()},         {"/alerts", alerts().dump()},
          {"/runs", runs().dump()}};
}

}  // namespace organism::test

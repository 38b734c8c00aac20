// The API's routes over the store (api_routes.hpp): /strategies, /strategies/{id}, /equity,
// /regimes, /runs, /runs/{id}. The store is opened read-only per request; one that cannot be opened
// is 503 naming the file.
#include <cmath>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "data/store_peek.hpp"
#include "indicators/regime.hpp"
#include "lifecycle/lifecycle.hpp"
#include "lifecycle/state.hpp"
#include "monitor/api/api_routes.hpp"
#include "monitor/api/api_support.hpp"
#include "monitor/api/records_json.hpp"
#include "runs/front.hpp"
#include "runs/records.hpp"
#include "strategy/genome.hpp"
#include "validate/sharpe_stats.hpp"

namespace organism::monitor::api {
namespace {

// Stored JSON text as JSON; `fallback` when empty or not JSON (a record is shown, not refused).
Json parsed(const std::string& text, Json fallback) {
  if (text.empty()) return fallback;
  auto j = Json::parse(text, nullptr, false);
  return j.is_discarded() ? fallback : j;
}

// The annualized Sharpe of a strategy's marks in the session it traded last (the newest mark's),
// NaN returns (an epoch's first bar) skipped; null with fewer than 2 returns. A year of bars is
// counted at the marks' spacing (one mark per closed bar of the daemon's interval).
Json live_sharpe(const std::vector<data::StrategyMark>& marks) {
  if (marks.empty()) return nullptr;
  const std::string& session = marks.back().session;
  std::vector<double> returns;
  core::TimeMs previous = -1, step = std::numeric_limits<core::TimeMs>::max();
  for (const auto& m : marks) {
    if (m.session != session) continue;
    if (previous >= 0 && m.time > previous) step = std::min(step, m.time - previous);
    previous = m.time;
    if (std::isfinite(m.ret)) returns.push_back(m.ret);
  }
  if (returns.size() < 2 || step == std::numeric_limits<core::TimeMs>::max()) return nullptr;
  const double bars_per_year = static_cast<double>(core::kYearMs) / static_cast<double>(step);
  return validate::annualized_sharpe(returns, bars_per_year);
}

Json strategies(const ApiSources& s, const http::Request& r) {
  std::string state;
  if (const auto it = r.query.find("state"); it != r.query.end()) {
    state = it->second;
    if (!lifecycle::parse_state(state)) {
      throw ApiError(400, fmt::format("query parameter 'state': unknown state '{}' (testing, validated, paper, "
                                      "production, decaying or retired)",
                                      state));
    }
  }
  auto store = open_store(s.store_path);
  Json rows = Json::array();
  for (const auto& row : store.list_strategies()) {
    if (!state.empty() && row.state != state) continue;
    Json j = strategy_row_json(row);
    j["live_sharpe"] = live_sharpe(store.load_marks(row.id));
    rows.push_back(std::move(j));
  }
  return {{"strategies", rows}};
}

Json rule_of(const std::string& genome) {
  try {
    return runs::rule_in_words(strategy::from_json(genome));
  } catch (const std::exception&) {
    return nullptr;  // a genome this build cannot read has no rule to tell
  }
}

Json strategy(const ApiSources& s, const std::string& id) {
  auto store = open_store(s.store_path);
  const auto row = store.load_strategy(id);
  if (!row) throw ApiError(404, fmt::format("no strategy '{}' in store {}", id, s.store_path));
  Json events = Json::array();
  for (const auto& e : lifecycle::history(store, id)) events.push_back(lifecycle_event_json(e));
  const auto pm = store.load_postmortem(id);
  return {{"id", row->id},
          {"state", row->state},
          {"family", row->family},
          {"run", row->run_id},
          {"genome", parsed(row->genome, Json::object())},
          {"rule", rule_of(row->genome)},
          {"metrics", parsed(row->metrics, Json::object())},
          {"validation", parsed(row->validation, nullptr)},
          {"events", events},
          {"postmortem", pm ? parsed(pm->json, nullptr) : Json(nullptr)}};
}

// The account's equity per bar of one session: the sum of its strategies' mark equities at each
// time, drawdown (peak - equity) / peak from the running peak. Production when it has marks, else
// paper.
Json equity(const ApiSources& s, const http::Request& r) {
  const auto from = time_param(r, "from");
  const auto to = time_param(r, "to");
  if (from && to && *from >= *to) throw ApiError(400, "query parameters 'from' and 'to': 'from' must be before 'to'");
  auto store = open_store(s.store_path);
  std::map<std::string, std::map<core::TimeMs, double>> by_session;  // session -> time -> equity
  for (const auto& row : store.list_strategies()) {
    for (const auto& m : store.load_marks(row.id, from, to)) by_session[m.session][m.time] += m.equity;
  }
  const std::string session = by_session.contains("production") || !by_session.contains("paper") ? "production" : "paper";
  Json points = Json::array();
  double peak = 0;
  for (const auto& [time, value] : by_session[session]) {
    peak = std::max(peak, value);
    points.push_back({{"time", time}, {"equity", value}, {"drawdown", peak > 0 ? (peak - value) / peak : 0.0}});
  }
  return {{"points", points}, {"journal", session}};
}

Json regimes(const ApiSources& s) {
  std::vector<data::LatestRegime> latest;
  try {
    latest = data::StorePeek::open(s.store_path).latest_regimes();
  } catch (const std::exception& e) {
    throw ApiError(503, e.what());
  }
  Json rows = Json::array();
  for (const auto& l : latest) {
    const auto regime = indicators::Regime::from_code(l.code);
    rows.push_back({{"coin", l.key.coin},
                    {"venue", l.key.venue},
                    {"interval", l.key.interval.name()},
                    {"time", l.time},
                    {"label", regime.label()},
                    {"trend", indicators::name(regime.trend)},
                    {"volatility", indicators::name(regime.vol)},
                    {"sentiment", indicators::name(regime.sentiment)}});
  }
  return {{"regimes", rows}};
}

Json runs_list(const ApiSources& s) {
  auto store = open_store(s.store_path);
  Json rows = Json::array();
  for (const auto& row : store.list_runs()) {
    if (runs::is_portfolio_sizing_run(row)) continue;  // `organism portfolio evolve`'s, not an evolution
    Json j = runs::to_json(runs::from_row(row));
    j.erase("result");  // the front and validation are /runs/{id}'s
    rows.push_back(std::move(j));
  }
  return {{"runs", rows}};
}

Json run_detail(const ApiSources& s, const std::string& id) {
  auto store = open_store(s.store_path);
  const auto row = store.load_run(id);
  if (!row || runs::is_portfolio_sizing_run(*row)) {
    throw ApiError(404, fmt::format("no evolution run '{}' in store {}", id, s.store_path));
  }
  const auto run = runs::from_row(*row);
  Json j = runs::to_json(run);
  Json front = Json::array();
  if (run.result) {
    for (const auto& m : run.result->front) front.push_back(runs::to_json(m));
  }
  j["front"] = front;
  const int target = run.options.evolve.generations;
  j["progress"] = {{"generation", run.progress.generation},
                   {"generations", target},
                   {"fraction", target > 0 ? std::min(1.0, static_cast<double>(run.progress.generation) / target) : 0.0},
                   {"evaluations", run.progress.evaluations},
                   {"seconds", run.progress.seconds}};
  return j;
}

}  // namespace

std::vector<http::Route> store_routes(const ApiSources& s) {
  std::vector<http::Route> routes;
  routes.push_back({"GET", "/strategies", json_handler([s](const http::Request& r) { return strategies(s, r); })});
  routes.push_back({"GET", "/strategies/{id}",
                    json_handler([s](const http::Request& r) { return strategy(s, r.path_params.at("id")); })});
  routes.push_back({"GET", "/equity", json_handler([s](const http::Request& r) { return equity(s, r); })});
  routes.push_back({"GET", "/regimes", json_handler([s](const http::Request&) { return regimes(s); })});
  routes.push_back({"GET", "/runs", json_handler([s](const http::Request&) { return runs_list(s); })});
  routes.push_back({"GET", "/runs/{id}",
                    json_handler([s](const http::Request& r) { return run_detail(s, r.path_params.at("id")); })});
  return routes;
}

std::vector<http::Route> api_routes(const ApiSources& s) {
  std::vector<http::Route> routes{health_route(s)};
  for (auto& r : trading_routes(s)) routes.push_back(std::move(r));
  for (auto& r : store_routes(s)) routes.push_back(std::move(r));
  return routes;
}

}  // namespace organism::monitor::api

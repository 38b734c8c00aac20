// GET /health (api_routes.hpp): the inputs of compute_health gathered from the files, then the rules.
// Public (no token): a load balancer or a watchdog asks it.
#include <map>
#include <set>

#include <fmt/format.h>

#include "backtest/circuit_breakers.hpp"
#include "data/store.hpp"
#include "data/store_peek.hpp"
#include "exec/risk_journal.hpp"
#include "monitor/api/api_routes.hpp"
#include "monitor/api/api_support.hpp"
#include "monitor/api/health.hpp"

namespace organism::monitor::api {
namespace {

// The stalest of the daemon's coins' newest bars at its interval (a coin whose feed stopped is
// what the health must see).
void read_feed(const ApiSources& s, HealthInputs& in) {
  const auto interval = core::Interval::parse(in.daemon->interval);
  if (!interval) return;
  in.interval_ms = interval->nominal_ms();
  const std::set<std::string> coins(in.daemon->coins.begin(), in.daemon->coins.end());
  std::map<std::string, data::LatestBar> newest;  // coin -> its newest bar at the interval
  for (const auto& bar : data::StorePeek::open(s.store_path).latest_bars()) {
    if (bar.key.interval != *interval || !coins.contains(bar.key.coin)) continue;
    const auto it = newest.find(bar.key.coin);
    if (it == newest.end() || it->second.time < bar.time) newest.insert_or_assign(bar.key.coin, bar);
  }
  if (newest.size() < coins.size()) return;  // a coin without any bar: no feed for it
  for (const auto& [coin, bar] : newest) {
    if (!in.newest_bar || bar.time < *in.newest_bar) {
      in.newest_bar = bar.time;
      in.newest_bar_series = bar.key.label();
    }
  }
}

}  // namespace

HealthInputs gather_health_inputs(const ApiSources& s) {
  HealthInputs in;
  in.now = s.wall_now();
  try {
    auto store = data::Store::open_existing(s.store_path);
    in.store_schema = store.schema_version();
    in.store_open = true;
  } catch (const std::exception& e) {
    in.store_error = e.what();
  }
  const auto daemon_file = read_daemon_file(s.daemon_status_path);
  in.daemon = daemon_file.daemon;
  if (in.daemon) {
    try {
      read_feed(s, in);
    } catch (const std::exception&) {
      in.newest_bar.reset();  // an unreadable store: the store component already says so
    }
  }
  if (journal_exists(s.production_journal)) {
    try {
      auto risk = exec::RiskJournalReader::open(s.production_journal);
      const auto memory = risk.memory().value_or(backtest::BreakerMemory{});
      in.risk_state = std::string(backtest::name_of(memory.state));
      const auto transitions = risk.transitions(1);
      if (memory.state != backtest::TradingState::active && !transitions.empty()) {
        in.risk_reason = transitions.front().description;
      }
    } catch (const std::exception& e) {
      in.risk_state = "HALTED";  // a journal that cannot be read is treated as the worst state
      in.risk_reason = e.what();
    }
  }
  in.evolution = daemon_file.evolution;
  return in;
}

http::Route health_route(const ApiSources& s) {
  http::Route route{"GET", "/health",
                    json_handler([s](const http::Request&) { return to_json(compute_health(gather_health_inputs(s))); })};
  route.public_route = true;
  return route;
}

}  // namespace organism::monitor::api

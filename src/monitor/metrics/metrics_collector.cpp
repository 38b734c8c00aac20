// The /metrics collector (metrics_collector.hpp).
#include "monitor/metrics/metrics_collector.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>
#include <spdlog/spdlog.h>

#include "data/store_peek.hpp"
#include "exchange/hyperliquid/decimal.hpp"
#include "exec/journal_reader.hpp"
#include "exec/risk_status.hpp"
#include "lifecycle/state.hpp"
#include "monitor/daemon_status.hpp"
#include "monitor/metrics/journal_totals.hpp"
#include "monitor/metrics/store_figures.hpp"

namespace organism::monitor {

namespace {

using prometheus::Counter;
using prometheus::Family;
using prometheus::Gauge;
using prometheus::Histogram;
using prometheus::Labels;

constexpr std::size_t kOrdersPerScrape = 100'000;  // new orders read for the histogram at most

Family<Gauge>& gauge(prometheus::Registry& r, const char* name, const char* help) {
  return prometheus::BuildGauge().Name(name).Help(help).Register(r);
}
Family<Counter>& counter(prometheus::Registry& r, const char* name, const char* help) {
  return prometheus::BuildCounter().Name(name).Help(help).Register(r);
}

// A counter kept equal to a total that is read, not counted: it rises by the total's increase. A
// total below the previous one means its source was replaced (a new journal, a restarted daemon):
// the new total is all new.
void follow(Counter& c, double total, double& previous) {
  const double delta = total >= previous ? total - previous : total;
  if (delta > 0) c.Increment(delta);
  previous = total;
}

// A gauge present only while its value is known (an absent series says "unknown" better than 0).
void set_or_remove(Family<Gauge>& family, const Labels& labels, std::optional<double> value) {
  if (value) {
    family.Add(labels).Set(*value);
  } else if (family.Has(labels)) {
    family.Remove(&family.Add(labels));
  }
}

double seconds(core::TimeMs ms) { return static_cast<double>(ms) / 1000.0; }

// The previous totals of one journal, for the counters' deltas.
struct JournalMemory {
  double orders = 0, fills = 0, fees = 0, rebates = 0, funding_paid = 0, funding_received = 0;
  std::map<std::string, double> trips{};
  std::int64_t last_order_seq = 0;
  std::set<std::string> coins{};  // exposure series present
};

}  // namespace

struct MetricsCollector::Impl {
  Impl(MonitorFiles f, const core::Clock* c) : files(std::move(f)), clock(c ? c : &wall) {}

  MonitorFiles files;
  core::WallClock wall;
  const core::Clock* clock;
  std::mutex mutex;
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
  std::map<std::string, JournalMemory> journals;
  double reconnects = 0;
  std::int64_t daemon_pid = 0;

  Family<Gauge>& up = gauge(*registry, "organism_up", "1 while the monitor answers");
  Family<Gauge>& source_up = gauge(*registry, "organism_source_up",
                                   "1 when the file (store, production, paper, daemon) was read at this scrape");
  Family<Counter>& scrape_errors =
      counter(*registry, "organism_scrape_errors_total", "files that could not be read, per source");
  Family<Gauge>& equity = gauge(*registry, "organism_equity_usd", "account equity the risk manager last observed");
  Family<Gauge>& realized = gauge(*registry, "organism_realized_pnl_usd", "realized PnL of the strategies' positions");
  Family<Gauge>& unrealized =
      gauge(*registry, "organism_unrealized_pnl_usd", "unrealized PnL of the strategies' positions at the store's last closes");
  Family<Gauge>& exposure =
      gauge(*registry, "organism_exposure_usd", "signed notional per coin at the store's last close");
  Family<Gauge>& gross = gauge(*registry, "organism_gross_exposure_usd", "sum over coins of |notional|");
  Family<Gauge>& drawdown = gauge(*registry, "organism_drawdown_ratio", "1 - equity / running peak (0..1)");
  Family<Gauge>& orders = gauge(*registry, "organism_orders", "orders in the journal per state");
  Family<Counter>& orders_total = counter(*registry, "organism_orders_total", "orders journaled");
  Family<Counter>& fills_total = counter(*registry, "organism_fills_total", "fills journaled");
  Family<Counter>& fees_total = counter(*registry, "organism_fees_usd_total", "fees paid on fills (USD)");
  Family<Counter>& rebates_total = counter(*registry, "organism_rebates_usd_total", "maker rebates received (USD)");
  Family<Counter>& funding_paid =
      counter(*registry, "organism_funding_paid_usd_total", "funding paid on positions (USD)");
  Family<Counter>& funding_received =
      counter(*registry, "organism_funding_received_usd_total", "funding received on positions (USD)");
  Family<Gauge>& risk_state = gauge(*registry, "organism_risk_state", "trading state: 0 ACTIVE, 1 REDUCING, 2 HALTED");
  Family<Gauge>& risk_info = gauge(*registry, "organism_risk_state_info", "1 for the current trading state");
  Family<Counter>& trips =
      counter(*registry, "organism_breaker_trips_total", "transitions into REDUCING or HALTED per breaker");
  Family<Histogram>& latency = prometheus::BuildHistogram()
                                   .Name("organism_bar_to_order_latency_seconds")
                                   .Help("from a bar's close to the journaling of an order it decided")
                                   .Register(*registry);
  Family<Counter>& ws_reconnects =
      counter(*registry, "organism_ws_reconnects_total", "WebSocket reconnects of the daemon's market feed");
  Family<Gauge>& eval_rate = gauge(*registry, "organism_evolution_evaluations_per_second",
                                   "evaluations per second of the running re-evolution (0 when idle)");
  Family<Gauge>& strategies = gauge(*registry, "organism_strategies", "strategies per lifecycle state");
  Family<Gauge>& heartbeat_age =
      gauge(*registry, "organism_daemon_heartbeat_age_seconds", "wall time since the daemon last wrote its status");
  Family<Gauge>& bar_age =
      gauge(*registry, "organism_data_last_bar_age_seconds", "wall time since the newest bar closed");
  Family<Gauge>& exchange_connected =
      gauge(*registry, "organism_exchange_connected", "1 while the daemon's exchange connection is up");

  void failed(const std::string& source, const std::string& what) {
    scrape_errors.Add({{"source", source}}).Increment();
    source_up.Add({{"source", source}}).Set(0);
    spdlog::debug("metrics: {}: {}", source, what);
  }

  // The bar interval (ms) of each coin for the latency: the daemon's, else the coin's hyperliquid
  // series with the newest bar (the one a session is appending to).
  static std::map<std::string, core::TimeMs> intervals_of(const std::vector<data::LatestBar>& heads) {
    std::map<std::string, core::TimeMs> out, newest;
    for (const auto& h : heads) {
      const core::TimeMs close = h.time + h.key.interval.nominal_ms();
      if (!newest.contains(h.key.coin) || close > newest[h.key.coin]) {
        newest[h.key.coin] = close;
        out[h.key.coin] = h.key.interval.nominal_ms();
      }
    }
    return out;
  }

  void refresh_journal(const std::string& name, const std::string& path, const std::optional<core::TimeMs>& interval,
                       const std::map<std::string, core::TimeMs>& coin_intervals) {
    if (path.empty()) return;
    if (!std::filesystem::exists(path)) {
      source_up.Add({{"source", name}}).Set(0);  // a journal not written yet is no read error
      return;
    }
    const Labels labels{{"journal", name}};
    auto& memory = journals[name];
    JournalTotals t;
    exec::RiskStatus status;
    std::vector<exec::PositionChange> positions;
    try {
      JournalScan scan(path);
      t = scan.totals();
      exec::RiskStatusOptions options;
      options.journal_path = path;
      options.store_path = files.store_path;
      options.transitions = 1;
      options.var_bars = 0;  // VaR is not exported: no series is read whole at a scrape
      status = exec::read_risk_status(options);
      positions = exec::JournalReader::open(path).positions();
      for (const auto& order : scan.orders_after(memory.last_order_seq, kOrdersPerScrape)) {
        memory.last_order_seq = order.seq;
        const auto it = coin_intervals.find(order.coin);
        const auto bar = interval ? interval : it == coin_intervals.end() ? std::nullopt : std::optional(it->second);
        if (!bar) continue;  // unknown interval: no close time to measure from
        latency.Add(labels, Histogram::BucketBoundaries{0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60})
            .Observe(seconds(order.created_ms - (order.bar_time + *bar)));
      }
    } catch (const std::exception& e) {
      failed(name, e.what());
      return;
    }
    source_up.Add({{"source", name}}).Set(1);
    for (const auto& state : {"new", "sent", "resting", "partially_filled", "filled", "canceled", "rejected", "expired"})
      orders.Add({{"journal", name}, {"state", state}}).Set(0);
    for (const auto& [state, n] : t.orders_by_state)
      orders.Add({{"journal", name}, {"state", state}}).Set(static_cast<double>(n));
    follow(orders_total.Add(labels), static_cast<double>(t.orders), memory.orders);
    follow(fills_total.Add(labels), static_cast<double>(t.fills), memory.fills);
    follow(fees_total.Add(labels), t.fees_paid, memory.fees);
    follow(rebates_total.Add(labels), t.rebates, memory.rebates);
    follow(funding_paid.Add(labels), t.funding_paid, memory.funding_paid);
    follow(funding_received.Add(labels), t.funding_received, memory.funding_received);
    for (const auto& [breaker, n] : t.trips_by_breaker)
      follow(trips.Add({{"journal", name}, {"breaker", breaker}}), static_cast<double>(n), memory.trips[breaker]);

    const auto& m = status.memory;
    equity.Add(labels).Set(m.equity);
    drawdown.Add(labels).Set(m.peak > 0 && m.equity > 0 && m.equity < m.peak ? 1.0 - m.equity / m.peak : 0.0);
    risk_state.Add(labels).Set(static_cast<double>(static_cast<int>(m.state)));
    for (const auto s : {backtest::TradingState::active, backtest::TradingState::reducing, backtest::TradingState::halted})
      risk_info.Add({{"journal", name}, {"state", std::string(backtest::name_of(s))}}).Set(s == m.state ? 1 : 0);
    std::set<std::string> coins;
    for (const auto& c : status.exposure.by_coin) {
      exposure.Add({{"journal", name}, {"coin", c.coin}}).Set(c.net_notional);
      coins.insert(c.coin);
    }
    for (const auto& gone : memory.coins)
      if (!coins.contains(gone)) set_or_remove(exposure, {{"journal", name}, {"coin", gone}}, std::nullopt);
    memory.coins = std::move(coins);
    gross.Add(labels).Set(status.exposure.gross);

    double realized_usd = 0, unrealized_usd = 0;
    for (const auto& p : positions) {
      if (p.strategy_id.empty()) continue;  // the account's rows repeat the strategies' sum
      realized_usd += exchange::hl::units_to_double(p.realized_pnl);
      const auto mark = status.marks.find(p.coin);
      if (p.size != 0 && mark != status.marks.end()) {
        unrealized_usd += exchange::hl::units_to_double(p.size) * (mark->second - exchange::hl::units_to_double(p.entry_price));
      }
    }
    realized.Add(labels).Set(realized_usd);
    unrealized.Add(labels).Set(unrealized_usd);
  }

  std::string scrape() {
    const std::lock_guard lock(mutex);
    const core::TimeMs now = clock->now();
    up.Add({}).Set(1);

    std::vector<data::LatestBar> heads;  // each hyperliquid series' newest bar
    std::map<std::string, std::int64_t> by_state;
    std::optional<RunProgress> run;
    const DaemonFile daemon_file = read_daemon_file(files.daemon_status_path);
    try {
      StoreScan store(files.store_path);
      for (auto& bar : data::StorePeek::open(files.store_path).latest_bars())
        if (bar.key.venue == "hyperliquid") heads.push_back(std::move(bar));
      by_state = store.strategies_by_state();
      // The run of the cycle in progress (none between cycles).
      const auto& evolution = daemon_file.evolution;
      if (evolution && evolution->cycle_started_wall != 0 && !evolution->run_id.empty()) run = store.run(evolution->run_id);
      source_up.Add({{"source", "store"}}).Set(1);
    } catch (const std::exception& e) {
      failed("store", e.what());
    }
    for (const auto state : lifecycle::kAllStates) by_state.try_emplace(std::string(lifecycle::to_string(state)), 0);
    for (const auto& [state, n] : by_state) strategies.Add({{"state", state}}).Set(static_cast<double>(n));
    eval_rate.Add({}).Set(run && run->status == "running" && run->seconds > 0
                              ? static_cast<double>(run->evaluations) / run->seconds
                              : 0.0);

    const auto& daemon = daemon_file.daemon;
    std::optional<core::TimeMs> interval;
    if (daemon) {
      if (const auto parsed = core::Interval::parse(daemon->interval)) interval = parsed->nominal_ms();
      source_up.Add({{"source", "daemon"}}).Set(1);
      // Reconnects count from the daemon's start: a new pid starts a new count.
      if (daemon->pid != daemon_pid) reconnects = 0;
      daemon_pid = daemon->pid;
      follow(ws_reconnects.Add({}), static_cast<double>(daemon->ws_reconnects), reconnects);
      exchange_connected.Add({}).Set(daemon->exchange_connected ? 1 : 0);
    } else {
      source_up.Add({{"source", "daemon"}}).Set(0);
      ws_reconnects.Add({});  // present at 0, so rate() has a series from the first scrape
      set_or_remove(exchange_connected, {}, std::nullopt);
    }
    set_or_remove(heartbeat_age, {}, daemon ? std::optional(seconds(now - daemon->heartbeat_ms)) : std::nullopt);

    // The newest closed bar: the daemon's when it runs, else the store's newest hyperliquid bar.
    std::optional<core::TimeMs> last_close;
    if (daemon && daemon->last_bar > 0 && interval) last_close = daemon->last_bar + *interval;
    for (const auto& h : heads)
      if (!daemon || daemon->last_bar == 0)
        last_close = std::max(last_close.value_or(0), h.time + h.key.interval.nominal_ms());
    set_or_remove(bar_age, {}, last_close ? std::optional(seconds(now - *last_close)) : std::nullopt);

    const auto coin_intervals = intervals_of(heads);
    refresh_journal("production", files.production_journal, interval, coin_intervals);
    refresh_journal("paper", files.paper_journal, interval, coin_intervals);
    return prometheus::TextSerializer().Serialize(registry->Collect());
  }
};

MetricsCollector::MetricsCollector(MonitorFiles files, const core::Clock* clock)
    : impl_(std::make_unique<Impl>(std::move(files), clock)) {}
MetricsCollector::~MetricsCollector() = default;

std::string MetricsCollector::scrape() { return impl_->scrape(); }

http::Route metrics_route(MetricsCollector& collector) {
  return http::Route{"GET", "/metrics", [&collector](const http::Request&) {
                       try {
                         return http::Response::text(collector.scrape(), "text/plain; version=0.0.4; charset=utf-8");
                       } catch (const std::exception& e) {
                         return http::Response::error(500, std::string("metrics: ") + e.what());
                       }
                     }};
}

}  // namespace organism::monitor

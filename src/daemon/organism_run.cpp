#include <utility>  // before Asio: g++ 12 coroutines (DEPENDENCIES.md)

#include "daemon/organism_run.hpp"

#include <unistd.h>

#include <chrono>
#include <csignal>
#include <deque>
#include <map>
#include <memory>
#include <set>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/error.hpp"
#include "core/stop_signals.hpp"
#include "daemon/daemon_sessions.hpp"
#include "daemon/instance_lock.hpp"
#include "daemon/session_runner.hpp"
#include "daemon/status_publisher.hpp"
#include "data/store.hpp"
#include "exchange/client/endpoints.hpp"
#include "exchange/client/info_client.hpp"
#include "exchange/client/market_data_source.hpp"
#include "exchange/client/ws_client.hpp"
#include "lifecycle/state.hpp"

namespace organism::daemon {
namespace {

namespace client = exchange::client;
using Clock = std::chrono::steady_clock;

constexpr std::chrono::seconds kStartWait{120};  // a session's warm-up before the clock goes on

// One session of the daemon: its runner (null while it has no strategy) and its planned slots.
struct Session {
  std::string name;
  std::unique_ptr<SessionRunner> runner;
  std::vector<PlannedSlot> slots;
};

monitor::DaemonStatus initial_status(const RunOptions& o) {
  monitor::DaemonStatus s;
  s.pid = ::getpid();
  s.started_ms = StatusPublisher::wall_ms();
  s.mode = o.live ? "live" : "paper";
  s.url = o.session.url;
  s.interval = std::string(o.interval.name());
  s.coins = o.coins;
  return s;
}

class Daemon {
 public:
  Daemon(RunOptions options, const LoadOptions& reload, const Say& say)
      : options_(std::move(options)),
        reload_(reload),
        say_(say),
        store_(data::Store::open(options_.store_path)),
        scheduler_(store_, options_.interval, options_.lifecycle, options_.session.loop.costs,
                   options_.scheduler_allocator),
        worker_(options_.worker),
        status_(EvolutionWorker::state_path_for_store(options_.store_path), initial_status(options_)) {
    paper_.name = kPaperSession;
    production_.name = kProductionSession;
  }

  RunResult run(const std::atomic<bool>& stop, core::StopSignals& signals, core::ReloadSignal& reload);

 private:
  // The held positions of a session's strategies at its newest decided bar.
  std::map<std::string, bool> held(const Session& s) const {
    std::map<std::string, bool> out;
    if (!s.runner) return out;
    const auto snap = s.runner->snapshot();
    if (snap.bars.empty()) return out;
    for (const auto& status : snap.bars.rbegin()->second) {
      bool any = false;
      for (const double u : status.units) any = any || u != 0;
      out[status.id] = any;
    }
    return out;
  }

  void stop_session(Session& s, bool flatten) {
    if (!s.runner) return;
    if (flatten) s.runner->request_flatten();
    s.runner->stop();
    const auto summary = s.runner->summary();
    say_(fmt::format("session {}: stopped: {} bars, {} orders placed, {} canceled at exit{}", s.name, summary.bars,
                     summary.orders_placed, summary.canceled_at_exit,
                     flatten ? fmt::format(", {} flatten orders, {}", summary.flatten_orders,
                                           summary.flat ? "flat" : "NOT flat")
                             : std::string()));
    s.runner.reset();
  }

  // (Re)starts a session on `slots` (stopping the running one first): the journal reconcile, the
  // ledger restore and the warm-up of exec's one start path.
  void start_session(Session& s, std::vector<PlannedSlot> slots, const std::string& why) {
    // A session this process ran decided every bar up to now: its successor starts at the next
    // one (exec::SessionOptions::decide_newest_again). The first start redoes a killed one's bar.
    const bool ran_here = s.runner && s.runner->snapshot().started;
    stop_session(s, false);
    s.slots = std::move(slots);
    marks_.new_epoch(s.name);
    if (s.slots.empty()) {
      say_(fmt::format("session {}: no strategies ({})", s.name, why));
      return;
    }
    auto o = session_options(s.name, options_, store_, s.slots, say_);
    o.decide_newest_again = !ran_here;
    if (ran_here && last_closed_ >= 0) o.decide_after = last_closed_;
    // Every strategy left out (said by session_options): no session. The plan stays, so the same
    // sets do not start it again at every bar.
    if (o.slots.empty()) return;
    std::vector<std::string> names;
    std::size_t closing = 0;
    for (const auto& slot : o.slots) {
      names.push_back(slot.closing ? slot.id + " (closing)" : slot.id);
      closing += slot.closing ? 1 : 0;
    }
    say_(fmt::format("session {}: start with {} strategies ({} closing), capital {:.2f} ({}): {}", s.name,
                     o.slots.size(), closing, o.loop.capital, why, fmt::join(names, ", ")));
    s.runner = std::make_unique<SessionRunner>(s.name, std::move(o), say_);
    s.runner->wait_started(kStartWait);
    const auto snap = s.runner->snapshot();
    if (snap.finished && !snap.error.empty()) {
      throw core::Error(fmt::format("session {} could not start: {}", s.name, snap.error));
    }
  }

  // The scheduler's sets against the sessions: restart the ones whose slots change.
  void apply_sets(bool force, const std::string& why) {
    const auto sets = scheduler_.trading_sets();
    for (auto* s : {&paper_, &production_}) {
      const auto& wanted = s == &paper_ ? sets.paper : sets.production;
      auto plan = plan_slots(wanted, s->slots, held(*s));
      const bool failed = s->runner && s->runner->snapshot().finished;
      if (failed) status_.error(fmt::format("session {} failed; restarting it", s->name));
      if (force || failed || plan != s->slots) start_session(*s, std::move(plan), failed ? "after a failure" : why);
      status_.status().sessions[s->name] =
          monitor::DaemonSessionStatus{s->runner != nullptr, static_cast<int>(s->slots.size())};
    }
    status_.publish(true);
  }

  // Bar time T is closed: wait for the sessions' decisions, marks, the scheduler, restarts, the worker.
  void on_closed(core::TimeMs time) {
    last_closed_ = time;
    std::vector<data::StrategyMark> marks;
    std::vector<std::string> paused;
    std::vector<std::string> equity;
    for (auto* s : {&paper_, &production_}) {
      if (!s->runner) continue;
      const bool decided = s->runner->wait_decided(time, std::chrono::milliseconds(options_.bar_wait_ms));
      const auto snap = s->runner->snapshot();
      const auto it = snap.bars.find(time);
      if (!decided || it == snap.bars.end()) {
        say_(fmt::format("session {}: bar {} not decided within {} ms: no marks", s->name, core::format_utc(time),
                         options_.bar_wait_ms));
        status_.error(fmt::format("session {}: bar {} not decided within {} ms", s->name, core::format_utc(time),
                                  options_.bar_wait_ms));
        continue;
      }
      double total = 0;
      for (auto& mark : marks_.marks_at(s->name, time, it->second)) {
        total += mark.equity;
        say_(format_mark(mark));
        marks.push_back(std::move(mark));
      }
      equity.push_back(fmt::format("{} {:.2f} ({} strategies)", s->name, total, it->second.size()));
      if (s == &production_) paused = snap.paused;
    }
    for (const auto& change : scheduler_.evaluate(time, marks, paused)) {
      say_(fmt::format("lifecycle: {} {} -> {} at {}: {}", change.id, lifecycle::to_string(change.from),
                       lifecycle::to_string(change.to), core::format_utc(change.time), change.reason));
    }
    status_.status().last_bar = time;
    status_.status().scheduler_last_bar = time;
    status_.status().scheduler_last_wall_ms = StatusPublisher::wall_ms();
    apply_sets(false, fmt::format("sets changed at {}", core::format_utc(time)));
    worker_.on_bar(time);
    poll_worker();
    std::map<std::string, int> states;
    for (const auto& r : store_.list_strategies()) ++states[r.state];
    std::vector<std::string> counts;
    for (const auto state : lifecycle::kAllStates) {
      counts.push_back(fmt::format("{} {}", lifecycle::to_string(state), states[std::string(lifecycle::to_string(state))]));
    }
    say_(fmt::format("bar {} | {} | {}{}", core::format_utc(time), equity.empty() ? "no session" : fmt::format("{}", fmt::join(equity, " | ")),
                     fmt::join(counts, " "), worker_.running() ? " | evolving" : ""));
  }

  void poll_worker() {
    if (const auto cycle = worker_.poll()) {
      say_(fmt::format("evolution: cycle {} ended (exit {}) after {:.1f} s, started at market time {}", cycle->run_id,
                       cycle->exit_code, cycle->seconds, core::format_utc(cycle->market_time)));
      if (cycle->exit_code != 0)
        status_.error(fmt::format("evolution cycle {} exited with {}", cycle->run_id, cycle->exit_code));
    }
  }

  void on_reload() {
    RunOptions fresh;
    try {
      fresh = reload_();
    } catch (const std::exception& e) {
      say_(fmt::format("SIGHUP: reload refused, the running configuration stays: {}", e.what()));
      status_.error(fmt::format("SIGHUP: reload refused: {}", e.what()));
      return;
    }
    std::set<std::string> before(options_.config_lines.begin(), options_.config_lines.end());
    std::vector<std::string> changed;
    for (const auto& line : fresh.config_lines) {
      if (!before.contains(line)) changed.push_back(line);
    }
    say_(fmt::format("SIGHUP: configuration reloaded, {} keys changed{}{}", changed.size(), changed.empty() ? "" : ": ",
                     fmt::join(changed, "; ")));
    fresh.until = options_.until;  // the command line's, not the configuration's
    options_ = std::move(fresh);
    scheduler_.set_options(options_.lifecycle);
    worker_.set_options(options_.worker);
    apply_sets(true, "SIGHUP: new limits");
  }

  RunOptions options_;
  const LoadOptions& reload_;
  const Say& say_;
  data::Store store_;
  LifecycleScheduler scheduler_;
  EvolutionWorker worker_;
  Session paper_, production_;
  MarkBook marks_;
  StatusPublisher status_;
  core::TimeMs last_closed_ = -1;  // the newest closed bar handled
};

RunResult Daemon::run(const std::atomic<bool>& stop, core::StopSignals& signals, core::ReloadSignal& reload) {
  RunResult result;
  apply_sets(true, "start");

  // The clock stream: every closed bar of the daemon's coins into the store.
  const std::string url = client::rest_url(options_.session.url);
  client::SessionOptions rest_options;
  rest_options.transport.proxy = options_.session.proxy;
  auto rest = std::make_shared<client::RestSession>(url, client::WeightBudget::make(options_.session.weight_per_minute),
                                                    rest_options);
  auto info = std::make_shared<client::InfoClient>(rest);
  boost::asio::io_context ioc;
  client::WsClientOptions ws_options;
  ws_options.url = client::websocket_url(url);
  ws_options.proxy = options_.session.proxy;
  client::WsClient ws(ioc, ws_options);
  client::MarketDataOptions data_options;
  data_options.coins = options_.coins;
  data_options.interval = options_.interval;
  data_options.funding = options_.session.loop.costs.funding;
  std::map<core::TimeMs, std::size_t> pending;  // bar time -> coins in
  std::deque<core::TimeMs> closed;
  client::MarketDataSource source(ioc, &ws, info, store_, data_options, [&](const client::LiveBar& live) {
    if (++pending[live.bar.time] < options_.coins.size()) return;
    pending.erase(live.bar.time);
    closed.push_back(live.bar.time);
  });
  source.on_reconnect([&](std::uint64_t n, const std::string& why) {
    say_(fmt::format("clock: reconnect {}: {}", n, why));
    status_.status().ws_reconnects = static_cast<std::int64_t>(n);
    status_.publish(true);
  });

  boost::asio::steady_timer timer(ioc);
  std::function<void()> watch = [&] {
    timer.expires_after(std::chrono::milliseconds(50));
    timer.async_wait([&](const boost::system::error_code& ec) {
      if (ec) return;
      // Every closed bar waiting, each whole: a stop request is honored between bars, never inside
      // one (a rehearsal at high speed queues several between two ticks).
      while (!stop.load() && !closed.empty() && result.stop_reason.empty()) {
        const auto time = closed.front();
        closed.pop_front();
        on_closed(time);
        ++result.bars;
        result.last_bar = time;
        if (options_.until && time >= *options_.until) result.stop_reason = "until";
        if (reload.take()) on_reload();
      }
      if (stop.load() && result.stop_reason.empty()) result.stop_reason = std::string(signals.received());
      if (!result.stop_reason.empty()) {
        source.stop();
        ws.stop();
        ioc.stop();
        return;
      }
      if (reload.take()) on_reload();
      poll_worker();
      status_.set_connected(ws.connected());
      status_.publish();
      watch();
    });
  };
  source.start();
  ws.start();
  watch();
  say_(fmt::format("clock: {} bars of {} from {}{}", options_.interval.name(), fmt::join(options_.coins, ","),
                   ws_options.url, options_.until ? " until " + core::format_utc(*options_.until) : std::string()));
  ioc.run();

  const bool flatten = options_.flatten_on_stop && result.stop_reason != "until";
  say_(fmt::format("stopping ({}){}", result.stop_reason, flatten ? ": flattening (lifecycle.flatten_on_stop)" : ""));
  stop_session(production_, flatten);
  stop_session(paper_, flatten);
  worker_.stop();
  for (auto* s : {&paper_, &production_}) status_.status().sessions[s->name].running = false;
  status_.set_connected(false);
  status_.publish(true);
  return result;
}

}  // namespace

RunResult run_organism(RunOptions options, const LoadOptions& reload, const Say& say) {
  if (options.coins.empty()) throw core::UsageError("evolve.coins: the daemon's clock needs at least one coin");
  auto lock = InstanceLock::acquire(options.store_path);
  // Signals before anything starts: SIGHUP reloads, SIGTERM/SIGINT stop between bars.
  core::StopSignals signals({SIGINT, SIGTERM});
  core::ReloadSignal reload_signal;
  // After the lock (a second daemon on the store fails on the lock, not on the port); before the
  // sessions, so the API sees them start. Its options are the start's: a SIGHUP keeps them.
  std::unique_ptr<monitor::MonitorService> monitor;
  if (options.monitor) {
    try {
      monitor = std::make_unique<monitor::MonitorService>(*options.monitor);
      say(fmt::format("api: serving {} (bearer token in {}{}; GET /health needs none)", monitor->url(),
                      monitor->token_file(), monitor->token_created() ? ", created now" : ""));
    } catch (const std::exception& e) {
      say(fmt::format("api: not serving: {}; trading goes on without it", e.what()));
    }
  }
  Daemon daemon(std::move(options), reload, say);
  auto result = daemon.run(signals.token(), signals, reload_signal);
  if (monitor) monitor->stop();
  return result;
}

}  // namespace organism::daemon

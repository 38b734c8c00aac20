// The alert rules and their sinks (alert_monitor.hpp).
#include "monitor/alerts/alert_monitor.hpp"

#include <cmath>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/text.hpp"
#include "exec/risk_journal.hpp"
#include "monitor/daemon_status.hpp"
#include "monitor/metrics/journal_totals.hpp"
#include "monitor/metrics/store_figures.hpp"

namespace organism::monitor {

namespace {

constexpr std::size_t kKept = 100;         // alerts /alerts can list
constexpr std::size_t kRowsPerPoll = 1000;  // new transitions or events read per poll

// What the rules remember of one journal between polls.
struct JournalWatch {
  std::string name, path;
  std::int64_t last_seq = 0;
  std::vector<bool> crossed{};  // per drawdown threshold
};

std::string pct(double fraction) { return core::format_number(std::round(fraction * 10000) / 100) + "%"; }

}  // namespace

struct AlertMonitor::Impl {
  Impl(MonitorFiles f, AlertOptions o, const core::Clock* c)
      : files(std::move(f)), options(std::move(o)), clock(c ? c : &wall) {
    for (const auto& url : options.webhooks) senders.push_back(std::make_unique<WebhookSender>(url, options));
    // Ids from the wall clock: they keep increasing across restarts, so a receiver that
    // de-duplicates by id never takes a new alert for an old one.
    next_id = static_cast<std::uint64_t>(clock->now()) * 1000;
    journals = {{"production", files.production_journal, 0, std::vector<bool>(options.drawdown_thresholds.size())},
                {"paper", files.paper_journal, 0, std::vector<bool>(options.drawdown_thresholds.size())}};
  }

  MonitorFiles files;
  AlertOptions options;
  core::WallClock wall;
  const core::Clock* clock;
  std::vector<std::unique_ptr<WebhookSender>> senders;

  std::mutex poll_mutex;  // one poll at a time (the thread, or a caller of poll_once)
  bool baseline_taken = false;
  std::vector<JournalWatch> journals;
  std::int64_t last_event_seq = 0;
  core::TimeMs last_error_ms = 0;
  bool heartbeat_lost = false, exchange_lost = false;
  std::map<std::string, core::TimeMs> last_sent;  // by key
  std::map<std::string, std::string> last_failure;  // by source: logged once per new message

  mutable std::mutex alerts_mutex;
  std::deque<Alert> kept;
  std::uint64_t next_id = 0;
  std::int64_t suppressed_count = 0;

  std::mutex thread_mutex;
  std::condition_variable wake;
  bool stopping = false;
  std::thread thread;

  void raise(std::string key, std::string severity, std::string kind, std::string title, std::string text,
             nlohmann::json fields) {
    const core::TimeMs now = clock->now();
    const auto sent = last_sent.find(key);
    if (sent != last_sent.end() && now - sent->second < static_cast<core::TimeMs>(options.repeat_seconds * 1000)) {
      const std::lock_guard lock(alerts_mutex);
      ++suppressed_count;
      return;
    }
    last_sent[key] = now;
    Alert a{0, now, std::move(key), std::move(severity), std::move(kind), std::move(title), std::move(text), std::move(fields)};
    {
      const std::lock_guard lock(alerts_mutex);
      a.id = ++next_id;
      kept.push_back(a);
      if (kept.size() > kKept) kept.pop_front();
    }
    if (options.log) {
      const auto level = a.severity == "info" ? spdlog::level::info
                         : a.severity == "warning" ? spdlog::level::warn
                                                   : spdlog::level::err;
      spdlog::log(level, "alert {} [{}] {}: {}: {}", a.id, a.severity, a.kind, a.title, a.text);
    }
    for (auto& sender : senders) sender->enqueue(a);
  }

  // A source that cannot be read is no alert by itself (the disconnect rule covers a dead daemon);
  // it is logged once per new reason.
  void unreadable(const std::string& source, const std::string& why) {
    auto& last = last_failure[source];
    if (last != why) spdlog::debug("alerts: {}: {}", source, why);
    last = why;
  }

  void watch_journal(JournalWatch& j) {
    if (j.path.empty()) return;
    std::vector<TransitionRow> rows;
    std::optional<backtest::BreakerMemory> memory;
    try {
      JournalScan scan(j.path);
      if (!baseline_taken) {
        j.last_seq = scan.totals().last_transition_seq;
      } else {
        rows = scan.transitions_after(j.last_seq, kRowsPerPoll);
      }
      memory = exec::RiskJournalReader::open(j.path).memory();
    } catch (const std::exception& e) {
      unreadable(j.name, e.what());
      return;
    }
    for (const auto& t : rows) {
      j.last_seq = t.seq;
      nlohmann::json fields{{"journal", j.name}, {"from", t.from}, {"to", t.to}, {"breaker", t.reason}, {"seq", t.seq},
                            {"transition_time", t.time}};
      for (const auto& [name, value] : t.figures) fields[name] = value;
      if (t.to == "ACTIVE") {
        raise(fmt::format("risk:{}:active", j.name), "info", "recovery", fmt::format("{}: trading ACTIVE again", j.name),
              t.description, std::move(fields));
        continue;
      }
      raise(fmt::format("breaker:{}:{}:{}", j.name, t.reason, t.to), t.to == "HALTED" ? "critical" : "warning",
            "breaker", fmt::format("{}: {} by {}", j.name, t.to, t.reason), t.description, std::move(fields));
    }
    if (memory && memory->peak > 0 && memory->equity > 0) watch_drawdown(j, *memory);
  }

  void watch_drawdown(JournalWatch& j, const backtest::BreakerMemory& m) {
    const double dd = m.equity < m.peak ? 1.0 - m.equity / m.peak : 0.0;
    for (std::size_t i = 0; i < options.drawdown_thresholds.size(); ++i) {
      const double limit = options.drawdown_thresholds[i];
      if (j.crossed[i] && dd < limit / 2) j.crossed[i] = false;  // recovered: the next crossing alerts again
      if (j.crossed[i] || dd < limit) continue;
      j.crossed[i] = true;
      const bool worst = i + 1 == options.drawdown_thresholds.size();
      raise(fmt::format("drawdown:{}:{}", j.name, core::format_number(limit)), worst ? "critical" : "warning",
            "drawdown", fmt::format("{}: drawdown {} (threshold {})", j.name, pct(dd), pct(limit)),
            fmt::format("equity {} is {} below its peak {}", core::format_number(m.equity), pct(dd),
                        core::format_number(m.peak)),
            {{"journal", j.name}, {"drawdown", dd}, {"threshold", limit}, {"equity", m.equity}, {"peak", m.peak}});
    }
  }

  void watch_store() {
    std::vector<LifecycleEventRow> events;
    try {
      StoreScan store(files.store_path);
      if (!baseline_taken) {
        last_event_seq = store.last_event_seq();
        return;
      }
      events = store.events_after(last_event_seq, kRowsPerPoll);
    } catch (const std::exception& e) {
      unreadable("store", e.what());
      return;
    }
    for (const auto& e : events) {
      last_event_seq = e.seq;
      const std::string from = e.from.empty() ? "born" : e.from;
      raise(fmt::format("lifecycle:{}:{}", e.strategy_id, e.to), "info", "lifecycle",
            fmt::format("strategy {}: {} -> {}", e.strategy_id, from, e.to), e.reason,
            {{"strategy", e.strategy_id}, {"from", e.from}, {"to", e.to}, {"seq", e.seq}, {"event_time", e.time}});
    }
  }

  void watch_daemon() {
    const auto status = read_daemon_status(files.daemon_status_path);
    if (!status) return;  // no daemon ever wrote here: `organism serve` over a store alone
    const core::TimeMs now = clock->now();
    const auto limit_ms = static_cast<core::TimeMs>(options.disconnect_seconds * 1000);
    const double heartbeat_age = static_cast<double>(now - status->heartbeat_ms) / 1000;
    const bool stale = now - status->heartbeat_ms > limit_ms;
    if (stale && !heartbeat_lost) {
      heartbeat_lost = true;
      raise("disconnect:heartbeat", "critical", "disconnect", "daemon silent",
            fmt::format("no heartbeat from the daemon (pid {}) for {} s", status->pid, core::format_number(std::round(heartbeat_age))),
            {{"pid", status->pid}, {"heartbeat_age_seconds", heartbeat_age}});
    } else if (!stale && heartbeat_lost) {
      heartbeat_lost = false;
      raise("recovery:heartbeat", "info", "recovery", "daemon back",
            fmt::format("the daemon (pid {}) writes its status again", status->pid), {{"pid", status->pid}});
    }
    // The exchange's state is only as fresh as the heartbeat: judged while the daemon is alive.
    if (!stale) {
      const double down_for = static_cast<double>(now - status->exchange_since_ms) / 1000;
      const bool down = !status->exchange_connected && now - status->exchange_since_ms > limit_ms;
      if (down && !exchange_lost) {
        exchange_lost = true;
        raise("disconnect:exchange", "critical", "disconnect", "exchange disconnected",
              fmt::format("the daemon has been disconnected from {} for {} s", status->url,
                          core::format_number(std::round(down_for))),
              {{"url", status->url}, {"down_seconds", down_for}, {"reconnects", status->ws_reconnects}});
      } else if (status->exchange_connected && exchange_lost) {
        exchange_lost = false;
        raise("recovery:exchange", "info", "recovery", "exchange reconnected",
              fmt::format("the daemon is connected to {} again", status->url),
              {{"url", status->url}, {"reconnects", status->ws_reconnects}});
      }
    }
    core::TimeMs newest = last_error_ms;
    for (const auto& e : status->errors) {
      newest = std::max(newest, e.time_ms);
      if (!baseline_taken || e.time_ms <= last_error_ms) continue;
      raise("error:" + e.message, "error", "error", "daemon error", e.message, {{"error_time", e.time_ms}});
    }
    last_error_ms = newest;
  }

  void poll() {
    const std::lock_guard lock(poll_mutex);
    for (auto& j : journals) watch_journal(j);
    watch_store();
    watch_daemon();
    baseline_taken = true;
  }

  void run() {
    for (;;) {
      try {
        poll();
      } catch (const std::exception& e) {
        unreadable("poll", e.what());
      }
      std::unique_lock lock(thread_mutex);
      if (wake.wait_for(lock, std::chrono::milliseconds(options.poll_ms), [this] { return stopping; })) return;
    }
  }
};

AlertMonitor::AlertMonitor(MonitorFiles files, AlertOptions options, const core::Clock* clock)
    : impl_(std::make_unique<Impl>(std::move(files), std::move(options), clock)) {}

AlertMonitor::~AlertMonitor() { stop(); }

void AlertMonitor::start() {
  if (impl_->thread.joinable()) return;
  {
    const std::lock_guard lock(impl_->thread_mutex);
    impl_->stopping = false;
  }
  impl_->thread = std::thread([this] { impl_->run(); });
}

void AlertMonitor::stop() {
  if (!impl_->thread.joinable()) return;
  {
    const std::lock_guard lock(impl_->thread_mutex);
    impl_->stopping = true;
  }
  impl_->wake.notify_all();
  impl_->thread.join();
}

void AlertMonitor::poll_once() { impl_->poll(); }

std::vector<Alert> AlertMonitor::recent(std::size_t n) const {
  const std::lock_guard lock(impl_->alerts_mutex);
  n = std::min({n, kKept, impl_->kept.size()});
  return {impl_->kept.end() - static_cast<std::ptrdiff_t>(n), impl_->kept.end()};
}

std::int64_t AlertMonitor::suppressed() const {
  const std::lock_guard lock(impl_->alerts_mutex);
  return impl_->suppressed_count;
}

std::vector<WebhookStats> AlertMonitor::webhook_stats() const {
  std::vector<WebhookStats> out;
  for (const auto& s : impl_->senders) out.push_back(s->stats());
  return out;
}

http::Route alerts_route(AlertMonitor& monitor) {
  return http::Route{"GET", "/alerts", [&monitor](const http::Request& request) {
                       std::size_t limit = kKept;
                       if (const auto it = request.query.find("limit"); it != request.query.end()) {
                         const auto n = core::parse_int64(it->second);
                         if (!n || *n < 0) return http::Response::error(400, "limit: expected a whole number >= 0");
                         limit = static_cast<std::size_t>(*n);
                       }
                       nlohmann::json alerts = nlohmann::json::array();
                       for (const auto& a : monitor.recent(limit)) alerts.push_back(to_json(a));
                       return http::Response::json(
                           nlohmann::json{{"alerts", alerts}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
                     }};
}

}  // namespace organism::monitor
